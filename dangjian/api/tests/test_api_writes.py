"""Organization writes, the re-check inside the transaction, the token endpoint and the schema."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from dangjian.api.base import ScopedModelViewSet
from dangjian.members.api.serializers import MemberSerializer
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def test_org_create_under_a_parent_in_scope(world, api):
    response = api(world.users.group_admin).post(
        "/api/orgs/", {"kind": "branch", "code": "A3", "name": "第三党支部", "parent": world.orgs.a.pk}, format="json")
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(code="A3")
    assert created.path.startswith(world.orgs.a.path) and created.depth == world.orgs.a.depth + 1
    assert response.json()["parent"] == world.orgs.a.pk


def test_secretary_may_add_a_party_group_under_their_branch(world, api):
    response = api(world.users.secretary).post(
        "/api/orgs/", {"kind": "group", "code": "A1G2", "name": "第二党小组", "parent": world.orgs.a1.pk}, format="json")
    assert response.status_code == 201, response.json()


def test_org_create_under_a_parent_outside_scope_is_refused(world, api):
    response = api(world.users.outsider).post(
        "/api/orgs/", {"kind": "branch", "code": "X", "name": "越权", "parent": world.orgs.a.pk}, format="json")
    assert response.status_code == 400 and "管辖范围" in response.json()["parent"][0]
    assert not Organization.objects.filter(code="X").exists()


def test_org_create_against_the_tree_rules_is_refused(world, api):
    client = api(world.users.group_admin)
    bad = client.post("/api/orgs/", {"kind": "branch", "code": "Y", "name": "支部下支部", "parent": world.orgs.a1.pk},
                      format="json")
    assert bad.status_code == 400 and "下不能设立" in bad.json()["kind"][0]
    no_parent = client.post("/api/orgs/", {"kind": "committee", "code": "Z", "name": "无上级"}, format="json")
    assert no_parent.status_code == 400 and "parent" in no_parent.json()
    assert not Organization.objects.filter(code__in=["Y", "Z"]).exists()


def test_org_update_keeps_the_parent_and_the_kind(world, api):
    client = api(world.users.group_admin)
    a2 = world.orgs.a2
    response = client.patch(f"/api/orgs/{a2.pk}/", {"name": "第二党支部（改）", "parent": world.orgs.b.pk}, format="json")
    assert response.status_code == 200, response.json()
    a2.refresh_from_db()
    assert a2.name == "第二党支部（改）" and a2.path.startswith(world.orgs.a.path)
    assert response.json()["parent"] == world.orgs.a.pk
    kind = client.patch(f"/api/orgs/{a2.pk}/", {"kind": "general_branch"}, format="json")
    assert kind.status_code == 400 and "kind" in kind.json()


def test_org_dates_are_checked_in_chinese(world, api):
    response = api(world.users.group_admin).patch(
        f"/api/orgs/{world.orgs.a2.pk}/", {"founded_on": "2020-01-01", "dissolved_on": "2019-01-01"}, format="json")
    assert response.status_code == 400 and "撤销日期不能早于成立日期" in response.json()["dissolved_on"][0]


def test_org_detail_counts_subtree_members_and_the_list_does_not(world, api):
    client = api(world.users.group_admin)
    assert client.get(f"/api/orgs/{world.orgs.a.pk}/").json()["member_count"] == 7
    assert all(o["member_count"] is None for o in client.get("/api/orgs/").json()["results"])  # no count per row


def test_org_filters(world, api):
    client = api(world.users.group_admin)

    def codes(**params):
        return {o["code"] for o in client.get("/api/orgs/", params).json()["results"]}

    assert codes(parent=world.orgs.a.pk) == {"A1", "A2"}
    assert codes(within=world.orgs.a.pk) == {"A", "A1", "A2", "A1G"}
    assert codes(kind="group") == {"A1G"}
    assert codes(q="渭化") == {"B"}
    Organization.objects.filter(pk=world.orgs.b1.pk).update(dissolved_on="2024-01-01")
    assert "B1" not in codes(active="true") and codes(active="false") == {"B1"}
    # An anchor outside the caller's scope matches nothing, as if it did not exist.
    assert api(world.users.secretary).get("/api/orgs/", {"within": world.orgs.b.pk}).json()["count"] == 0


class UnscopedMemberSerializer(MemberSerializer):
    """A serializer that forgets to scope its dropdown — the re-check must still catch the move."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class CarelessMemberViewSet(ScopedModelViewSet):
    queryset = Member.objects.select_related("organization")
    serializer_class = UnscopedMemberSerializer


def test_a_write_that_leaves_the_scope_is_rolled_back(world):
    m = world.members.a1[1]
    request = APIRequestFactory().patch(f"/x/{m.pk}/", {"organization": world.orgs.b1.pk, "party_group": None},
                                       format="json")
    force_authenticate(request, user=world.users.secretary)
    response = CarelessMemberViewSet.as_view({"patch": "partial_update"})(request, pk=m.pk)
    assert response.status_code == 403 and "管辖范围" in str(response.data["detail"])
    m.refresh_from_db()
    assert m.organization_id == world.orgs.a1.pk


class NoQuerysetViewSet(ScopedModelViewSet):
    serializer_class = MemberSerializer


def test_a_viewset_without_a_queryset_fails_closed(world):
    request = APIRequestFactory().get("/x/")
    force_authenticate(request, user=world.users.group_admin)
    with pytest.raises(ImproperlyConfigured):
        NoQuerysetViewSet.as_view({"get": "list"})(request)


def test_token_endpoint_issues_a_token_for_good_credentials(world):
    response = APIClient().post("/api/token/", {"username": "secretary", "password": "secret-pass-123"})
    assert response.status_code == 200 and response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/members/").json()["count"] == 4


def test_token_endpoint_is_throttled_by_axes(world, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post("/api/token/", {"username": "secretary", "password": "wrong-pass"}).status_code >= 400
    locked = client.post("/api/token/", {"username": "secretary", "password": "secret-pass-123"})
    assert locked.status_code >= 400 and b"token" not in locked.content


def test_schema_is_served_and_lists_the_endpoints(world, api):
    client = api(world.users.secretary)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/members/", "/api/members/{id}/", "/api/orgs/", "/api/orgs/{id}/", "/api/token/"} <= set(paths)
    assert "delete" not in paths["/api/members/{id}/"]
    params = {p["name"] for p in paths["/api/members/"]["get"]["parameters"]}
    assert {"q", "org", "status", "category", "gender", "age", "joined_year", "roll", "page"} <= params
    yaml = client.get("/api/schema/").content.decode()
    assert "/api/members/" in yaml


def test_docs_page_uses_no_cdn(world, api):
    client = APIClient()
    client.force_login(world.users.secretary)
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body and "drf_spectacular_sidecar" in body
    assert "cdn." not in body and "unpkg" not in body
