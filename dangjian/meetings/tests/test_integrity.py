import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import MemberFactory, make_committee
from unittest.mock import patch

from dangjian.meetings import services
from dangjian.meetings.models import Attachment, Attendance, Meeting, MeetingOrganization, Vote
from dangjian.meetings.votes import verdict
from dangjian.members.models import Status


def meeting_for(org, kind="general_assembly", day=None, present=(), **fields):
    """Recorded as the page records it: everyone due gets a row (those not in `present` absent)."""
    here = {p.pk for p in present}
    due = services.expected_attendees(kind, org)
    marks = {pk: ("present" if pk in here else "absent", "") for pk in due.values_list("pk", flat=True)}
    user = fields.pop("by", None)
    with patch.object(services, "ensure_in_scope"):
        return services.record_meeting(host=org, by=user, attendance=marks, fields={
            "kind": kind, "topic": "测试", "held_on": day or timezone.localdate(), **fields})


@pytest.fixture
def assembly(world):
    """A1: 4 正式党员 (world) + 2 预备党员, all present; 6 people at the meeting, 4 with a vote."""
    probationary = [MemberFactory(organization=world.orgs.a1, status=Status.PROBATIONARY, confirmed_on=None)
                    for _ in range(2)]
    return meeting_for(world.orgs.a1, present=[*world.members.a1, *probationary])


def test_probationary_members_attend_but_do_not_vote(assembly):
    v = Vote(meeting=assembly, subject="接收预备党员", yes=3)
    r = verdict(v)
    assert (r.eligible, r.present) == (4, 4)
    assert r.valid and r.passed


def test_yes_must_exceed_half_of_those_due_not_of_those_present(world):
    m = meeting_for(world.orgs.a1, present=world.members.a1[:3])  # 3 of 4 with a vote present
    r = verdict(Vote(meeting=m, subject="事项", yes=2, no=1))
    assert r.valid and not r.passed
    assert "未超过应到会有表决权人数 4 的半数" in r.summary


def test_without_a_majority_present_the_vote_is_invalid(world):
    m = meeting_for(world.orgs.a1, present=world.members.a1[:2])
    r = verdict(Vote(meeting=m, subject="事项", yes=2))
    assert not r.valid and "未超过应到 4 人的半数" in r.summary


def test_election_needs_four_fifths_present_and_twenty_percent_more_candidates(world):
    m = meeting_for(world.orgs.a1, present=world.members.a1[:3])
    r = verdict(Vote(meeting=m, kind="election", subject="选举支部委员会", yes=3, seats=5, candidates=5))
    assert not r.valid
    assert "不足应到 4 人的五分之四" in r.summary and "至少 6 人" in r.summary


def test_more_ballots_than_voters_present_is_invalid(assembly):
    r = verdict(Vote(meeting=assembly, subject="事项", yes=5))
    assert not r.valid and "超过到会有表决权人数" in r.summary


def test_committee_votes_count_the_committee(world):
    make_committee(world.orgs.a1, world.members.a1[:3])
    m = meeting_for(world.orgs.a1, kind="committee", present=world.members.a1[:2])
    r = verdict(Vote(meeting=m, subject="研究事项", yes=2))
    assert (r.eligible, r.present) == (3, 2) and r.valid and r.passed


def test_a_record_locks_after_the_configured_days_and_the_superior_unlocks_it(world, login, settings):
    settings.MEETING_LOCK_DAYS = 30
    m = meeting_for(world.orgs.a1, day=timezone.localdate() - datetime.timedelta(days=31))
    secretary = login(world.users.secretary)
    response = secretary.get(reverse("meetings:edit", args=[m.pk]))
    assert response.status_code == 302  # locked: back to the page with a message
    assert secretary.get(reverse("meetings:unlock", args=[m.pk])).status_code == 403  # not their superior
    admin = login(world.users.group_admin)
    assert admin.post(reverse("meetings:unlock", args=[m.pk]), {"reason": "补录会议记录"}).status_code == 302
    m.refresh_from_db()
    assert not m.is_locked() and m.unlocked_by == world.users.group_admin
    secretary = login(world.users.secretary)
    assert secretary.get(reverse("meetings:edit", args=[m.pk])).status_code == 200


def test_changes_after_the_lock_are_shown_on_the_record(world, login, settings):
    settings.MEETING_LOCK_DAYS = 30
    m = meeting_for(world.orgs.a1, day=timezone.localdate() - datetime.timedelta(days=40))
    m.unlocked_until = timezone.localdate() + datetime.timedelta(days=7)
    m.save()
    client = login(world.users.group_admin)
    refused = client.post(reverse("meetings:edit", args=[m.pk]), {"status": "held", "topic": "改过的主题",
                                                                   "held_on": m.held_on.isoformat()})
    assert refused.status_code == 200 and "change_reason" in refused.context["form"].errors  # why, first
    client.post(reverse("meetings:edit", args=[m.pk]), {"status": "held", "topic": "改过的主题",
                                                         "held_on": m.held_on.isoformat(), "change_reason": "纠正笔误"})
    body = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "锁定后的修改" in body and "改过的主题" in body and "纠正笔误" in body


