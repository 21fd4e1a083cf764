"""The API's scope matrix: the same personas, the same answers as the pages."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def codes(response):
    return {o["code"] for o in response.json()["results"]}


@pytest.mark.parametrize("persona,members,orgs", [
    ("group_admin", 10, {"G", "A", "B", "A1", "A2", "A1G", "B1"}),
    ("secretary", 4, {"A1", "A1G"}),
    ("inspector", 7, {"A", "A1", "A2", "A1G"}),
    ("outsider", 3, {"B", "B1"}),
    # A member sees their own record, their branch and their 党小组.
    ("member", 1, {"A1", "A1G"}),
])
def test_lists_hold_exactly_the_scope(world, api, persona, members, orgs):
    client = api(getattr(world.users, persona))
    assert client.get("/api/members/").json()["count"] == members
    assert codes(client.get("/api/orgs/")) == orgs


def test_secretary_lists_exactly_the_a1_members(world, api):
    ids = {m["id"] for m in api(world.users.secretary).get("/api/members/").json()["results"]}
    assert ids == {m.pk for m in world.members.a1}


def test_member_sees_only_their_own_record_with_the_full_id_number(world, api):
    data = api(world.users.member).get("/api/members/").json()["results"]
    assert [m["id"] for m in data] == [world.members.me.pk]
    assert data[0]["id_number"] == world.members.me.id_number


def test_member_gets_404_on_a_fellow_branch_member(world, api):
    other = world.members.a1[1]
    assert api(world.users.member).get(f"/api/members/{other.pk}/").status_code == 404


def test_inspector_sees_masked_id_numbers(world, api):
    data = api(world.users.inspector).get("/api/members/").json()["results"]
    assert len(data) == 7
    assert all(m["id_number"].startswith(m["id_number"][:4]) and "**********" in m["id_number"] for m in data)
    real = {m.pk: m.id_number for m in Member.objects.all()}
    assert all(m["id_number"] != real[m["id"]] for m in data)


def test_secretary_sees_full_id_numbers_of_their_branch(world, api):
    data = api(world.users.secretary).get(f"/api/members/{world.members.a1[2].pk}/").json()
    assert data["id_number"] == world.members.a1[2].id_number


def test_member_output_carries_the_organization_and_labels(world, api):
    m = world.members.a1[1]
    data = api(world.users.secretary).get(f"/api/members/{m.pk}/").json()
    assert (data["organization"], data["organization_code"], data["organization_name"]) == (
        world.orgs.a1.pk, "A1", world.orgs.a1.name)
    assert data["party_group"] == world.orgs.a1g.pk
    assert data["status_display"] == "正式党员" and data["category_display"] == "在职"


@pytest.mark.parametrize("method", ["get", "patch"])
def test_outsider_gets_404_on_a1_records(world, api, method):
    client = api(world.users.outsider)
    m, o = world.members.a1[1], world.orgs.a1
    assert getattr(client, method)(f"/api/members/{m.pk}/", {"job": "x"}, format="json").status_code == 404
    assert getattr(client, method)(f"/api/orgs/{o.pk}/", {"name": "x"}, format="json").status_code == 404
    m.refresh_from_db()
    o.refresh_from_db()
    assert m.job != "x" and o.name != "x"


def test_inspector_cannot_write(world, api, new_member):
    client = api(world.users.inspector)
    m, o = world.members.a1[1], world.orgs.a1
    assert client.patch(f"/api/members/{m.pk}/", {"job": "改"}, format="json").status_code in (403, 404)
    assert client.post("/api/members/", new_member(o), format="json").status_code == 403
    assert client.patch(f"/api/orgs/{o.pk}/", {"name": "改"}, format="json").status_code in (403, 404)
    assert client.post("/api/orgs/", {"kind": "branch", "code": "I1", "name": "督导新建", "parent": world.orgs.a.pk},
                       format="json").status_code == 403
    assert not Member.objects.filter(name="接口新增").exists()
    assert not Organization.objects.filter(code="I1").exists()
    m.refresh_from_db()
    assert m.job != "改"


def test_member_cannot_edit_their_own_record(world, api):
    me = world.members.me
    assert api(world.users.member).patch(f"/api/members/{me.pk}/", {"job": "改"}, format="json").status_code == 404


def test_secretary_cannot_move_a_member_into_another_subtree(world, api):
    m = world.members.a1[1]
    response = api(world.users.secretary).patch(
        f"/api/members/{m.pk}/", {"organization": world.orgs.b1.pk}, format="json")
    assert response.status_code == 400
    assert "管辖范围" in response.json()["organization"][0]
    m.refresh_from_db()
    assert m.organization_id == world.orgs.a1.pk


def test_secretary_updates_a_member_of_their_branch(world, api):
    m = world.members.a1[1]
    response = api(world.users.secretary).patch(f"/api/members/{m.pk}/", {"job": "班组长"}, format="json")
    assert response.status_code == 200, response.json()
    m.refresh_from_db()
    assert m.job == "班组长"


def test_secretary_creates_in_own_branch_not_elsewhere(world, api, new_member):
    client = api(world.users.secretary)
    response = client.post("/api/members/", new_member(world.orgs.a1, party_group=world.orgs.a1g.pk), format="json")
    assert response.status_code == 201, response.json()
    created = Member.objects.get(pk=response.json()["id"])
    assert created.organization_id == world.orgs.a1.pk and created.name_initials
    response = client.post("/api/members/", new_member(world.orgs.b1, name="越权新增"), format="json")
    assert response.status_code == 400 and "organization" in response.json()
    assert not Member.objects.filter(name="越权新增").exists()


def test_a_bad_id_number_is_a_400_in_chinese(world, api, new_member):
    response = api(world.users.secretary).post(
        "/api/members/", new_member(world.orgs.a1, id_number="110101199001020000"), format="json")
    assert response.status_code == 400
    assert "校验位" in response.json()["id_number"][0]


def test_a_duplicate_id_number_is_refused_on_the_field(world, api, new_member):
    taken = world.members.a1[1].id_number
    response = api(world.users.secretary).post(
        "/api/members/", new_member(world.orgs.a1, id_number=taken, birth_date="1985-06-15"), format="json")
    assert response.status_code == 400 and "id_number" in response.json()


def test_model_rules_apply_through_the_api(world, api, new_member):
    client = api(world.users.secretary)
    response = client.post("/api/members/", new_member(world.orgs.a1, birth_date="1990-01-03"), format="json")
    assert response.status_code == 400
    assert "出生日期与身份证号不一致" in response.json()["birth_date"][0]
    response = client.post("/api/members/", new_member(world.orgs.a1, confirmed_on=None), format="json")
    assert "正式党员请填写转正日期" in response.json()["confirmed_on"][0]


def test_a_member_cannot_be_registered_on_a_party_group(world, api, new_member):
    response = api(world.users.secretary).post("/api/members/", new_member(world.orgs.a1g), format="json")
    assert response.status_code == 400 and "organization" in response.json()


def test_party_group_must_belong_to_the_members_branch(world, api, new_member):
    b_group = Organization.objects.add_child(world.orgs.b1, {"kind": "group", "code": "B1G", "name": "B1小组"})
    response = api(world.users.group_admin).post(
        "/api/members/", new_member(world.orgs.a2, party_group=b_group.pk), format="json")
    assert response.status_code == 400
    assert "党小组必须是所在党支部下的党小组" in response.json()["party_group"][0]


def test_an_ended_member_is_still_reachable_by_id(world, api):
    m = world.members.a2[0]
    Member.objects.filter(pk=m.pk).update(ended_on="2020-01-01", end_reason="deceased")
    client = api(world.users.group_admin)
    assert client.get("/api/members/").json()["count"] == 9
    assert client.get(f"/api/members/{m.pk}/").status_code == 200
    assert client.get("/api/members/", {"roll": "ended"}).json()["count"] == 1


def test_member_filters_match_the_pages(world, api):
    client = api(world.users.group_admin)
    assert client.get("/api/members/", {"org": world.orgs.b.pk}).json()["count"] == 3
    assert client.get("/api/members/", {"org": world.orgs.a.pk}).json()["count"] == 7
    hit = client.get("/api/members/", {"q": world.members.b1[0].name_initials}).json()["results"]
    assert world.members.b1[0].pk in {m["id"] for m in hit}
    assert client.get("/api/members/", {"joined_year": 2010}).json()["count"] == 10
    assert client.get("/api/members/", {"joined_year": 2011}).json()["count"] == 0


def test_the_org_filter_cannot_reach_outside_the_scope(world, api):
    assert api(world.users.secretary).get("/api/members/", {"org": world.orgs.b.pk}).status_code == 400


def test_anonymous_requests_are_refused(world):
    client = APIClient()
    assert client.get("/api/members/").status_code in (401, 403)
    assert client.get(f"/api/orgs/{world.orgs.a1.pk}/").status_code in (401, 403)


def test_token_authentication(world):
    token = Token.objects.create(user=world.users.secretary)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/members/").json()["count"] == 4
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert client.get("/api/members/").status_code in (401, 403)


def test_member_list_has_a_query_budget(world, api, django_assert_max_num_queries):
    from dangjian.factories import MemberFactory

    for _ in range(30):
        MemberFactory(organization=world.orgs.a2)
    for persona in ("group_admin", "inspector"):
        client = api(getattr(world.users, persona))
        with django_assert_max_num_queries(6):
            response = client.get("/api/members/")
        assert len(response.json()["results"]) == 40 if persona == "group_admin" else 37


def test_org_list_has_a_query_budget(world, api, django_assert_max_num_queries):
    from dangjian.factories import make_org

    for i in range(30):
        make_org(f"新支部{i}", parent=world.orgs.b)
    client = api(world.users.group_admin)
    with django_assert_max_num_queries(4):
        response = client.get("/api/orgs/")
    results = response.json()["results"]
    assert len(results) == 37
    by_code = {o["code"]: o for o in results}
    assert by_code["A1G"]["parent"] == world.orgs.a1.pk and by_code["G"]["parent"] is None


def test_the_meetings_api_pages_by_cursor_over_exactly_the_meetings_in_scope(world, api, monkeypatch):
    """Cursor pages (no COUNT over a group's meetings): following `next` yields every meeting in scope once,
    newest first, and none of a sibling subtree's."""
    import datetime

    from dangjian.meetings.models import Meeting, MeetingOrganization

    from dangjian.meetings.api.views import MeetingCursor

    monkeypatch.setattr(MeetingCursor, "page_size", 7)
    day = datetime.date(2026, 3, 1)
    for i in range(30):  # several on the same day: the id breaks the tie
        org = [world.orgs.a1, world.orgs.a2, world.orgs.b1][i % 3]
        m = Meeting.objects.create(organization=org, kind="theme_day", topic=f"第{i}次", held_on=day + datetime.timedelta(days=i // 4))
        MeetingOrganization.objects.create(meeting=m, organization=org)
    client = api(world.users.inspector)  # A's subtree: a1 and a2
    url, seen, pages = "/api/meetings/", [], 0
    while url:
        body = client.get(url).json()
        pages += 1
        assert "count" not in body
        seen += [(r["held_on"], r["id"]) for r in body["results"]]
        url = body["next"]
    expected = list(Meeting.objects.filter(organization__in=[world.orgs.a1, world.orgs.a2])
                    .order_by("-held_on", "-id").values_list("held_on", "id"))
    assert [i for _d, i in seen] == [i for _d, i in expected] and len(seen) == 20 and pages == 3
