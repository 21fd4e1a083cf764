from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def names(qs):
    return sorted(o.code for o in qs)


def test_group_admin_sees_the_whole_tree(world):
    assert Organization.objects.visible_to(world.users.group_admin).count() == 7


def test_secretary_sees_only_their_branch_and_its_groups(world):
    assert names(Organization.objects.visible_to(world.users.secretary)) == ["A1", "A1G"]
    assert set(Member.objects.visible_to(world.users.secretary)) == set(world.members.a1)


def test_member_sees_only_own_record_and_own_organizations(world):
    assert list(Member.objects.visible_to(world.users.member)) == [world.members.me]
    assert names(Organization.objects.visible_to(world.users.member)) == ["A1", "A1G"]
    assert not Member.objects.visible_to(world.users.member, "change").exists()


def test_inspector_reads_the_subtree_but_cannot_change_it(world):
    assert names(Organization.objects.visible_to(world.users.inspector)) == ["A", "A1", "A1G", "A2"]
    assert not Member.objects.visible_to(world.users.inspector, "change").exists()


def test_outsider_in_sibling_subtree_sees_nothing_of_a(world):
    visible = Member.objects.visible_to(world.users.outsider)
    assert set(visible) == set(world.members.b1)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()


def test_error_pages_are_in_chinese_and_say_what_to_do(world, login):
    """Trust E: `make run` runs like production — no English debug page, a Chinese 404 with a way back."""
    response = login(world.users.outsider).get(f"/orgs/{world.orgs.a1.pk}/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "返回首页" in body and "Traceback" not in body
