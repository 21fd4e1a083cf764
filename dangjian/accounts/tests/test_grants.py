from django.contrib.auth import get_user_model
from django.urls import reverse

from dangjian.accounts.models import Grant


def test_group_admin_opens_an_account_for_a_secretary(world, login):
    client = login(world.users.group_admin)
    response = client.post(reverse("grants"), {
        "username": "newshuji", "full_name": "王书记", "password": "Zx9!party-2026",
        "organization": "A2", "role": "branch_committee",
    })
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newshuji")
    assert Grant.objects.filter(user=user, organization=world.orgs.a2, role="branch_committee").exists()


def test_member_account_is_linked_to_their_record(world, login):
    target = world.members.a2[0]
    client = login(world.users.group_admin)
    client.post(reverse("grants"), {
        "username": "dy2", "password": "Zx9!party-2026", "organization": "A2", "role": "member",
        "member_id_number": target.id_number,
    })
    target.refresh_from_db()
    assert target.user.username == "dy2"


def test_an_admin_cannot_grant_outside_their_subtree(world, login):
    client = login(world.users.outsider)
    response = client.post(reverse("grants"), {
        "username": "intruder", "password": "Zx9!party-2026", "organization": "A1", "role": "org_admin",
    })
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_secretaries_and_inspectors_cannot_manage_grants(world, login):
    for persona in ("secretary", "inspector", "member"):
        assert login(getattr(world.users, persona)).get(reverse("grants")).status_code == 403


def test_the_grants_page_lists_only_grants_in_scope(world, login):
    response = login(world.users.outsider).get(reverse("grants"))
    listed = {g.user.username for g in response.context["page"].object_list}
    assert listed == {"outsider"}


def test_login_is_throttled_after_repeated_failures(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "secretary", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "secretary", "password": "secret-pass-123"})
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_home_page_says_when_it_shows_only_the_first_terms(world, login):
    """Trust E: more than 20 terms due — the page says how many and links to all of them."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from dangjian.factories import MemberFactory, make_committee, make_org

    due = timezone.localdate() - datetime.timedelta(days=3 * 365 + 10)
    for i in range(23):
        branch = make_org(f"待换届支部{i}", parent=world.orgs.b)
        make_committee(branch, [MemberFactory(organization=branch)], elected_on=due, positions=["secretary"])
    body = login(world.users.group_admin).get(reverse("home")).content.decode()
    assert "共 23 个委员会需要换届" in body and "前 20 个" in body and "?kind=term" in body


def test_an_account_already_linked_to_a_member_cannot_be_linked_to_another(world, login):
    """Trust C: was an IntegrityError (Member.user is one-to-one); now a message on the field."""
    other = world.members.a1[2]
    response = login(world.users.group_admin).post(reverse("grants"), {
        "username": "member", "organization": "A1", "role": "member", "member_id_number": other.id_number})
    assert response.status_code == 200
    assert "已关联另一名党员的档案" in response.content.decode()
    other.refresh_from_db()
    assert other.user_id is None
