"""The scope matrix over every page: who may read and who may change what, with the five personas.

Out of scope is a 404 (a user cannot learn a record exists); a write outside scope changes nothing.
"""
import pytest
from django.urls import reverse

from dangjian.members.models import Member
from dangjian.orgs.models import Organization

READ_PAGES = [
    # (url name, object getter, what a plain member gets: they see their own branch, not their comrades' files)
    ("orgs:detail", lambda w: w.orgs.a1, 200),
    ("orgs:children", lambda w: w.orgs.a1, 200),
    ("members:detail", lambda w: w.members.a1[1], 404),
]
WRITE_PAGES = [
    ("orgs:edit", lambda w: w.orgs.a1),
    ("orgs:create", lambda w: w.orgs.a1),
    ("orgs:committee_create", lambda w: w.orgs.a1),
    ("members:edit", lambda w: w.members.a1[1]),
    ("members:transfer", lambda w: w.members.a1[1]),
    ("members:end", lambda w: w.members.a1[1]),
    ("members:add_post", lambda w: w.members.a1[1]),
]

# persona → expected status for reading / writing objects in branch A1
READ = {"group_admin": 200, "secretary": 200, "inspector": 200, "member": None, "outsider": 404}
WRITE = {"group_admin": 200, "secretary": 200, "inspector": 404, "member": 404, "outsider": 404}


@pytest.mark.parametrize("persona", READ)
@pytest.mark.parametrize("name,target,for_member", READ_PAGES)
def test_reading_pages_follows_the_scope(world, login, persona, name, target, for_member):
    client = login(getattr(world.users, persona))
    response = client.get(reverse(name, args=[target(world).pk]))
    expected = for_member if persona == "member" else READ[persona]
    assert response.status_code == expected