def planned_today(org):
    m = Meeting.objects.create(organization=org, kind="general_assembly", topic="计划中的党员大会",
                               held_on=timezone.localdate(), status="planned")
    MeetingOrganization.objects.create(meeting=m, organization=org)
    return m


def scanned_link(host_client, meeting):
    """The link inside the QR code the host's page shows now."""
    return host_client.get(reverse("meetings:qr", args=[meeting.pk])).context["url"].split("testserver", 1)[1]


def test_a_member_signs_in_by_qr_code_on_the_day(world, login):
    m = planned_today(world.orgs.a1)
    link = scanned_link(login(world.users.secretary), m)
    member = login(world.users.member)
    page = member.get(link).content.decode()
    assert "确认签到" in page and "计划中的党员大会" in page
    assert not Attendance.objects.filter(meeting=m).exists()  # opening the link changes nothing
    assert "签到成功" in member.post(link).content.decode()
    row = Attendance.objects.get(meeting=m, member=world.members.me)
    assert row.status == "present" and row.voting and row.checked_in_at is not None
    mine = member.get(reverse("points:me")).content.decode()
    assert "我的扫码签到" in mine and "计划中的党员大会" in mine  # 我的 lists the sign-in with its time
    live = login(world.users.secretary).get(reverse("meetings:live", args=[m.pk])).content.decode()
    assert "已签到 1 / 应到 4" in live


def test_qr_sign_in_reveals_nothing_to_those_not_due_and_refuses_other_days(world, login):
    other = planned_today(world.orgs.a2)
    link = scanned_link(login(world.users.group_admin), other)
    body = login(world.users.member).post(link).content.decode()
    assert "不在本次会议的应参会人员中" in body and "计划中的党员大会" not in body
    assert not Attendance.objects.filter(meeting=other).exists()
    old = meeting_for(world.orgs.a1, day=timezone.localdate() - datetime.timedelta(days=2))
    link = scanned_link(login(world.users.secretary), old)
    body = login(world.users.member).post(link).content.decode()
    assert "仅限会议当天" in body
    assert Attendance.objects.get(meeting=old, member=world.members.me).status == "absent"


def test_a_forged_or_expired_sign_in_link_does_nothing(world, login, monkeypatch):
    m = planned_today(world.orgs.a1)
    link = scanned_link(login(world.users.secretary), m)
    member = login(world.users.member)
    m.refresh_from_db()  # the old, unsigned form of the link
    assert "已失效" in member.post(reverse("meetings:checkin", args=[m.checkin_token])).content.decode()
    from dangjian.meetings import views_record

    monkeypatch.setattr(views_record, "CHECKIN_MAX_AGE", -1)  # as if the code was forwarded minutes later
    body = member.post(link).content.decode()
    assert "已失效" in body and "计划中的党员大会" not in body
    assert not Attendance.objects.filter(meeting=m).exists()


