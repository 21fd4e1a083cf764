import datetime

from django.urls import reverse

from dangjian.factories import next_id_number
from dangjian.members.models import Member


def form_data(world, **overrides):
    born = datetime.date(1990, 3, 8)
    data = {
        "name": "李新华", "gender": "F", "ethnicity": "汉族", "birth_date": born.isoformat(),
        "id_number": next_id_number(born, "F"), "phone": "13800000000", "education": "bachelor",
        "unit": "调度中心", "job": "调度员", "joined_on": "2015-07-01", "confirmed_on": "2016-07-01",
        "status": "full", "category": "employed", "organization": world.orgs.a1.code, "party_group": "",
    }
    data.update(overrides)
    return data


def test_secretary_adds_a_member_to_their_branch(world, login):
    client = login(world.users.secretary)
    response = client.post(reverse("members:create"), form_data(world))
    assert response.status_code == 302
    m = Member.objects.get(name="李新华")
    assert m.organization_id == world.orgs.a1.pk
    assert m.name_initials == "lxh"


def test_adding_a_member_outside_scope_is_refused_in_chinese(world, login):
    client = login(world.users.secretary)
    response = client.post(reverse("members:create"), form_data(world, organization=world.orgs.b1.code))
    assert response.status_code == 200
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert not Member.objects.filter(name="李新华").exists()


def test_a_bad_id_checksum_is_reported_next_to_the_field(world, login):
    data = form_data(world)
    data["id_number"] = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    response = login(world.users.secretary).post(reverse("members:create"), data)
    assert "校验位错误" in response.content.decode()
    assert not Member.objects.filter(name="李新华").exists()


def test_birth_date_must_match_the_id_number(world, login):
    response = login(world.users.secretary).post(reverse("members:create"), form_data(world, birth_date="1991-03-08"))
    assert "出生日期与身份证号不一致" in response.content.decode()


def test_member_list_searches_by_pinyin_initials(world, login):
    target = world.members.a1[1]
    client = login(world.users.group_admin)
    response = client.get(reverse("members:list"), {"q": target.name_initials})
    names = {m.name for m in response.context["page"].object_list}
    assert target.name in names


def test_member_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    from dangjian.factories import MemberFactory

    for _ in range(40):
        MemberFactory(organization=world.orgs.a2)
    client = login(world.users.group_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("members:list"))
    assert len(response.context["page"].object_list) == 50


def test_ending_membership_keeps_the_record_but_leaves_the_roll(world, login):
    m = world.members.a1[2]
    client = login(world.users.secretary)
    response = client.post(reverse("members:end", args=[m.pk]), {"ended_on": "2025-05-01", "end_reason": "deceased"})
    assert response.status_code == 302
    assert Member.objects.filter(pk=m.pk).exists()
    listed = client.get(reverse("members:list")).context["page"].paginator.count
    assert listed == 3
    ended = client.get(reverse("members:list"), {"roll": "ended"}).context["page"].paginator.count
    assert ended == 1


def test_member_detail_shows_the_change_log_to_admins(world, login):
    client = login(world.users.group_admin)
    m = world.members.a1[1]
    client.post(reverse("members:edit", args=[m.pk]), form_data(world, name=m.name, id_number=m.id_number,
                birth_date=m.birth_date.isoformat(), gender=m.gender, job="新岗位"))
    body = client.get(reverse("members:detail", args=[m.pk])).content.decode()
    assert "变更记录" in body and "新岗位" in body


def test_a_member_transferred_in_from_outside_has_it_in_their_history(world, login):
    client = login(world.users.secretary)
    response = client.post(reverse("members:create"), form_data(
        world, transfer_in_from="渭南市某街道党工委", transfer_in_on="2024-09-01"))
    assert response.status_code == 302
    m = Member.objects.get(name="李新华")
    t = m.transfers.get()
    assert (t.kind, t.external_org, t.to_org_id) == ("in", "渭南市某街道党工委", world.orgs.a1.pk)
    assert "渭南市某街道党工委" in client.get(reverse("members:detail", args=[m.pk])).content.decode()


def test_transfer_out_of_the_system_ends_membership_here(world, login):
    m = world.members.a1[3]
    client = login(world.users.secretary)
    response = client.post(reverse("members:transfer", args=[m.pk]), {
        "kind": "out", "external_org": "西安市某区机关党委", "transferred_on": "2025-03-01"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.ended_on.isoformat() == "2025-03-01" and m.end_reason == "transferred_out"


def test_search_understands_names_initials_id_numbers_and_phones(world):
    target = world.members.a2[0]
    target.phone = "13700001111"
    target.save()
    qs = Member.objects.all()
    assert list(qs.search(target.name[1:])) == [m for m in qs if target.name[1:] in m.name]
    assert target in qs.search(target.name_initials.upper())
    assert list(qs.search(target.id_number.lower())) == [target]
    assert list(qs.search("1370000")) == [target]
    assert not qs.search("zzz").exists()