@pytest.mark.parametrize(
    "persona,expected", [("group_admin", 200), ("inspector", 200), ("secretary", 404), ("member", 404), ("outsider", 404)]
)
def test_a_sibling_branch_is_visible_only_from_above(world, login, persona, expected):
    response = login(getattr(world.users, persona)).get(reverse("orgs:detail", args=[world.orgs.a2.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize("persona", WRITE)
@pytest.mark.parametrize("name,target", WRITE_PAGES)
def test_write_pages_for_a1_follow_the_scope(world, login, persona, name, target):
    client = login(getattr(world.users, persona))
    assert client.get(reverse(name, args=[target(world).pk])).status_code == WRITE[persona]


@pytest.mark.parametrize("persona", ["inspector", "member", "outsider"])
def test_posting_an_edit_outside_scope_changes_nothing(world, login, persona):
    victim = world.members.a1[1]
    client = login(getattr(world.users, persona))
    response = client.post(reverse("members:edit", args=[victim.pk]), {"name": "篡改"})
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.name != "篡改"


def test_member_sees_own_record_with_full_id_number(world, login):
    me = world.members.me
    response = login(world.users.member).get(reverse("members:detail", args=[me.pk]))
    assert response.status_code == 200
    assert me.id_number in response.content.decode()


def test_inspector_sees_masked_id_numbers(world, login):
    m = world.members.a1[1]
    body = login(world.users.inspector).get(reverse("members:detail", args=[m.pk])).content.decode()
    assert m.id_number not in body
    assert m.masked_id_number() in body


@pytest.mark.parametrize(
    "persona,expected",
    [("group_admin", 10), ("secretary", 4), ("inspector", 7), ("outsider", 3), ("member", 1)],
)
def test_member_list_shows_exactly_the_scope(world, login, persona, expected):
    response = login(getattr(world.users, persona)).get(reverse("members:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected


def test_list_filtered_to_an_org_outside_scope_does_not_leak(world, login):
    response = login(world.users.secretary).get(reverse("members:list"), {"org": world.orgs.b1.pk})
    assert response.context["page"].paginator.count == 0 or "org" in response.context["filterset"].errors


def test_tree_shows_the_users_top_organization(world, login):
    response = login(world.users.secretary).get(reverse("orgs:tree"))
    roots = list(response.context["roots"])
    assert [o.code for o in roots] == ["A1"]


def test_secretary_cannot_transfer_a_member_into_another_subtree(world, login):
    victim = world.members.a1[1]
    client = login(world.users.secretary)
    response = client.post(
        reverse("members:transfer", args=[victim.pk]),
        {"kind": "internal", "to_org": world.orgs.b1.code, "transferred_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    victim.refresh_from_db()
    assert victim.organization_id == world.orgs.a1.pk


def test_group_admin_transfers_between_subsidiaries_and_history_is_kept(world, login):
    m = world.members.a1[1]
    client = login(world.users.group_admin)
    response = client.post(
        reverse("members:transfer", args=[m.pk]),
        {"kind": "internal", "to_org": world.orgs.b1.code, "transferred_on": "2025-01-01", "reason": "工作调动"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.organization_id == world.orgs.b1.pk
    assert m.transfers.get().from_org_id == world.orgs.a1.pk
    body = client.get(reverse("members:detail", args=[m.pk])).content.decode()
    assert "工作调动" in body


def test_secretary_cannot_create_an_org_outside_scope(world, login):
    client = login(world.users.secretary)
    response = client.post(
        reverse("orgs:create", args=[world.orgs.b1.pk]), {"kind": "group", "code": "X1", "name": "越权小组"}
    )
    assert response.status_code == 404
    assert not Organization.objects.filter(code="X1").exists()


def test_secretary_adds_a_party_group_to_their_branch(world, login):
    client = login(world.users.secretary)
    response = client.post(
        reverse("orgs:create", args=[world.orgs.a1.pk]), {"kind": "group", "code": "A1G2", "name": "第二党小组", "order": 0}
    )
    assert response.status_code == 302
    created = Organization.objects.get(code="A1G2")
    assert Organization.objects.get_parent(created).pk == world.orgs.a1.pk


def test_a_branch_cannot_be_created_under_a_branch(world, login):
    client = login(world.users.group_admin)
    response = client.post(
        reverse("orgs:create", args=[world.orgs.a1.pk]), {"kind": "branch", "code": "BAD", "name": "错误支部", "order": 0}
    )
    assert response.status_code == 200
    assert "下不能设立" in response.content.decode()
    assert not Organization.objects.filter(code="BAD").exists()


def test_moving_a_subtree_needs_both_ends_in_scope(world, login):
    # outsider holds B only: cannot move B1 under A
    client = login(world.users.outsider)
    response = client.post(reverse("orgs:move", args=[world.orgs.b1.pk]), {"new_parent_code": "A"})
    assert response.status_code == 200
    world.orgs.b1.refresh_from_db()
    assert world.orgs.b1.path.startswith(world.orgs.b.path)


def test_group_admin_moves_a_branch_and_its_members_follow(world, login):
    client = login(world.users.group_admin)
    response = client.post(reverse("orgs:move", args=[world.orgs.a2.pk]), {"new_parent_code": "B"})
    assert response.status_code == 302
    a2 = Organization.objects.get(pk=world.orgs.a2.pk)
    assert a2.path.startswith(Organization.objects.get(code="B").path)
    # the outsider (admin of B) now sees A2's members; the inspector of A no longer does
    from dangjian.core.scope import forget_grants

    for u in (world.users.outsider, world.users.inspector):
        forget_grants(u)
    assert Member.objects.visible_to(world.users.outsider).filter(organization=a2).count() == 3
    assert not Member.objects.visible_to(world.users.inspector).filter(organization=a2).exists()


def test_external_partners_are_scoped_to_their_registering_organization(world, login):
    from dangjian.orgs.models import ExternalOrganization

    ExternalOrganization.objects.create(name="中车眉山车辆有限公司", owner=world.orgs.a)
    ExternalOrganization.objects.create(name="某村党支部", owner=world.orgs.b)
    names = lambda u: {o.name for o in login(u).get(reverse("orgs:external_list")).context["object_list"]}  # noqa: E731
    assert names(world.users.inspector) == {"中车眉山车辆有限公司"}
    assert names(world.users.outsider) == {"某村党支部"}
    assert names(world.users.group_admin) == {"中车眉山车辆有限公司", "某村党支部"}


def test_an_admin_registers_an_external_partner_only_under_their_own_orgs(world, login):
    from dangjian.orgs.models import ExternalOrganization

    client = login(world.users.outsider)
    response = client.post(reverse("orgs:external_create"), {"name": "越权伙伴", "owner": world.orgs.a.pk})
    assert response.status_code == 200
    assert not ExternalOrganization.objects.filter(name="越权伙伴").exists()
    response = client.post(reverse("orgs:external_create"), {"name": "渭南某小学", "owner": world.orgs.b.pk})
    assert response.status_code == 302
    assert ExternalOrganization.objects.get(name="渭南某小学").owner_id == world.orgs.b.pk


def test_tree_and_detail_pages_have_query_budgets(world, login, django_assert_max_num_queries):
    from dangjian.factories import make_org

    for i in range(20):
        make_org(f"新增支部{i}", parent=world.orgs.a)
    client = login(world.users.group_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("orgs:children", args=[world.orgs.a.pk]))
    with django_assert_max_num_queries(25):
        client.get(reverse("orgs:detail", args=[world.orgs.a.pk]))


def test_the_ui_is_chinese_even_for_an_english_browser_until_english_is_chosen(world, login):
    client = login(world.users.group_admin)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "党员名单" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert "Member list" in body