def test_saving_a_planned_meeting_as_held_keeps_the_sign_ins(world, login):
    """Trust A1: the edit form starts from the recorded attendance, never from "everyone present"."""
    m = planned_today(world.orgs.a1)
    link = scanned_link(login(world.users.secretary), m)
    login(world.users.member).post(link)
    host = login(world.users.secretary)
    form = host.get(reverse("meetings:edit", args=[m.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("host", "recorder", "starts_at")}
    data.update(status="held", held_on=m.held_on.isoformat())
    response = host.post(reverse("meetings:edit", args=[m.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    present = set(Attendance.objects.filter(meeting=m, status="present").values_list("member_id", flat=True))
    assert present == {world.members.me.pk}
    assert Attendance.objects.filter(meeting=m).count() == 4  # everyone due is on the record, 3 absent
    assert Attendance.objects.get(meeting=m, member=world.members.me).checked_in_at is not None  # still a QR sign-in


@pytest.mark.parametrize("name,content,ok", [
    ("photo.jpg", b"\xff\xd8\xff\xe0rest", True),
    ("minutes.pdf", b"%PDF-1.7 ...", True),
    ("fake.pdf", b"MZ\x90\x00 not a pdf", False),
    ("virus.exe", b"MZ\x90\x00", False),
])
def test_attachments_are_checked_by_type_and_content(world, login, name, content, ok, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting_for(world.orgs.a1)
    login(world.users.secretary).post(reverse("meetings:upload", args=[m.pk]),
                                      {"file": SimpleUploadedFile(name, content)})
    assert Attachment.objects.filter(meeting=m).exists() == ok


def test_attachments_are_downloaded_through_the_scope(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = meeting_for(world.orgs.a1)
    login(world.users.secretary).post(reverse("meetings:upload", args=[m.pk]),
                                      {"file": SimpleUploadedFile("p.png", b"\x89PNG\r\n")})
    att = Attachment.objects.get()
    assert login(world.users.outsider).get(reverse("meetings:download", args=[att.pk])).status_code == 404
    assert login(world.users.inspector).get(reverse("meetings:download", args=[att.pk])).status_code == 200


def test_a_too_large_attachment_is_refused(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 10
    m = meeting_for(world.orgs.a1)
    login(world.users.secretary).post(reverse("meetings:upload", args=[m.pk]),
                                      {"file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 100)})
    assert not Attachment.objects.exists()


def test_the_ledger_is_generated_from_the_records(world, login):
    m = meeting_for(world.orgs.a1, present=world.members.a1[:3], minutes="传达学习上级精神")
    Attendance.objects.filter(meeting=m, member=world.members.a1[3]).update(status="leave", reason="出差")
    client = login(world.users.inspector)
    year = m.held_on.year
    xlsx = client.get(reverse("meetings:ledger", args=[world.orgs.a1.pk, year, "xlsx"]))
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[2][6:10] == (4, 3, 1, 0) and "出差" in rows[2][10]
    docx = client.get(reverse("meetings:ledger", args=[world.orgs.a1.pk, year, "docx"]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "传达学习上级精神" in text
    assert login(world.users.outsider).get(reverse("meetings:ledger", args=[world.orgs.a1.pk, year, "xlsx"])).status_code == 404


def test_evaluation_grades_full_members_and_warns_above_a_third(world, login):
    probationary = MemberFactory(organization=world.orgs.a1, status=Status.PROBATIONARY, confirmed_on=None)
    m = meeting_for(world.orgs.a1, kind="evaluation")
    client = login(world.users.secretary)
    a1 = world.members.a1
    response = client.post(reverse("meetings:grades", args=[m.pk]), {
        f"grade_{a1[0].pk}": "excellent", f"grade_{a1[1].pk}": "excellent",
        f"grade_{a1[2].pk}": "qualified", f"grade_{a1[3].pk}": "qualified", f"grade_{probationary.pk}": "excellent"})
    assert response.status_code == 302
    assert m.grades.count() == 4  # the probationary member is not graded
    body = client.get(reverse("meetings:grades", args=[m.pk])).content.decode()
    assert "超过参评人数 4 的三分之一" in body


def test_a_member_cannot_download_the_ledger_of_their_branch(world, login):
    """Trust B1: the meeting pages are 404 to a member, so is the ledger built from them."""
    meeting_for(world.orgs.a1, present=world.members.a1, minutes="支委会研究人事")
    member = login(world.users.member)
    year = timezone.localdate().year
    for fmt in ("xlsx", "docx"):
        assert member.get(reverse("meetings:ledger", args=[world.orgs.a1.pk, year, fmt])).status_code == 404


@pytest.mark.parametrize("year", [0, 1, 99999, 10 ** 30])
def test_an_out_of_range_ledger_year_is_a_404(world, login, year):
    assert login(world.users.secretary).get(f"/meetings/org/{world.orgs.a1.pk}/ledger/{year}.xlsx").status_code == 404


def test_ledger_cells_that_look_like_formulas_stay_text(world, login):
    """Trust D: minutes typed as "=HYPERLINK(…)" come back as text, not a live formula."""
    meeting_for(world.orgs.a1, present=world.members.a1, place="=HYPERLINK(\"http://x\",\"点我\")")
    body = login(world.users.secretary).get(reverse("meetings:ledger", args=[world.orgs.a1.pk, timezone.localdate().year, "xlsx"])).content
    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(body)).active["D3"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def _zip(files):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name,files,ok", [
    ("纪要.docx", None, True),
    ("纪要.docx", {"payload.exe": b"MZ"}, False),  # any ZIP renamed .docx
    ("台账.xlsx", {"[Content_Types].xml": "<Types><Override ContentType=\"application/vnd.openxmlformats-"
                                            "officedocument.wordprocessingml.document.main+xml\"/></Types>"}, False),
])
def test_office_attachments_must_be_office_documents(world, login, settings, tmp_path, name, files, ok):
    """Trust D: a .docx/.xlsx is checked by its declared content types, not by "starts like a ZIP"."""
    settings.MEDIA_ROOT = tmp_path
    if files is None:
        from docx import Document

        buf = io.BytesIO()
        Document().save(buf)
        content = buf.getvalue()
    else:
        content = _zip(files)
    m = meeting_for(world.orgs.a1)
    login(world.users.secretary).post(reverse("meetings:upload", args=[m.pk]), {"file": SimpleUploadedFile(name, content)})
    assert Attachment.objects.filter(meeting=m).exists() == ok


def test_behind_nginx_a_download_is_an_internal_redirect_after_the_scope_check(world, login, settings, tmp_path):
    """Production 2: nginx serves the bytes from the protected location; the app only decides who may."""
    settings.MEDIA_ROOT = tmp_path
    settings.X_ACCEL_REDIRECT_PREFIX = "/protected/"
    m = meeting_for(world.orgs.a1)
    login(world.users.secretary).post(reverse("meetings:upload", args=[m.pk]),
                                      {"file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x")})
    att = Attachment.objects.get(meeting=m)
    response = login(world.users.secretary).get(reverse("meetings:download", args=[att.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/protected/meetings/") and "UTF-8''" in response["Content-Disposition"]
    assert login(world.users.outsider).get(reverse("meetings:download", args=[att.pk])).status_code == 404
