"""The member tally: members on the roll per organization, 党小组 and status, kept by triggers and equal to a
recount after any history of roster writes; the roster's page count read from it equals counting the rows."""
import datetime
import random

from django.test import RequestFactory

from dangjian.factories import MemberFactory, make_org
from dangjian.members.filtersets import MemberFilterSet
from dangjian.members.models import Member, MemberTally, Status
from dangjian.members.tally import MEMBERS
from dangjian.orgs.models import OrgKind
from dangjian.orgs.rules import member_counts


def test_random_roster_histories_keep_the_tally_equal_to_a_recount(world):
    rng = random.Random(1130)
    b2 = make_org("第二生产党支部", parent=world.orgs.b, code="B2")
    b2g = make_org("第一党小组", parent=b2, kind=OrgKind.GROUP, code="B2G")
    homes = [(world.orgs.a1, world.orgs.a1g), (world.orgs.a2, None), (world.orgs.b1, None), (b2, b2g)]
    people = list(Member.objects.all())
    for step in range(120):
        op = rng.choice(["add", "status", "move", "group", "end", "restore", "delete", "bulk"])
        m = rng.choice(people) if people else None
        if op == "add" or m is None:
            org, group = rng.choice(homes)
            people.append(MemberFactory(organization=org, party_group=group))
        elif op == "status":
            m.status = rng.choice([Status.FULL, Status.PROBATIONARY])
            m.save()
        elif op == "move":
            m.organization, m.party_group = rng.choice(homes)
            m.save()
        elif op == "group":
            m.party_group = None if m.party_group_id else dict(homes).get(m.organization)
            m.save()
        elif op == "end":
            m.ended_on, m.end_reason = datetime.date(2026, 5, 1), "transfer_out"
            m.save()
        elif op == "restore":
            Member.objects.filter(pk=m.pk).update(ended_on=None, end_reason="")
        elif op == "delete":
            people.remove(m)
            m.delete()
        else:  # a queryset update, as imports and transfers do
            Member.objects.filter(organization=world.orgs.a2).update(status=Status.FULL)
        if step % 10 == 0:
            assert MEMBERS.differences() == [], f"step {step} ({op})"
    assert MEMBERS.differences() == []
    total, full = member_counts(world.orgs.group)
    roll = Member.objects.on_roll()
    assert (total, full) == (roll.count(), roll.filter(status=Status.FULL).count())


def test_the_roster_count_from_the_tally_equals_counting_the_rows(world):
    MemberFactory(organization=world.orgs.a1, status=Status.PROBATIONARY, confirmed_on=None)
    MemberFactory(organization=world.orgs.b1, ended_on=datetime.date(2026, 1, 5), end_reason="death")
    # another tree: a whole group's count is taken as "not outside it", which must leave this one out
    other = make_org("另一集团党委", code="OTHER")
    MemberFactory.create_batch(3, organization=make_org("另一党支部", parent=other))
    cases = [{}, {"org": world.orgs.group.pk}, {"org": world.orgs.a.pk}, {"org": world.orgs.a1.pk},
             {"status": "probationary"}, {"roll": "on"}, {"roll": "ended"}, {"gender": "M"},
             {"org": world.orgs.b1.pk, "status": "full"}, {"org": other.pk}]
    used = 0
    for user in vars(world.users).values():
        for params in cases:
            request = RequestFactory().get("/members/", params)
            request.user = user
            fs = MemberFilterSet(request.GET, queryset=Member.objects.visible_to(user), request=request)
            if not fs.is_valid():  # an organization outside this user's scope: the list shows nothing
                continue
            fast = fs.tally_count()
            assert fast in (None, fs.qs.count()), (user.username, params, fast, fs.qs.count())
            used += fast is not None
    assert used > 10  # the fast path is actually taken for the default listings


def test_recompute_check_covers_every_tally(world):
    from io import StringIO

    from django.core.management import call_command

    MemberTally.objects.filter(organization=world.orgs.a1).update(n=99)
    out = StringIO()
    try:
        call_command("recompute", "--check", stdout=out)
    except Exception as e:  # CommandError
        assert "不一致" in str(e)
    else:
        raise AssertionError("a drifted member tally went unnoticed")
    assert "党员人数计数" in out.getvalue() and "组织生活计数：一致" in out.getvalue()
    call_command("recompute", stdout=StringIO())
    call_command("recompute", "--check", stdout=StringIO())


def test_a_bulk_import_is_counted_once_in_one_statement(world, tmp_path):
    """The roster import writes thousands of rows in one statement (core.bulk); the tally counts them once —
    PostgreSQL by its statement-level triggers, SQLite by the import's bulk mode — and stays exact after."""
    from dangjian.demo.benchmarks import write_roster_file
    from dangjian.members.importer import import_roster

    before = member_counts(world.orgs.a1)[0]
    out = tmp_path / "roster.xlsx"
    write_roster_file(out, [world.orgs.a1.code], 40, set(Member.objects.values_list("id_number", flat=True)))
    with open(out, "rb") as fh:
        result = import_roster(fh, user=None, commit=True)
    assert not result.errors, result.errors[:3]
    assert member_counts(world.orgs.a1)[0] == before + 40
    assert MEMBERS.differences() == []
    Member.objects.filter(organization=world.orgs.a1).update(status=Status.PROBATIONARY)  # one UPDATE, many rows
    Member.objects.filter(organization=world.orgs.a1, name__startswith="张").delete()
    assert MEMBERS.differences() == []


def test_the_home_page_figures_from_the_tally_equal_counting_the_rows(world, login):
    from django.db.models import Count, Q
    from django.urls import reverse

    from dangjian.members.tally import roll_counts

    MemberFactory(organization=world.orgs.a1, status=Status.PROBATIONARY, confirmed_on=None)
    MemberFactory(organization=make_org("另一党支部", parent=make_org("另一集团党委")))  # outside every grant
    for user in vars(world.users).values():
        shown = login(user).get(reverse("home")).context["member_counts"]
        counted = Member.objects.visible_to(user).on_roll().aggregate(
            total=Count("id"), probationary=Count("id", filter=Q(status=Status.PROBATIONARY)))
        assert shown == counted, user.username
    assert roll_counts(world.users.group_admin) is not None  # the fast path is the one taken for an admin
