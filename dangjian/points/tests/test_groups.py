"""星级党小组: a group's score from its members' published points and its monthly 党小组会, ranked inside a branch
and across the company; what was published counts, not what changed since."""
import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dangjian.factories import MemberFactory, make_org
from dangjian.meetings import services as meetings
from dangjian.orgs.models import OrgKind
from dangjian.points import groups
from dangjian.points.services import publish, publish_unpublished_branches

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1


def test_groups_are_scored_from_what_was_published_and_their_monthly_meetings(world, login):
    g1 = world.orgs.a1g  # the four A1 members
    g2 = make_org("第二党小组", parent=world.orgs.a1, kind=OrgKind.GROUP, code="A1G2")
    extra = MemberFactory.create_batch(2, organization=world.orgs.a1, party_group=g2)
    admin = world.users.group_admin
    for month in range(1, 7):  # g1 meets in six months of last year, g2 never
        meetings.record_meeting(host=g1, by=admin, fields={
            "kind": "group", "topic": f"{month}月党小组会", "held_on": datetime.date(LAST_YEAR, month, 10), "status": "held"},
            attendance={m.pk: ("present", "") for m in world.members.a1})
    assert groups.ranking(groups.groups_under(world.orgs.a1, admin), LAST_YEAR) == []  # nothing published yet
    publish(org=world.orgs.a1, year=LAST_YEAR, by=admin)
    rows = groups.ranking(groups.groups_under(world.orgs.group, admin), LAST_YEAR)
    by_group = {r.group.pk: r for r in rows}
    # g1: members 60 + 6 × 1 = 66 → 66 × 0.8 + 20 × 6/12 = 62.8 (★); g2: 60 × 0.8 + 0 = 48 (后进)
    assert by_group[g1.pk].average == 66 and by_group[g1.pk].score == Decimal("62.8") and by_group[g1.pk].stars == 1
    assert by_group[g2.pk].score == 48 and by_group[g2.pk].stars == 0 and by_group[g2.pk].members == len(extra)
    assert [r.group.pk for r in rows] == [g1.pk, g2.pk] and rows[0].rank == 1
    # a record changed after publication does not move the ranking until the branch republishes
    meetings.record_meeting(host=g2, by=admin, fields={
        "kind": "group", "topic": "补开党小组会", "held_on": datetime.date(LAST_YEAR, 12, 1), "status": "held"},
        attendance={m.pk: ("present", "") for m in extra})
    again = {r.group.pk: r for r in groups.ranking(groups.groups_under(world.orgs.group, admin), LAST_YEAR)}
    assert again[g2.pk].average == 60  # the published average; the meeting month counts from the tally
    publish(org=world.orgs.a1, year=LAST_YEAR, by=admin, note="补录党小组会")
    assert {r.group.pk: r for r in groups.ranking(groups.groups_under(world.orgs.group, admin), LAST_YEAR)}[g2.pk].average == 61


def test_the_ranking_page_is_scoped(world, login):
    publish(org=world.orgs.a1, year=TODAY.year, by=world.users.group_admin)
    page = login(world.users.secretary).get(reverse("points:groups", args=[world.orgs.a1.pk]))
    assert [r.group.pk for r in page.context["page"].object_list] == [world.orgs.a1g.pk]
    assert login(world.users.outsider).get(reverse("points:groups", args=[world.orgs.a1.pk])).status_code == 404
    company = login(world.users.outsider).get(reverse("points:groups", args=[world.orgs.b.pk]))
    assert list(company.context["page"].object_list) == []  # B's branches have published nothing


def test_a_committee_publishes_every_unpublished_branch_at_once_with_the_same_figures(world, login):
    from dangjian.points.models import Publication

    admin = world.users.group_admin
    publish(org=world.orgs.a1, year=TODAY.year, by=admin)
    assert publish_unpublished_branches(org=world.orgs.group, year=TODAY.year, by=admin) == 2  # A2 and B1
    assert Publication.objects.count() == 3
    one_by_one = {r.member_id: r.points for r in Publication.objects.get(organization=world.orgs.a1).results.all()}
    at_once = {r.member_id: r.points for p in Publication.objects.exclude(organization=world.orgs.a1)
               for r in p.results.all()}
    assert set(at_once) == {m.pk for m in world.members.a2 + world.members.b1} and set(one_by_one.values()) == {60}
    assert set(at_once.values()) == {60}
    assert publish_unpublished_branches(org=world.orgs.group, year=TODAY.year, by=admin) == 0


def test_a_committee_admin_publishes_the_unpublished_branches_from_the_ranking_page(world, login):
    from dangjian.points.models import Publication

    url = reverse("points:publish_branches", args=[world.orgs.a.pk])
    assert login(world.users.inspector).post(url, {"year": TODAY.year}).status_code == 404  # may not change A
    admin = login(world.users.group_admin)
    assert "公示全部未公示的党支部" in admin.get(reverse("points:groups", args=[world.orgs.a.pk])).content.decode()
    assert admin.post(url, {"year": TODAY.year}).status_code == 302
    assert set(Publication.objects.values_list("organization", flat=True)) == {world.orgs.a1.pk, world.orgs.a2.pk}
    assert "公示全部" not in admin.get(reverse("points:groups", args=[world.orgs.a1.pk])).content.decode()  # a branch
