"""Co-building with many agreements: the overview and the list cost the same number of queries for 3 agreements as
for 18 (Production issue: 1,000 agreements took 5,011 queries and 8.2 s), and the picture stays readable."""
import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.cobuilding.models import Activity, Agreement, Party, Target
from dangjian.factories import make_org

TODAY = timezone.localdate()


def pairings(world, n, start=0):
    """n agreements in force, each between a new branch under A and one under B, with targets and an activity."""
    made = []
    for i in range(start, start + n):
        left = make_org(f"甲{i}支部", parent=world.orgs.a, code=f"PA{i}")
        right = make_org(f"乙{i}支部", parent=world.orgs.b, code=f"PB{i}")
        a = Agreement.objects.create(title=f"结对{i:03d}", level="branch", status="in_force",
                                     starts_on=datetime.date(TODAY.year, 1, 1), ends_on=datetime.date(TODAY.year, 12, 31))
        parties = [Party.objects.create(agreement=a, organization=o, confirmed_at=timezone.now()) for o in (left, right)]
        Target.objects.create(agreement=a, measure="activity", min_count=4, who="jointly")
        Target.objects.create(agreement=a, measure="review", min_count=2, who="each")
        act = Activity.objects.create(agreement=a, title="联学", held_on=datetime.date(TODAY.year, 1, 2), category="study")
        act.parties.set(parties)
        made.append(a)
    return made


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(q.captured_queries), response


def test_the_overview_costs_the_same_queries_for_3_or_18_agreements(world, login):
    client = login(world.users.group_admin)
    pairings(world, 3)
    few, _r = queries(client, reverse("cobuilding:overview"))
    pairings(world, 15, start=3)
    many, response = queries(client, reverse("cobuilding:overview"))
    assert many == few, (few, many)
    assert response.context["agreement_count"] == 18 and response.context["behind_count"] == 18


def test_many_parties_are_drawn_by_unit_with_the_number_of_pairings(world, login):
    pairings(world, 40)  # 80 branches: more dots than a person can read
    page = login(world.users.group_admin).get(reverse("cobuilding:overview")).content.decode()
    assert "按所属单位汇总显示" in page
    assert "神渭管运公司党委 ⇄ 渭化公司党委：40" in page or "渭化公司党委 ⇄ 神渭管运公司党委：40" in page
    assert "甲1支部" not in page


def test_the_agreement_list_pages_and_searches(world, login):
    pairings(world, 55)
    client = login(world.users.group_admin)
    first, response = queries(client, reverse("cobuilding:list"))
    assert len(response.context["agreements"]) == 50 and "共 55 条" in response.content.decode()
    second, response = queries(client, reverse("cobuilding:list"), page=2)
    assert len(response.context["agreements"]) == 5 and first == second
    _n, response = queries(client, reverse("cobuilding:list"), q="乙7支部")
    assert [a.title for a in response.context["agreements"]] == ["结对007"]
    _n, response = queries(client, reverse("cobuilding:list"), status="draft")
    assert not response.context["agreements"]
    # the secretary of B's side sees only what its scope holds
    outsider = login(world.users.outsider).get(reverse("cobuilding:list")).context["page"].paginator.count
    assert outsider == 55
    assert login(world.users.secretary).get(reverse("cobuilding:list")).context["page"].paginator.count == 0
