"""Trust A: what was true when a meeting was held stays true. After every kind of roster change, past meetings'
attendance, vote verdicts, closed-period compliance and ledgers read exactly as before."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import MemberFactory
from dangjian.meetings import compliance, periods
from dangjian.meetings.models import Attendance, Meeting, Vote
from dangjian.meetings.services import attendance_rate
from dangjian.meetings.votes import verdict
from dangjian.members import services as member_services
from dangjian.members.models import Member, Status


def last_quarter(today):
    return periods.containing("quarter", periods.containing("quarter", today).start - datetime.timedelta(days=1))


def record_assembly(client, org, day, marks):
    data = {"status": "held", "topic": "讨论接收预备党员", "held_on": day.isoformat(), "place": "党员活动室"}
    for member, status in marks.items():
        data[f"att_{member.pk}"] = status
        if status == "leave":
            data[f"reason_{member.pk}"] = "出差"
    response = client.post(reverse("meetings:record", args=[org.pk, "general_assembly"]), data)
    assert response.status_code == 302, response.context and (response.context["form"].errors, response.context["error"])
    return Meeting.objects.get(topic="讨论接收预备党员")


def snapshot(client, world, meeting, quarter, today):
    org = world.orgs.a1
    year = meeting.held_on.year
    xlsx = client.get(reverse("meetings:ledger", args=[org.pk, year, "xlsx"])).content
    docx = client.get(reverse("meetings:ledger", args=[org.pk, year, "docx"])).content
    from docx import Document
    from openpyxl import load_workbook

    page = client.get(meeting.get_absolute_url()).content.decode()
    return {
        "attendance": sorted(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status", "voting")),
        "verdicts": [verdict(v).summary for v in meeting.votes.order_by("pk")],
        "verdict_on_page": "应到会有表决权" in page and page.split("应到会有表决权", 1)[1][:40],
        "compliance": [(r.rule.key, r.status, r.sentence) for r in compliance.compliance_for(org, quarter, today)],
        "rollup": [(r.key, r.met, r.due, r.overdue) for r in compliance.rollup(world.orgs.a, quarter,
                                                                              world.orgs.a.__class__.objects.all(), today)],
        "ledger_xlsx": list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)),
        "ledger_docx": [p.text for p in Document(io.BytesIO(docx)).paragraphs]
        + [c.text for t in Document(io.BytesIO(docx)).tables for row in t.rows for c in row.cells],
        "rate": attendance_rate(world.members.a1[1], year),
    }


@pytest.mark.django_db
def test_past_meetings_do_not_move_when_the_roster_changes(world, login):
    today = timezone.localdate()
    quarter = last_quarter(today)
    day = quarter.start + datetime.timedelta(days=20)
    a1 = world.members.a1
    probationary = MemberFactory(organization=world.orgs.a1, status=Status.PROBATIONARY, confirmed_on=None,
                                 joined_on=day - datetime.timedelta(days=100))
    secretary = login(world.users.secretary)
    meeting = record_assembly(secretary, world.orgs.a1, day, {
        a1[0]: "present", a1[1]: "present", a1[2]: "present", a1[3]: "leave", probationary: "present"})
    Vote.objects.create(meeting=meeting, subject="接收预备党员", yes=3, no=0)
    admin = login(world.users.group_admin)
    before = snapshot(admin, world, meeting, quarter, today)
    assert before["attendance"] and before["verdicts"] == ["通过"]
    assert (4, 3) == (sum(1 for *_x, v in before["attendance"] if v), 3)

    # every kind of roster change a branch sees between two inspections
    for _ in range(3):
        MemberFactory(organization=world.orgs.a1)  # new members arrive
    Member.objects.filter(pk=probationary.pk).update(status=Status.FULL, confirmed_on=today)  # 转正
    member_services.transfer_member(member=a1[2], on=today, by=world.users.group_admin, to_org=world.orgs.a2)
    member_services.end_membership(member=a1[3], on=today, reason="deceased", by=world.users.group_admin)

    after = snapshot(admin, world, meeting, quarter, today)
    assert after == before


@pytest.mark.django_db
def test_an_edited_past_meeting_keeps_who_was_due(world, login):
    """Editing a held meeting lists those due that day, not today's branch."""
    today = timezone.localdate()
    day = today - datetime.timedelta(days=3)
    a1 = world.members.a1
    secretary = login(world.users.secretary)
    meeting = record_assembly(secretary, world.orgs.a1, day, {m: "present" for m in a1})
    newcomer = MemberFactory(organization=world.orgs.a1)
    form = secretary.get(reverse("meetings:edit", args=[meeting.pk]))
    listed = {p.pk for p, *_rest in form.context["rows"]}
    assert listed == {m.pk for m in a1} and newcomer.pk not in listed
