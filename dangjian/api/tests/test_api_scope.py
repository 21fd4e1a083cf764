"""The API's scope matrix: the same personas, the same answers as the pages."""
import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangjian.factories import next_id_number
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


@pytest.fixture
def api():
    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _api


def new_member(org, **over):
    born = datetime.date(1990, 1, 2)
    data = {"name": "接口新增", "gender": "M", "birth_date": born.isoformat(), "id_number": next_id_number(born, "M"),
            "joined_on": "2015-07-01", "confirmed_on": "2016-07-01", "status": "full", "category": "employed",
            "organization": org.pk}
    data.update(over)
    return data


@pytest.mark.parametrize("persona,members,orgs", [
    ("group_admin", 10, 7), ("secretary", 4, 2), ("inspector", 7, 4), ("outsider", 3, 2), ("member", 1, 2),
])
def test_lists_hold_exactly_the_scope(world, api, persona, members, orgs):
    client = api(getattr(world.users, persona))
    assert client.get("/api/members/").json()["count"] == members
    assert client.get("/api/orgs/").json()["count"] == orgs


def test_member_sees_own_full_id_number(world, api):
    data = api(world.users.member).get("/api/members/").json()["results"]
    assert data[0]["id_number"] == world.members.me.id_number


def test_inspector_sees_masked_id_numbers(world, api):
    data = api(world.users.inspector).get("/api/members/").json()["results"]
    assert all("*" in m["id_number"] for m in data)


@pytest.mark.parametrize("method", ["get", "patch"])
def test_outsider_gets_404_on_a1_records(world, api, method):
    client = api(world.users.outsider)
    m, o = world.members.a1[1], world.orgs.a1
    assert getattr(client, method)(f"/api/members/{m.pk}/", {"job": "x"}, format="json").status_code == 404
    assert getattr(client, method)(f"/api/orgs/{o.pk}/", {"name": "x"}, format="json").status_code == 404


def test_inspector_cannot_write(world, api):
    client = api(world.users.inspector)
    m = world.members.a1[1]
    assert client.patch(f"/api/members/{m.pk}/", {"job": "改"}, format="json").status_code in (403, 404)
    assert client.post("/api/members/", new_member(world.orgs.a1), format="json").status_code in (400, 403)
    assert not Member.objects.filter(name="接口新增").exists()


def test_secretary_cannot_move_a_member_into_another_subtree(world, api):
    m = world.members.a1[1]
    response = api(world.users.secretary).patch(f"/api/members/{m.pk}/", {"organization": world.orgs.b1.pk}, format="json")
    assert response.status_code == 400
    m.refresh_from_db()
    assert m.organization_id == world.orgs.a1.pk


def test_secretary_creates_in_own_branch_not_elsewhere(world, api):
    client = api(world.users.secretary)
    assert client.post("/api/members/", new_member(world.orgs.a1), format="json").status_code == 201
    response = client.post("/api/members/", new_member(world.orgs.b1, name="越权新增"), format="json")
    assert response.status_code == 400
    assert not Member.objects.filter(name="越权新增").exists()


def test_a_bad_id_number_is_a_400_in_chinese(world, api):
    response = api(world.users.secretary).post(
        "/api/members/", new_member(world.orgs.a1, id_number="110101199001020000"), format="json")
    assert response.status_code == 400
    assert "校验位" in response.json()["id_number"][0]


def test_model_rules_apply_through_the_api(world, api):
    response = api(world.users.secretary).post(
        "/api/members/", new_member(world.orgs.a1, birth_date="1990-01-03"), format="json")
    assert response.status_code == 400
    assert "出生日期与身份证号不一致" in str(response.json())


def test_org_create_under_a_parent_in_scope(world, api):
    client = api(world.users.group_admin)
    response = client.post("/api/orgs/", {"kind": "branch", "code": "A3", "name": "第三党支部", "parent": world.orgs.a.pk},
                           format="json")
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(code="A3")
    assert created.path.startswith(world.orgs.a.path) and response.json()["parent"] == world.orgs.a.pk


def test_org_create_outside_scope_or_against_the_rules_is_refused(world, api):
    client = api(world.users.outsider)
    assert client.post("/api/orgs/", {"kind": "branch", "code": "X", "name": "越权", "parent": world.orgs.a.pk},
                       format="json").status_code == 400
    bad = api(world.users.group_admin).post(
        "/api/orgs/", {"kind": "branch", "code": "Y", "name": "支部下支部", "parent": world.orgs.a1.pk}, format="json")
    assert bad.status_code == 400 and "下不能设立" in str(bad.json())
    assert not Organization.objects.filter(code__in=["X", "Y"]).exists()


def test_org_detail_has_subtree_member_count(world, api):
    data = api(world.users.group_admin).get(f"/api/orgs/{world.orgs.a.pk}/").json()
    assert data["member_count"] == 7


def test_member_filters_match_the_pages(world, api):
    client = api(world.users.group_admin)
    assert client.get("/api/members/", {"org": world.orgs.b.pk}).json()["count"] == 3
    assert client.get("/api/members/", {"q": world.members.b1[0].name_initials}).json()["count"] >= 1


def test_token_authentication(world):
    token = Token.objects.create(user=world.users.secretary)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/members/").json()["count"] == 4
    assert APIClient().get("/api/members/").status_code in (401, 403)


def test_token_endpoint_issues_a_token_for_good_credentials(world):
    response = APIClient().post("/api/token/", {"username": "secretary", "password": "secret-pass-123"})
    assert response.status_code == 200 and response.json()["token"]


def test_schema_is_served_and_lists_the_endpoints(world, api):
    response = api(world.users.secretary).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/members/" in body and "/api/orgs/" in body


def test_member_list_has_a_query_budget(world, api, django_assert_max_num_queries):
    from dangjian.factories import MemberFactory

    for _ in range(30):
        MemberFactory(organization=world.orgs.a2)
    client = api(world.users.group_admin)
    with django_assert_max_num_queries(6):
        response = client.get("/api/members/")
    assert len(response.json()["results"]) == 40
