"""The points pages as the personas use them: a secretary's board and its download, a member's ledger and "我的",
the rules and their override, the API — each through the same scope as everything else."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts import roles
from dangjian.factories import UserFactory, grant
from dangjian.meetings import services as meetings
from dangjian.points import engine
from dangjian.points.models import PointRule, Source

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def records(world):
    """A1: a 党员大会 this year (the member present and hosting, one absent); A2: a 主题党日."""
    a1 = world.members.a1
    on = datetime.date(THIS_YEAR, 1, 10)
    assembly = meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": "general_assembly", "topic": "学习贯彻全会精神", "held_on": on, "status": "held", "host": a1[0]},
        attendance={a1[0].pk: ("present", ""), a1[1].pk: ("present", ""), a1[2].pk: ("absent", ""),
                    a1[3].pk: ("leave", "出差")})
    theme = meetings.record_meeting(host=world.orgs.a2, by=world.users.group_admin, fields={
        "kind": "theme_day", "topic": "A2主题党日", "held_on": on, "status": "held"},
        attendance={m.pk: ("present", "") for m in world.members.a2})
    return assembly, theme


def test_the_secretary_ranks_the_branch_and_downloads_what_the_page_shows(world, login, records):
    client = login(world.users.secretary)
    body = client.get(reverse("points:board", args=[world.orgs.a1.pk])).content.decode()
    me, present, absent = world.members.a1[0], world.members.a1[1], world.members.a1[2]
    # 60 + 2 + 1 (host), 60 + 2, 60 − 2: ranked in that order, the absent one below 60
    assert body.index(me.name) < body.index(present.name) < body.index(absent.name)
    assert "63.0" in body and "58.0" in body and "不合格" in body and "星级分布" in body
    filtered = client.get(reverse("points:board", args=[world.orgs.a1.pk]), {"star": "0"}).content.decode()
    assert absent.name in filtered and present.name not in filtered.split("<tbody>")[1]
    assert client.get(reverse("points:board", args=[world.orgs.a2.pk])).status_code == 404
    # the download is an export: the secretary may export the branch, a member may not
    xlsx = client.get(reverse("points:board", args=[world.orgs.a1.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows][:1] == [me.name] and {r[1] for r in rows} == {m.name for m in world.members.a1}
    assert all(r[2] == "第一党支部" for r in rows)
    member = login(world.users.member)
    own = member.get(reverse("points:board", args=[world.orgs.a1.pk]))
    assert [r.member for r in own.context["rows"]] == [me]  # a member's scope is their own record
    assert member.get(reverse("points:board", args=[world.orgs.a1.pk]), {"format": "xlsx"}).status_code == 404


def test_a_bad_year_is_a_message_not_an_error(world, login, records):
    client = login(world.users.secretary)
    for bad in ("0", "99999", "abc", "-1"):
        for url in (reverse("points:board", args=[world.orgs.a1.pk]), reverse("points:ledger", args=[world.members.a1[0].pk])):
            response = client.get(url, {"year": bad})
            assert response.status_code == 200 and "年" in response.context["form"].errors["year"][0]
    assert client.get("/api/points/", {"year": "0"}).status_code == 400


def test_a_member_reads_their_own_ledger_and_the_meeting_behind_each_line(world, login, records):
    assembly, theme = records
    client = login(world.users.member)
    body = client.get(reverse("points:me")).content.decode()
    assert "63.0" in body and reverse("meetings:detail", args=[assembly.pk]) in body
    assert client.get(reverse("meetings:detail", args=[assembly.pk])).status_code == 200  # attended: readable
    assert client.get(reverse("meetings:detail", args=[theme.pk])).status_code == 404  # A2's: not
    assert client.get(reverse("points:ledger", args=[world.members.me.pk])).status_code == 200
    assert client.get(reverse("points:ledger", args=[world.members.a1[1].pk])).status_code == 404
    # a member without grants goes to their own page from the header, and their meeting list stays empty of others
    assert client.get(reverse("points:index"))["Location"] == reverse("points:me")
    nobody = login(UserFactory(username="no_record"))
    assert "还没有关联党员档案" in nobody.get(reverse("points:me")).content.decode()


def test_the_rules_say_where_they_come_from_and_an_admin_overrides_them_for_a_subtree(world, login, records):
    admin = login(world.users.group_admin)
    engine.defaults_present()  # the data migration's rows, unless a transactional test flushed them
    base = PointRule.objects.get(organization=None, source=Source.BASE)
    url = reverse("points:override", args=[world.orgs.a.pk, base.pk])
    page = admin.post(url, {"enabled": "on", "points": "-5"})
    assert "基础分不能为负数" in page.content.decode()
    page = admin.post(url, {"enabled": "on", "points": "65", "cap": "10"})
    assert "同时填写" in page.content.decode()
    assert admin.post(url, {"enabled": "on", "points": "65"}).status_code == 302
    body = admin.get(reverse("points:rules", args=[world.orgs.a1.pk])).content.decode()
    assert "神渭管运公司党委 的规定" in body and "全局默认" in body
    me = world.members.me
    assert admin.get(reverse("points:ledger", args=[me.pk])).context["ledger"].total == 68  # 65 + 2 + 1
    assert admin.get(reverse("points:ledger", args=[world.members.b1[0].pk])).context["ledger"].total == 60
    # A1's secretary may read the rules but not change them for the company above
    assert login(world.users.secretary).get(url).status_code == 404
    admin = login(world.users.group_admin)
    admin.post(url, {"reset": "1"})
    assert not PointRule.objects.filter(organization=world.orgs.a).exists()


def test_the_api_gives_points_and_ledgers_in_scope_only(world, records):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users.secretary)
    rows = api.get("/api/points/").json()["results"]
    assert {r["member"] for r in rows} == {m.pk for m in world.members.a1}
    assert {r["points"] for r in rows} == {"63.0", "62.0", "58.0", "60.0"}
    ledger = api.get(f"/api/points/{world.members.me.pk}/").json()
    assert ledger["total"] == "63.0" and ledger["lines"][1]["meeting"] == records[0].pk
    assert api.get(f"/api/points/{world.members.a2[0].pk}/").status_code == 404
    assert api.get("/api/points/", {"org": world.orgs.a2.pk}).status_code == 400
    outsider = UserFactory(username="a2_reader")
    grant(outsider, world.orgs.a2, roles.INSPECTOR)
    api.force_authenticate(outsider)
    assert {r["member"] for r in api.get("/api/points/").json()["results"]} == {m.pk for m in world.members.a2}
    assert {r["source"] for r in api.get("/api/point-rules/").json()["results"]} >= {"base", "present", "absent"}


def test_a_committee_of_thousands_asks_for_a_branch_instead_of_one_huge_board(world, login, records, monkeypatch):
    from dangjian.points import board

    monkeypatch.setattr(board, "BOARD_LIMIT", 5)
    client = login(world.users.group_admin)
    page = client.get(reverse("points:index"), follow=True)
    body = page.content.decode()
    assert page.context["too_many"] == 10 and "请选择下级组织" in body
    assert reverse("points:board", args=[world.orgs.a.pk]) in body and reverse("points:board", args=[world.orgs.b.pk]) in body
    assert client.get(reverse("points:board", args=[world.orgs.a1.pk])).context["rows"]  # a branch is one board


def test_members_who_moved_this_year_keep_their_points_and_the_boards_say_where(world, login, records):
    """A2's members earned a 主题党日 point in January; one moves to A1 in March, another leaves the system. A1's
    board ranks the newcomer with the point earned in A2 and says where from; A2's board lists both departures
    with what they earned, outside its ranking; a secretary of A1 sees nothing of A2's departures."""
    from dangjian.members.services import transfer_member

    mover, leaver = world.members.a2[0], world.members.a2[1]
    day = datetime.date(THIS_YEAR, 3, 1)
    transfer_member(member=mover, on=day, by=world.users.group_admin, to_org=world.orgs.a1)
    transfer_member(member=leaver, on=day, by=world.users.group_admin, external_org="某市某局机关党委")
    secretary = login(world.users.secretary).get(reverse("points:board", args=[world.orgs.a1.pk]))
    row = next(r for r in secretary.context["rows"] if r.member == mover)
    assert row.points == 61 and row.arrived.from_org == world.orgs.a2  # 60 + the 主题党日 in A2
    assert "3月1日由第二党支部转入" in secretary.content.decode()
    assert secretary.context["departures"] == []
    admin = login(world.users.group_admin).get(reverse("points:board", args=[world.orgs.a2.pk]))
    gone = {d.member: (d.where, d.points) for d in admin.context["departures"]}
    assert gone == {mover: ("转至 第一党支部", 61), leaver: ("转出至 某市某局机关党委", 61)}
    assert mover not in [r.member for r in admin.context["rows"]] and "本年度调离的党员" in admin.content.decode()
