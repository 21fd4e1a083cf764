"""发展党员 (RULES.md "发展党员", 《发展党员工作细则》): one person from application to full membership, every date
rule met at its boundary (the day before refused with a sentence naming the rule and the dates, the day itself
accepted), 公示 in working days across a public holiday and an adjusted working weekend, the 支部大会's vote with its
quorum, and the roster gaining the member — never typed twice."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.factories import MemberFactory, next_id_number
from dangjian.meetings import services as meetings
from dangjian.meetings.models import Vote
from dangjian.members.models import Member, Status
from dangjian.recruitment import checks, services
from dangjian.recruitment.models import Candidate, Interval

D = datetime.date


def refused(candidate, code, by, **data):
    with pytest.raises(ValidationError) as e:
        services.record(candidate=candidate, code=code, data=data, by=by, today=D(2026, 11, 30))
    return " ".join(f"{k}:{' '.join(v)}" for k, v in e.value.message_dict.items())


def ok(candidate, code, by, **data):
    return services.record(candidate=candidate, code=code, data=data, by=by, today=D(2026, 11, 30))


def meeting(world, kind, on, votes=None):
    m = meetings.record_meeting(host=world.orgs.a1, by=world.users.group_admin, fields={
        "kind": kind, "topic": f"{kind} {on}", "held_on": on, "status": "held"},
        attendance={p.pk: ("present", "") for p in world.members.a1} if kind == "general_assembly" else None)
    vote = Vote.objects.create(meeting=m, subject="接收预备党员", yes=votes) if votes is not None else None
    return m, vote


def test_working_days_follow_the_official_calendar():
    # 2024 National Day: 1–7 October off, Saturday 12 October an adjusted working day
    assert checks.working_days(D(2024, 9, 30), D(2024, 10, 8))[0] == 2
    assert checks.working_days(D(2024, 9, 30), D(2024, 10, 11))[0] == 5
    assert checks.working_days(D(2024, 10, 12), D(2024, 10, 12))[0] == 1  # the adjusted Saturday works
    days, note = checks.working_days(D(2099, 1, 5), D(2099, 1, 11))  # a year the calendar does not know yet
    assert days == 5 and "尚未收录" in note


def test_one_person_from_application_to_full_membership(world, login):
    by, branch = world.users.secretary, world.orgs.a1
    with pytest.raises(ValidationError) as e:  # 17 on the day of application
        services.start(organization=branch, name="少年", id_number=next_id_number(D(2006, 1, 11), "M"),
                       applied_on=D(2024, 1, 10), by=by)
    assert "申请入党须年满十八岁" in str(e.value) and "2024-01-11" in str(e.value)
    c = services.start(organization=branch, name="李明", id_number=next_id_number(D(1998, 3, 2), "M"),
                       applied_on=D(2023, 1, 10), by=by)
    assert c.stage == "applicant"
    assert "一个月内派人谈话" in refused(c, "talk", by, done_on=D(2023, 2, 11))
    ok(c, "talk", by, done_on=D(2023, 2, 10))
    committee, _v = meeting(world, "committee", D(2023, 7, 9))
    assert "最早 2023-07-10" in refused(c, "activist", by, done_on=D(2023, 7, 9), meeting=committee)
    committee, _v = meeting(world, "committee", D(2023, 7, 10))
    ok(c, "activist", by, done_on=D(2023, 7, 10), meeting=committee)
    assert Candidate.objects.get(pk=c.pk).stage == "activist"
    probationer = MemberFactory(organization=branch, status=Status.PROBATIONARY, confirmed_on=None)
    assert "不是本支部的正式党员" in refused(c, "mentors", by, done_on=D(2023, 7, 12), people=[probationer])
    ok(c, "mentors", by, done_on=D(2023, 7, 12), people=[world.members.a1[0]])
    committee, _v = meeting(world, "committee", D(2024, 7, 9))
    message = refused(c, "prospect", by, done_on=D(2024, 7, 9), meeting=committee)
    assert "确定为发展对象须在列为积极分子满一年后：2023-07-10 列为积极分子，最早 2024-07-10" in message
    committee, _v = meeting(world, "committee", D(2024, 7, 10))
    ok(c, "prospect", by, done_on=D(2024, 7, 10), meeting=committee)
    assert "2 名正式党员" in refused(c, "sponsors", by, done_on=D(2024, 7, 15), people=world.members.a1[:1])
    ok(c, "sponsors", by, done_on=D(2024, 7, 15), people=world.members.a1[:2])
    ok(c, "vetting", by, done_on=D(2024, 8, 1), passed=True)
    assert "不少于3天或24学时" in refused(c, "training", by, done_on=D(2024, 8, 20), days=2, hours=Decimal(16))
    ok(c, "training", by, done_on=D(2024, 8, 20), hours=Decimal(24))
    committee, _v = meeting(world, "committee", D(2024, 9, 20))
    assert "须先完成" in refused(c, "pre_review", by, done_on=D(2024, 9, 25))
    ok(c, "committee_review", by, done_on=D(2024, 9, 20), meeting=committee)
    message = refused(c, "publicity", by, done_on=D(2024, 9, 30), ends_on=D(2024, 10, 10))
    assert "公示须不少于5个工作日" in message and "为 4 个工作日" in message
    ok(c, "publicity", by, done_on=D(2024, 9, 30), ends_on=D(2024, 10, 11))
    assert "公示结束" in refused(c, "pre_review", by, done_on=D(2024, 10, 11), passed=True)
    ok(c, "pre_review", by, done_on=D(2024, 10, 14), passed=True)
    ok(c, "volunteer_form", by, done_on=D(2024, 10, 15))
    assembly, failing = meeting(world, "general_assembly", D(2024, 10, 18), votes=2)  # 2 of 4 voting: not > half
    assert "未超过应到会有表决权人数 4 的半数" in refused(c, "admission", by, done_on=D(2024, 10, 18),
                                                          meeting=assembly, vote=failing)
    passing = Vote.objects.create(meeting=assembly, subject="接收李明为预备党员", yes=4)
    ok(c, "admission", by, done_on=D(2024, 10, 18), meeting=assembly, vote=passing)
    c.refresh_from_db()
    member = Member.objects.get(id_number=c.id_number)
    assert c.stage == "probationary" and c.member == member
    assert (member.status, member.joined_on, member.organization) == ("probationary", D(2024, 10, 18), branch)
    assert "最长不超过6个月" in refused(c, "approval", by, done_on=D(2025, 4, 19), passed=True)
    assert "须说明原因" in refused(c, "approval", by, done_on=D(2025, 2, 1), passed=True)
    ok(c, "approval", by, done_on=D(2024, 11, 20), passed=True)
    ok(c, "oath", by, done_on=D(2024, 12, 1))
    ok(c, "conversion_application", by, done_on=D(2025, 9, 20))
    assembly, vote = meeting(world, "general_assembly", D(2025, 10, 17), votes=4)
    assert "预备期至 2025-10-18" in refused(c, "conversion", by, done_on=D(2025, 10, 17), meeting=assembly, vote=vote)
    assembly, vote = meeting(world, "general_assembly", D(2025, 10, 18), votes=4)
    ok(c, "conversion", by, done_on=D(2025, 10, 18), meeting=assembly, vote=vote)
    member.refresh_from_db()
    assert member.status == "full" and member.confirmed_on == D(2025, 10, 18)
    ok(c, "conversion_approval", by, done_on=D(2025, 11, 10), passed=True)
    # the file and the board show it; another branch's secretary sees nothing
    page = login(by).get(reverse("recruitment:file", args=[c.pk])).content.decode()
    assert "支部大会讨论接收" in page and "2024-10-18" in page
    board = login(world.users.group_admin).get(reverse("recruitment:board", args=[world.orgs.a.pk]))
    assert [ns for o, ns in board.context["rollup"] if o == branch] == [[0, 0, 0, 0, 1]]
    assert login(by).get(reverse("recruitment:board", args=[world.orgs.a2.pk])).status_code == 404


def test_a_local_interval_applies_to_its_subtree_and_the_page_names_it(world, login):
    Interval.objects.create(organization=world.orgs.a, name="activist_after_months", value=3, basis="A党委规定")
    assert checks.interval(world.orgs.a1, "activist_after_months")[0] == 3
    assert checks.interval(world.orgs.b1, "activist_after_months")[0] == 6
    page = login(world.users.secretary).get(reverse("recruitment:board", args=[world.orgs.a1.pk])).content.decode()
    assert "神渭管运公司党委 的规定" in page and "A党委规定" in page


def test_a_step_is_recorded_through_the_page_and_errors_stand_next_to_their_field(world, login):
    client = login(world.users.secretary)
    new = reverse("recruitment:new", args=[world.orgs.a1.pk])
    page = client.post(new, {"name": "王五", "id_number": "123", "applied_on": "2026-01-05"})
    assert page.status_code == 200 and page.context["form"].errors["id_number"]
    response = client.post(new, {"name": "王五", "id_number": next_id_number(D(1990, 5, 5), "F"),
                                 "applied_on": "2026-01-05"})
    c = Candidate.objects.get(name="王五")
    assert response.status_code == 302 and c.stage == "applicant"
    url = reverse("recruitment:file", args=[c.pk])
    bad = client.post(url, {"step": "talk", "done_on": "2026-03-01"})
    assert "最迟 2026-02-05" in " ".join(bad.context["form"].errors["done_on"])
    assert client.post(url, {"step": "talk", "done_on": "2026-02-05"}).status_code == 302
    assert login(world.users.member).post(url, {"step": "activist", "done_on": "2026-08-01"}).status_code in (200, 404)
    assert c.steps.count() == 2


def test_the_registers_list_each_stage_with_its_dates_and_are_an_export(world, login):
    import io

    from openpyxl import load_workbook

    by = world.users.secretary
    c = services.start(organization=world.orgs.a1, name="周七", id_number=next_id_number(D(1992, 2, 2), "M"),
                       applied_on=D(2025, 1, 6), by=by)
    ok(c, "talk", by, done_on=D(2025, 1, 20))
    committee, _v = meeting(world, "committee", D(2025, 7, 7))
    ok(c, "activist", by, done_on=D(2025, 7, 7), meeting=committee)
    ok(c, "mentors", by, done_on=D(2025, 7, 8), people=world.members.a1[:2])
    url = reverse("recruitment:register", args=[world.orgs.a.pk, "activist"])
    sheet = login(world.users.group_admin).get(url)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "周七" and rows[0][4] == "第一党支部"
    assert rows[0][5].date() == D(2025, 1, 6) and rows[0][6].date() == D(2025, 7, 7)
    assert set(rows[0][8].split("、")) == {m.name for m in world.members.a1[:2]}
    from docx import Document

    word = login(world.users.group_admin).get(url, {"format": "docx"})
    table = Document(io.BytesIO(word.content)).tables[0]
    assert [c.text for c in table.rows[1].cells][:7] == ["周七", "男", "1992-02-02", "", "第一党支部", "2025-01-06",
                                                        "2025-07-07"]
    assert login(world.users.member).get(url).status_code == 404
    assert login(world.users.group_admin).get(reverse("recruitment:register", args=[world.orgs.a.pk, "full"])).status_code == 404


def test_the_api_lists_candidates_and_their_steps_in_scope(world):
    from rest_framework.test import APIClient

    c = services.start(organization=world.orgs.a1, name="孙八", id_number=next_id_number(D(1993, 3, 3), "F"),
                       applied_on=D(2026, 1, 6), by=world.users.secretary)
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    body = api.get("/api/candidates/").json()
    assert [(r["name"], r["stage"], [s["step"] for s in r["steps"]]) for r in body["results"]] == [
        ("孙八", "applicant", ["application"])]
    api.force_authenticate(world.users.outsider)
    assert api.get("/api/candidates/").json()["results"] == [] and api.get(f"/api/candidates/{c.pk}/").status_code == 404


def test_the_branch_is_reminded_of_overdue_steps_and_of_dues_six_months_behind(world):
    from django.utils import timezone

    from dangjian.dues import services as dues
    from dangjian.reminders.services import reminders_for

    today = timezone.localdate()
    c = services.start(organization=world.orgs.a1, name="钱九", id_number=next_id_number(D(1991, 4, 4), "M"),
                       applied_on=today - datetime.timedelta(days=40), by=world.users.secretary)
    dues.declare_base(member=world.members.a1[1], starts_on=dues.add_months(today.replace(day=1), -8),
                      category="student", income=Decimal(0), by=world.users.group_admin)
    mine = {r.kind: r for r in reminders_for(world.users.secretary, today)}
    assert "钱九：党组织派人谈话应在" in mine["recruitment"].title and "已逾期" in mine["recruitment"].title
    assert mine["recruitment"].url == reverse("recruitment:file", args=[c.pk])
    assert "1 名党员连续6个月以上未交党费" in mine["dues"].title
    assert not [r for r in reminders_for(world.users.outsider, today) if r.kind in ("recruitment", "dues")]


def test_a_steps_material_is_uploaded_checked_and_downloaded_in_scope(world, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    c = services.start(organization=world.orgs.a1, name="吴十", id_number=next_id_number(D(1994, 8, 8), "M"),
                       applied_on=D(2026, 1, 5), by=world.users.secretary)
    client = login(world.users.secretary)
    url = reverse("recruitment:file", args=[c.pk])
    bad = client.post(url, {"step": "talk", "done_on": "2026-01-20",
                            "attachment": SimpleUploadedFile("谈话记录.pdf", b"MZ\x90\x00 not a pdf")})
    assert bad.status_code == 200 and bad.context["form"].errors["attachment"] and c.steps.count() == 1
    client.post(url, {"step": "talk", "done_on": "2026-01-20",
                      "attachment": SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.7 talk")})
    talk = c.steps.get(step="talk")
    download = reverse("recruitment:attachment", args=[talk.pk])
    assert download in client.get(url).content.decode()
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.7 talk"
    assert login(world.users.outsider).get(download).status_code == 404


def test_the_branch_ends_a_candidacy_with_a_reason_and_the_file_stays(world, login):
    c = services.start(organization=world.orgs.a1, name="郑十一", id_number=next_id_number(D(1990, 9, 9), "F"),
                       applied_on=D(2026, 3, 2), by=world.users.secretary)
    client = login(world.users.secretary)
    url = reverse("recruitment:stop", args=[c.pk])
    client.post(url, {"on": "2026-06-01", "reason": ""})
    c.refresh_from_db()
    assert c.stopped_on is None  # a reason is required
    client.post(url, {"on": "2026-06-01", "reason": "本人申请撤回"})
    c.refresh_from_db()
    assert c.stopped_on == D(2026, 6, 1) and c.steps.count() == 1
    assert "终止发展：本人申请撤回" in client.get(reverse("recruitment:file", args=[c.pk])).content.decode()
    assert c not in [p for p, _d, _o in client.get(reverse("recruitment:board", args=[world.orgs.a1.pk])).context["people"]]
    with pytest.raises(ValidationError):
        services.record(candidate=c, code="talk", data={"done_on": D(2026, 3, 20)}, by=world.users.secretary)
    # the same person may apply again later: the in-progress uniqueness leaves a stopped file alone
    again = services.start(organization=world.orgs.a1, name="郑十一", id_number=c.id_number, applied_on=D(2026, 9, 1),
                           by=world.users.secretary)
    assert again.pk != c.pk


def test_the_party_committee_above_is_reminded_of_the_approvals_it_owes_and_of_dues_flags_below(world):
    """细则: the 党委 approves an admission within three months of the 支部大会 — its admins are told, not only the
    branch; the 6-month 党费 flags reach them as one count per month; another subtree's admin hears nothing."""
    from django.utils import timezone

    from dangjian.dues import services as dues
    from dangjian.recruitment.models import StepRecord
    from dangjian.reminders.services import reminders_for

    today = timezone.localdate()
    c = services.start(organization=world.orgs.a1, name="冯十二", id_number=next_id_number(D(1990, 5, 5), "M"),
                       applied_on=today - datetime.timedelta(days=900), by=world.users.secretary)
    for code in ["talk", "activist", "mentors", "prospect", "sponsors", "vetting", "training", "committee_review",
                 "publicity", "pre_review", "volunteer_form"]:
        StepRecord.objects.create(candidate=c, step=code, done_on=today - datetime.timedelta(days=200))
    StepRecord.objects.create(candidate=c, step="admission", done_on=today - datetime.timedelta(days=100))
    Candidate.objects.filter(pk=c.pk).update(stage="probationary")
    dues.declare_base(member=world.members.a1[1], starts_on=dues.add_months(today.replace(day=1), -8),
                      category="student", income=Decimal(0), by=world.users.group_admin)
    mine = [r for r in reminders_for(world.users.group_admin, today) if r.kind in ("recruitment", "dues")]
    approval = [r for r in mine if r.key.startswith("approval:")]
    assert len(approval) == 1 and "第一党支部 冯十二：上级党委审批应在" in approval[0].title and "已逾期" in approval[0].title
    assert [r.title for r in mine if r.key.startswith("dues:admin:")] == [
        f"{world.orgs.group.name}下有 1 名党员连续6个月以上未交党费（涉及 1 个下级组织），请督促所在支部了解情况"]
    assert not [r for r in reminders_for(world.users.outsider, today) if r.kind in ("recruitment", "dues")]
