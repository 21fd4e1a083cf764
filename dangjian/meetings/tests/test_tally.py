"""The meeting tally the compliance verdicts count: kept by triggers in the meeting's own transaction, and always
equal to a full recomputation (Production issue: kept counts proven equal to a recomputation)."""
import datetime
import random

import pytest
from django.core.management import CommandError, call_command

from dangjian.factories import make_committee
from dangjian.meetings.models import MeetingOrganization, MeetingTally
from dangjian.meetings.services import expected_attendees, record_meeting, save_attendance
from dangjian.meetings.tally import MEETINGS

from .test_compliance import Q3, TODAY, hold, verdicts

JULY = datetime.date(2026, 7, 1)


def count(org, kind, month=JULY):
    row = MeetingTally.objects.filter(organization=org, kind=kind, month=month).first()
    return (row.held, row.lectured) if row else (0, 0)


def test_every_kind_of_write_keeps_the_tally(world):
    a1, a2, b1 = world.orgs.a1, world.orgs.a2, world.orgs.b1
    joint = hold(a1, "lecture", datetime.date(2026, 7, 9), others=[a2, b1], lectured=True)
    assert count(a1, "lecture") == (1, 1)  # the host's secretary lectured
    assert count(a2, "lecture") == (1, 0) and count(b1, "lecture") == (1, 0)

    joint.held_on = datetime.date(2026, 8, 3)  # moved to another month: counted there, not twice
    joint.save()
    assert count(a1, "lecture") == (0, 0) and count(a1, "lecture", datetime.date(2026, 8, 1)) == (1, 1)

    joint.status = "planned"  # a plan is not a meeting held
    joint.save()
    assert MeetingTally.objects.filter(held__gt=0).count() == 0

    joint.status = "held"
    joint.kind, joint.secretary_lectured = "theme_day", False
    joint.save()
    assert count(a2, "theme_day", datetime.date(2026, 8, 1)) == (1, 0)
    assert count(a1, "lecture", datetime.date(2026, 8, 1)) == (0, 0)

    joint.participations.filter(organization=b1).delete()  # b1 leaves the joint activity
    assert count(b1, "theme_day", datetime.date(2026, 8, 1)) == (0, 0)

    joint.delete()  # cascade
    assert not MeetingTally.objects.filter(held__gt=0).exists()
    assert MEETINGS.differences() == []


def test_a_committee_meeting_without_a_majority_present_does_not_count(world):
    a1 = world.orgs.a1
    people = world.members.a1[:4]
    make_committee(a1, people)
    meeting = record_meeting(host=a1, by=world.users.secretary, others=(), fields={
        "kind": "committee", "topic": "支委会", "held_on": datetime.date(2026, 7, 3)},
        attendance={m.pk: ("present", "") for m in people[:3]} | {people[3].pk: ("absent", "")})
    assert count(a1, "committee") == (1, 0)
    save_attendance(meeting, {m.pk: ("present" if m == people[0] else "absent", "") for m in people},
                    expected_attendees("committee", a1, []))
    assert count(a1, "committee") == (0, 0)
    assert MEETINGS.differences() == []


def test_recompute_repairs_a_tally_that_drifted_and_check_reports_it(world, capsys):
    a1 = world.orgs.a1
    hold(a1, "theme_day", datetime.date(2026, 7, 2))
    hold(a1, "theme_day", datetime.date(2026, 7, 20))
    MeetingTally.objects.filter(organization=a1).update(held=7)  # e.g. rows written with the triggers dropped
    assert MEETINGS.differences() == [((a1.pk, "theme_day", JULY), (7, 0), (2, 0))]
    with pytest.raises(CommandError, match="1 处不一致"):
        call_command("recompute", "--check")
    call_command("recompute")
    assert count(a1, "theme_day") == (2, 0)
    call_command("recompute", "--check")
    assert "一致" in capsys.readouterr().out


def test_the_verdicts_read_the_tally(world):
    """What the roll-up counts is the kept tally (so keeping it right is what the tests above prove)."""
    a1 = world.orgs.a1
    assert verdicts(a1, Q3)[("general_assembly", "")].status == "due"
    MeetingTally.objects.create(organization=a1, kind="general_assembly", month=JULY, held=1)
    assert verdicts(a1, Q3)[("general_assembly", "")].status == "met"


def test_random_histories_keep_the_tally_equal_to_a_recomputation(world):
    """Any mix of writes — joint activities, moves across months and kinds, plans, quorum, deletes — leaves
    the kept tally equal to the counts recomputed from the meetings."""
    rng = random.Random(20261130)
    orgs = [world.orgs.a1, world.orgs.a2, world.orgs.b1, world.orgs.a1g]
    kinds = ["general_assembly", "committee", "group", "lecture", "theme_day"]
    meetings = []
    for step in range(150):
        op = rng.choice(["add", "add", "edit", "quorum", "leave", "delete"]) if meetings else "add"
        if op == "add":
            host = rng.choice(orgs)
            others = rng.sample([o for o in orgs if o != host], rng.randint(0, 2))
            kind = rng.choice(kinds)
            meetings.append(hold(host, kind, TODAY - datetime.timedelta(days=rng.randint(0, 120)), others=others,
                                 lectured=kind == "lecture" and rng.random() < 0.5,
                                 status=rng.choice(["held", "held", "planned"])))
        elif op == "edit":
            m = rng.choice(meetings)
            m.kind = rng.choice(kinds)
            m.secretary_lectured = m.kind == "lecture" and rng.random() < 0.5
            m.held_on = TODAY - datetime.timedelta(days=rng.randint(0, 120))
            m.status = rng.choice(["held", "planned"])
            m.save()
        elif op == "quorum":
            MeetingOrganization.objects.filter(meeting=rng.choice(meetings)).update(quorate=rng.random() < 0.5)
        elif op == "leave":
            m = rng.choice(meetings)
            m.participations.exclude(organization=m.organization).delete()
        else:
            meetings.pop(rng.randrange(len(meetings))).delete()
        if step % 10 == 0:
            assert MEETINGS.differences() == [], f"step {step} ({op})"
    assert MEETINGS.differences() == []
    assert MeetingTally.objects.filter(held__gt=0).exists()
