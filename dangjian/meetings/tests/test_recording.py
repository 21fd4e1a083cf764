import datetime

from django.urls import reverse

from dangjian.meetings.models import Attendance, Meeting
from dangjian.meetings.services import attendance_rate


def post_meeting(client, org, kind="general_assembly", **extra):
    data = {"status": "held", "topic": "学习党的二十届四中全会精神", "held_on": "2026-11-02", "place": "三楼会议室"}
    data.update(extra)
    return client.post(reverse("meetings:record", args=[org.pk, kind]), data)


def test_secretary_records_a_meeting_with_attendance(world, login):
    client = login(world.users.secretary)
    a1 = world.members.a1
    response = post_meeting(client, world.orgs.a1, **{
        f"att_{a1[0].pk}": "present", f"att_{a1[1].pk}": "leave", f"reason_{a1[1].pk}": "出差",
        f"att_{a1[2].pk}": "absent", f"att_{a1[3].pk}": "present"})
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert m.organization_id == world.orgs.a1.pk and m.recorded_by == world.users.secretary
    assert dict(m.attendance.values_list("member_id", "status"))[a1[1].pk] == "leave"
    assert m.attendance.count() == 4


def test_leave_without_a_reason_is_refused_and_nothing_is_written(world, login):
    client = login(world.users.secretary)
    a1 = world.members.a1
    response = post_meeting(client, world.orgs.a1, **{f"att_{a1[1].pk}": "leave"})
    assert response.status_code == 200 and "请假须填写事由" in response.content.decode()
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def test_a_secretary_cannot_record_for_another_branch(world, login):
    client = login(world.users.secretary)
    assert post_meeting(client, world.orgs.a2).status_code == 404
    assert post_meeting(client, world.orgs.b1).status_code == 404
    assert not Meeting.objects.exists()


def test_people_from_outside_cannot_be_attached(world, login):
    from dangjian.meetings import services

    outsider = world.members.b1[0]
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.record_meeting(host=world.orgs.a1, by=world.users.secretary,
                                fields={"kind": "general_assembly", "topic": "x", "held_on": datetime.date(2026, 1, 5)},
                                attendance={outsider.pk: ("present", "")})
    assert not Meeting.objects.exists()


def test_a_joint_activity_needs_the_other_org_in_scope(world, login):
    client = login(world.users.secretary)
    response = post_meeting(client, world.orgs.a1, kind="theme_day", other_orgs="B1")
    assert "不在您的管辖范围内" in response.content.decode()
    admin = login(world.users.group_admin)
    response = post_meeting(admin, world.orgs.a1, kind="theme_day", other_orgs="B1")
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert set(m.participants.values_list("code", flat=True)) == {"A1", "B1"}
    # B1's admin sees it (it is theirs too) but cannot change it
    assert login(world.users.outsider).get(reverse("meetings:detail", args=[m.pk])).status_code == 200


def test_a_held_meeting_cannot_be_in_the_future(world, login):
    response = post_meeting(login(world.users.secretary), world.orgs.a1, held_on="2099-01-01")
    assert "不能晚于今天" in response.content.decode()


def test_member_attendance_rate_per_year(world, login):
    client = login(world.users.secretary)
    me = world.members.me
    post_meeting(client, world.orgs.a1, **{f"att_{me.pk}": "present"})
    post_meeting(client, world.orgs.a1, held_on="2026-10-02", **{f"att_{me.pk}": "absent"})
    assert attendance_rate(me, 2026) == (50, 2)


