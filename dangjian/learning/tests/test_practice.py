"""党务实操 and 党建论坛 (issue 12): procedures shipped as data and overridable by subtree; a 组织生活会 record follows
its procedure step by step; drills scored per step by assessors (never by the performer, once each) with results per
secretary over time; a forum's 述职 reports voted on once per participant, read by the organizations below."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import make_committee
from dangjian.learning import practice
from dangjian.learning.models import AgendaItem, Drill, ForumSession, MeetingStep, Procedure, ProcedureStep
from dangjian.meetings import services as meetings

TODAY = timezone.localdate()


def test_the_four_procedures_are_data_and_a_company_may_ship_its_own_version(world):
    assert set(practice.procedures_for(world.orgs.a1)) == {"life_meeting", "integrity_talk", "public_opinion", "petition"}
    own = Procedure.objects.create(organization=world.orgs.a, code="petition", name="信访事件化解（本公司版）")
    ProcedureStep.objects.create(procedure=own, order=1, title="登记")
    assert practice.procedures_for(world.orgs.a1)["petition"] == own
    assert practice.procedures_for(world.orgs.b1)["petition"].organization is None


def test_a_life_meeting_record_follows_its_procedure_step_by_step(world, login):
    meeting = meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "life_meeting", "topic": "年度组织生活会", "held_on": TODAY, "status": "held"})
    client = login(world.users.secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "按“组织生活会程序”逐步核对" in page and "开展谈心谈话" in page
    step = practice.procedure_for_meeting(meeting).steps.get(order=4)
    client.post(reverse("learning:meeting_step", args=[meeting.pk, step.pk]))
    client.post(reverse("learning:meeting_step", args=[meeting.pk, step.pk]))  # twice is once
    assert MeetingStep.objects.filter(meeting=meeting).count() == 1
    other = Procedure.objects.get(code="petition", organization=None).steps.first()
    assert client.post(reverse("learning:meeting_step", args=[meeting.pk, other.pk])).status_code == 404
    theme_day = meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "theme_day", "topic": "主题党日", "held_on": TODAY, "status": "held"})
    assert "逐步核对" not in client.get(theme_day.get_absolute_url()).content.decode()
    assert login(world.users.outsider).post(reverse("learning:meeting_step", args=[meeting.pk, step.pk])).status_code == 404


def test_a_drill_is_scored_per_step_by_assessors_never_the_performer(world, login):
    make_committee(world.orgs.a1, world.members.a1)
    performer = world.members.a1[0]  # the member persona's own record
    procedure = practice.procedures_for(world.orgs.a1)["integrity_talk"]
    drill = Drill.objects.create(organization=world.orgs.a1, procedure=procedure, held_on=TODAY, performer=performer)
    steps = list(procedure.steps.all())
    full = {s.pk: (8, "") for s in steps}
    with pytest.raises(ValidationError):
        practice.score_drill(drill=drill, by=world.users.member, scores=full)  # the member persona performs it
    with pytest.raises(ValidationError):
        practice.score_drill(drill=drill, by=world.users.secretary, scores={steps[0].pk: (8, "")})  # every step
    with pytest.raises(ValidationError):
        practice.score_drill(drill=drill, by=world.users.secretary, scores={**full, steps[0].pk: (11, "")})
    practice.score_drill(drill=drill, by=world.users.secretary, scores=full)
    practice.score_drill(drill=drill, by=world.users.group_admin, scores={s.pk: (6, "程序不熟") for s in steps})
    with pytest.raises(ValidationError):
        practice.score_drill(drill=drill, by=world.users.group_admin, scores=full)
    assessors, percent, _per_step = practice.drill_result(drill)
    assert (assessors, str(percent)) == (2, "70.0")
    listed = practice.with_results(Drill.objects.filter(pk=drill.pk)).get()  # the list pages' one-query form agrees
    assert (listed.n_assessors, round(listed.percent, 1)) == (2, percent)
    assert "70.0" in login(world.users.group_admin).get(reverse("learning:drills", args=[world.orgs.a1.pk])).content.decode()
    page = login(world.users.secretary).get(reverse("learning:drill", args=[drill.pk]))
    assert "得分 70.0（2 位评委）" in page.content.decode() and "程序不熟" in page.content.decode()
    assert login(world.users.outsider).get(reverse("learning:drill", args=[drill.pk])).status_code == 404


def test_a_forum_is_read_below_its_organizer_and_each_participant_votes_once(world, login):
    session = ForumSession.objects.create(organization=world.orgs.a, held_on=TODAY, theme="党建论坛：书记述职",
                                          is_monthly_meeting=True, voting_closes_on=TODAY + datetime.timedelta(days=3))
    first = AgendaItem.objects.create(session=session, kind="report", title="第一党支部书记述职", presenter="张书记")
    second = AgendaItem.objects.create(session=session, kind="report", title="第二党支部书记述职", presenter="李书记")
    topic = AgendaItem.objects.create(session=session, kind="topic", title="如何开好组织生活会")
    client = login(world.users.secretary)  # A1's secretary: below A
    assert client.get(reverse("learning:forum", args=[session.pk])).status_code == 200
    client.post(reverse("learning:forum_comment", args=[topic.pk]), {"text": "先把谈心谈话做实"})
    client.post(reverse("learning:forum_vote", args=[first.pk]))
    client.post(reverse("learning:forum_vote", args=[second.pk]))  # a second vote is refused
    with pytest.raises(ValidationError):
        practice.vote(session=session, item=topic, by=world.users.group_admin, today=TODAY)  # not a report
    with pytest.raises(ValidationError):
        practice.vote(session=session, item=second, by=world.users.group_admin, today=TODAY + datetime.timedelta(days=4))
    assert practice.tally(session) == {first.pk: 1}
    assert topic.comments.get().text == "先把谈心谈话做实"
    outsider = login(world.users.outsider)
    assert outsider.get(reverse("learning:forum", args=[session.pk])).status_code == 404
    assert outsider.post(reverse("learning:forum_vote", args=[second.pk])).status_code == 404
    assert practice.tally(session) == {first.pk: 1}
