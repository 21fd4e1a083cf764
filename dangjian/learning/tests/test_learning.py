"""学习培训 (issue 12, training classes): hours come from attendance and are held against RULES.md's yearly minimums
(members ≥ 32 h, secretaries and committee members ≥ 56 h — by the committee's term that year, not today's seats);
attendance by sheet or QR on the course's day, only for the enrolled; feedback anonymous and once; a joint class under
a co-building agreement is one of its activities."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.factories import make_committee
from dangjian.learning import services
from dangjian.learning.models import Course, Feedback, FeedbackReceipt, TrainingClass
from dangjian.members.models import Member

TODAY = timezone.localdate()


def a_class(world, org=None, title="党务干部培训班", days_ago=10, **kw):
    c = services.create_class(training_class=TrainingClass(organization=org or world.orgs.a, title=title,
                                                           starts_on=TODAY - datetime.timedelta(days=days_ago),
                                                           ends_on=TODAY, **kw),
                              audience_orgs=[], by=world.users.group_admin)
    services.enrol_audience(c)
    return c


def test_hours_come_from_attendance_and_are_held_against_32_and_56(world, login):
    make_committee(world.orgs.a1, world.members.a1)  # the first members sit on A1's committee
    on_committee = set(Member.objects.filter(committee_seats__isnull=False).values_list("pk", flat=True))
    c = a_class(world)
    day = TODAY - datetime.timedelta(days=5)
    courses = [services.add_course(training_class=c, title=f"第{i}讲", lecturer="讲师", held_on=day, hours=Decimal(8))
               for i in range(4)]
    everyone = [m.pk for m in world.members.a1]
    for course in courses:
        services.mark_attendance(course=course, present=everyone)
    rows = {m.pk: m for m in services.with_hours(Member.objects.filter(pk__in=everyone), TODAY.year)}
    for pk, m in rows.items():
        assert m.hours == Decimal(32)
        assert (m.minimum, m.shortfall) == ((56, Decimal(24)) if pk in on_committee else (32, Decimal(0)))
    page = login(world.users.secretary).get(reverse("learning:hours", args=[world.orgs.a1.pk]))
    assert page.context["short"] == len(on_committee & set(everyone))
    assert "《党员教育管理工作条例》" in page.content.decode()
    # the 党委 sees its branches side by side; last year's figures are last year's
    rollup = login(world.users.group_admin).get(reverse("learning:hours", args=[world.orgs.a.pk])).context["rollup"]
    a1 = [r for r in rollup if r[0] == world.orgs.a1][0]
    short = len(on_committee & set(everyone))
    assert a1[1:] == (len(everyone), len(everyone) - short, short, Decimal(32))
    assert all(m.hours == 0 for m in services.with_hours(Member.objects.filter(pk__in=everyone), TODAY.year - 1))


def test_the_sheet_and_the_code_sign_in_only_the_enrolled_on_the_courses_day(world, login):
    c = a_class(world, org=world.orgs.a1)
    course = services.add_course(training_class=c, title="党课", lecturer="书记", held_on=TODAY, hours=Decimal(3))
    with pytest.raises(ValidationError):
        services.add_course(training_class=c, title="越期", lecturer="x", held_on=TODAY + datetime.timedelta(days=1), hours=Decimal(1))
    with pytest.raises(ValidationError):
        services.add_course(training_class=c, title="过长", lecturer="x", held_on=TODAY, hours=Decimal(13))
    stranger = world.members.a2[0]
    services.mark_attendance(course=course, present=[world.members.a1[0].pk, stranger.pk])
    assert list(course.attendance.values_list("member", flat=True)) == [world.members.a1[0].pk]  # not enrolled: ignored
    member = world.members.a1[0]
    row, created = services.check_in(course=course, member=member)
    assert not created  # already on the sheet
    with pytest.raises(ValidationError) as e:
        services.check_in(course=course, member=stranger)
    assert "未报名" in str(e.value)
    yesterday = services.add_course(training_class=c, title="昨天", lecturer="x", held_on=TODAY, hours=Decimal(1))
    Course.objects.filter(pk=yesterday.pk).update(held_on=TODAY - datetime.timedelta(days=1))
    yesterday.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        services.check_in(course=yesterday, member=world.members.a1[1])
    assert "只能在课程当天签到" in str(e.value)
    # through the QR page, as the member does on the phone
    client = login(world.users.secretary)
    qr = client.get(reverse("learning:course_qr", args=[course.pk]))
    link = qr.context["url"].split("testserver", 1)[1]
    mine = login(world.users.member)
    assert "党课" in mine.get(link).content.decode()
    mine.post(link)
    assert course.attendance.filter(member=world.members.a1[0]).exists()
    assert "签到二维码已失效" in mine.get(link[:-6] + "xxxxx/").content.decode()


def test_feedback_is_anonymous_once_and_only_after_attending(world, login):
    c = a_class(world, org=world.orgs.a1)
    course = services.add_course(training_class=c, title="党课", lecturer="书记", held_on=TODAY, hours=Decimal(3))
    client = login(world.users.member)
    url = reverse("learning:feedback", args=[c.pk])
    client.post(url, {"rating": "5", "content_rating": "4", "comment": "很有收获"})
    assert not Feedback.objects.exists()  # not attended yet
    services.mark_attendance(course=course, present=[world.members.a1[0].pk])
    client.post(url, {"rating": "5", "content_rating": "4", "comment": "很有收获"})
    client.post(url, {"rating": "1", "content_rating": "1", "comment": "再来一次"})
    assert list(Feedback.objects.values_list("rating", "comment")) == [(5, "很有收获")]
    assert FeedbackReceipt.objects.count() == 1 and not hasattr(Feedback, "member")
    page = login(world.users.group_admin).get(reverse("learning:class", args=[c.pk])).content.decode()
    assert "很有收获" in page and world.members.a1[0].name not in page.split("培训评价")[1].split("</section>")[0]


def test_a_joint_class_counts_as_a_co_building_activity(world):
    from dangjian.cobuilding import services as cobuilding
    from dangjian.cobuilding.models import Activity

    agreement = cobuilding.create_agreement(
        by=world.users.group_admin, fields={"title": "A—B 结对", "level": "committee", "status": "in_force",
                                            "starts_on": datetime.date(TODAY.year, 1, 1), "ends_on": datetime.date(TODAY.year, 12, 31)},
        organizations=[world.orgs.a, world.orgs.b], externals=[], targets=[{"measure": "activity", "min_count": 1}])
    a_class(world, title="结对子交流培训班", agreement=agreement)
    assert list(Activity.objects.filter(agreement=agreement).values_list("title", "category")) == [
        ("联合培训：结对子交流培训班", "study")]


def test_the_secretary_builds_a_class_on_the_page_and_the_member_sees_their_hours(world, login):
    client = login(world.users.secretary)
    response = client.post(reverse("learning:class_new", args=[world.orgs.a1.pk]), {
        "title": "支部学习班", "starts_on": str(TODAY), "ends_on": str(TODAY), "audience": "members", "audience_codes": ""})
    c = TrainingClass.objects.get(title="支部学习班")
    assert response.status_code == 302 and c.enrolments.count() == Member.objects.on_roll().filter(organization=world.orgs.a1).count()
    client.post(reverse("learning:add_course", args=[c.pk]), {"title": "党章", "lecturer": "书记", "held_on": str(TODAY), "hours": "4"})
    course = c.courses.get()
    client.post(reverse("learning:course", args=[course.pk]), {"present": [world.members.a1[0].pk]})
    me = login(world.users.member).get(reverse("learning:me"))
    assert me.context["member"].hours == Decimal(4) and "支部学习班" in me.content.decode()
    refused = login(world.users.secretary).post(reverse("learning:class_new", args=[world.orgs.a1.pk]), {
        "title": "越界", "starts_on": str(TODAY), "ends_on": str(TODAY - datetime.timedelta(days=1)), "audience": "members",
        "audience_codes": "B1"})
    assert refused.status_code == 200 and not TrainingClass.objects.filter(title="越界").exists()
    assert "B1 不存在或不在您的管辖范围内" in refused.content.decode() and "结束日期不能早于开始日期" in refused.content.decode()


def test_the_api_reads_classes_and_hours_in_scope(world):
    from rest_framework.test import APIClient

    c = a_class(world, org=world.orgs.a1)
    course = services.add_course(training_class=c, title="党课", lecturer="书记", held_on=TODAY, hours=Decimal(3))
    services.mark_attendance(course=course, present=[world.members.a1[0].pk])
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    body = api.get("/api/training-classes/").json()["results"]
    assert [(r["title"], r["courses"][0]["attended"]) for r in body] == [(c.title, 1)]
    hours = {r["name"]: r["hours"] for r in api.get("/api/training-hours/").json()["results"]}
    assert hours[world.members.a1[0].name] == "3.0"
    assert api.get("/api/training-hours/", {"year": "1800"}).status_code == 400
    api.force_authenticate(world.users.outsider)
    assert api.get("/api/training-classes/").json()["results"] == []
    assert api.get(f"/api/training-hours/{world.members.a1[0].pk}/").status_code == 404