def test_compliance_pages_for_a_branch_and_for_the_group(world, login):
    client = login(world.users.group_admin)
    body = client.get(reverse("meetings:compliance", args=[world.orgs.a1.pk]), {"period": "2026Q2"}).content.decode()
    assert "第二季度未召开支部党员大会" in body
    body = client.get(reverse("meetings:compliance", args=[world.orgs.group.pk]), {"period": "2026Q2"}).content.decode()
    assert "达标率" in body
    response = client.get(reverse("meetings:failing", args=[world.orgs.group.pk]),
                          {"period": "2026Q2", "rule": "general_assembly:", "status": "overdue"})
    assert {o.code for o in response.context["page"].object_list} == {"A1", "A2", "B1"}
    xlsx = client.get(reverse("meetings:failing", args=[world.orgs.group.pk]),
                      {"period": "2026Q2", "rule": "general_assembly:", "status": "overdue", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_outsider_cannot_see_a1_compliance_or_meetings(world, login):
    client = login(world.users.outsider)
    assert client.get(reverse("meetings:compliance", args=[world.orgs.a1.pk])).status_code == 404
    assert client.get(reverse("meetings:list", args=[world.orgs.a1.pk])).status_code == 404


def test_an_admin_overrides_a_rule_for_their_subtree_and_the_page_says_where_it_comes_from(world, login):
    from dangjian.meetings.models import Rule

    rule = Rule.objects.get(organization=None, meeting_kind="lecture", condition="")
    client = login(world.users.group_admin)
    response = client.post(reverse("meetings:override", args=[world.orgs.a.pk, rule.pk]),
                           {"period": "year", "min_count": 2})
    assert response.status_code == 302
    body = client.get(reverse("meetings:rules", args=[world.orgs.a1.pk])).content.decode()
    assert "神渭管运公司党委 的规定" in body
    # the secretary cannot override
    assert login(world.users.secretary).post(reverse("meetings:override", args=[world.orgs.a.pk, rule.pk]),
                                             {"period": "year", "min_count": 1}).status_code == 404


def test_the_month_calendar_shows_held_and_planned_meetings_in_scope(world, login):
    """Trust E: 组织生活 has a place in the main navigation and a month calendar."""
    import datetime

    from django.urls import reverse

    from dangjian.meetings.models import Meeting, MeetingOrganization

    day = datetime.date(2026, 11, 12)
    for org, topic, status in [(world.orgs.a1, "A1主题党日", "held"), (world.orgs.a1, "A1计划党课", "planned"),
                               (world.orgs.b1, "B1主题党日", "held")]:
        m = Meeting.objects.create(organization=org, kind="theme_day", topic=topic, held_on=day, status=status)
        MeetingOrganization.objects.create(meeting=m, organization=org)
    client = login(world.users.secretary)
    assert reverse("meetings:calendar") in client.get(reverse("home")).content.decode()
    body = client.get(reverse("meetings:calendar"), {"month": "2026-11"}).content.decode()
    assert "A1主题党日" in body and "A1计划党课" in body and "B1主题党日" not in body
    assert "2026年10月" in body and "2026年12月" in body
    for bad in ("2026-13", "0000-01", "abc", "99999-01"):
        assert client.get(reverse("meetings:calendar"), {"month": bad}).status_code == 200


def test_leave_without_a_reason_is_reported_next_to_the_row(world, login):
    """Trust E: the error stands beside the person it concerns, and nothing is saved."""
    from django.urls import reverse
    from django.utils import timezone

    from dangjian.meetings.models import Meeting

    a1 = world.members.a1
    data = {"status": "held", "topic": "缺事由", "held_on": timezone.localdate().isoformat()}
    data.update({f"att_{m.pk}": "present" for m in a1})
    data[f"att_{a1[2].pk}"] = "leave"
    response = login(world.users.secretary).post(reverse("meetings:record", args=[world.orgs.a1.pk, "theme_day"]), data)
    rows = {p.pk: err for p, _st, _r, err in response.context["rows"]}
    assert rows[a1[2].pk] == "请假须填写事由" and all(e is None for pk, e in rows.items() if pk != a1[2].pk)
    assert 'class="row-error"' in response.content.decode()
    assert not Meeting.objects.filter(topic="缺事由").exists()


def test_the_calendar_counts_a_busy_day_in_sql_and_shows_its_first_few(world, login):
    import datetime

    from django.urls import reverse

    from dangjian.meetings.models import Meeting, MeetingOrganization

    busy, later = datetime.date(2026, 11, 5), datetime.date(2026, 11, 20)
    for i in range(7):
        m = Meeting.objects.create(organization=world.orgs.a1, kind="talk", topic=f"谈心{i}", held_on=busy)
        MeetingOrganization.objects.create(meeting=m, organization=world.orgs.a1)
    m = Meeting.objects.create(organization=world.orgs.a1, kind="theme_day", topic="后来的主题党日", held_on=later)
    MeetingOrganization.objects.create(meeting=m, organization=world.orgs.a1)
    response = login(world.users.group_admin).get(reverse("meetings:calendar"), {"month": "2026-11"})
    days = {d: (items, more) for week in response.context["weeks"] for d, inside, items, more in week if inside}
    assert len(days[busy][0]) == 4 and days[busy][1] == 3
    assert [x.topic for x in days[later][0]] == ["后来的主题党日"]
    assert response.context["total"] == 8


def test_a_general_assembly_of_six_hundred_members_can_be_recorded(world, login):
    """Two fields per member due: Django's default limit of 1,000 fields refused such a meeting with a bare 400."""
    import datetime as _dt

    from dangjian.core.tests.servers import form_fields
    from dangjian.factories import MemberFactory
    from dangjian.members.models import Member

    Member.objects.bulk_create([MemberFactory.build(organization=world.orgs.a1, name=f"党员{i}") for i in range(600)])
    client = login(world.users.secretary)
    url = f"/meetings/org/{world.orgs.a1.pk}/new/general_assembly/"
    fields = form_fields(client.get(url).content.decode(), "topic")
    assert len([k for k in fields if k.startswith(("att_", "reason_"))]) > 1200
    response = client.post(url, {**fields, "topic": "六百人大会", "held_on": (_dt.date.today() - _dt.timedelta(days=1)).isoformat(),
                                  "status": "held"})
    assert response.status_code == 302, response.status_code
    from dangjian.meetings.models import Attendance

    assert Attendance.objects.filter(meeting__topic="六百人大会").count() >= 600
