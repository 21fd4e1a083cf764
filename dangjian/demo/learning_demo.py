"""Demo 学习培训 (seed 000): the 神渭管运–渭化 co-building 培训班 of 27 April (150 people, two internal lecturers, a
morning on the 督导组's findings, an afternoon course, two secretaries sharing experience) — run under the 结对子
agreement so it counts as a co-building activity — and a branch's monthly 党课 series in 调度运行党支部 (SW03) through
the year, with attendance, so members' hours stand against the 32 / 56 hour minimums with some short."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from dangjian.cobuilding.models import Agreement
from dangjian.learning import services
from dangjian.learning.models import Audience, Course, CourseAttendance, Feedback, FeedbackReceipt, TrainingClass
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def load_learning(rng, today):
    admin = get_user_model().objects.get(username="admin")
    sw, wh, sw03 = (Organization.objects.get(code=c) for c in ("SW", "WH", "SW03"))
    day = datetime.date(today.year, 4, 27)
    if day > today:
        day = today - datetime.timedelta(days=30)
    letter = Agreement.objects.filter(title__startswith="神渭管运公司—渭化公司").first()
    joint = services.create_class(training_class=TrainingClass(
        organization=sw, title="党建共创共建“结对子”交流培训班", starts_on=day, ends_on=day, place="神渭管运公司培训中心",
        audience=Audience.COMMITTEES, agreement=letter,
        description="两公司党务工作者、基层党支部书记及委员约150人参加。上午通报督导组发现的共性和个性问题，下午专题授课，"
                    "两名党支部书记交流经验。"), audience_orgs=[sw, wh], by=admin)
    services.enrol_audience(joint)
    for title, lecturer, hours in [("党建督导共性和个性问题通报", "组织部 王建华", Decimal(3)),
                                   ("新时代国企基层党支部建设", "党校 李教授", Decimal(3)),
                                   ("党支部书记经验交流", "调度运行党支部书记、合成氨车间党支部书记", Decimal(2))]:
        course = Course.objects.create(training_class=joint, title=title, lecturer=lecturer, held_on=day, hours=hours)
        ids = [m for m in joint.enrolments.values_list("member_id", flat=True) if rng.random() < 0.9]
        CourseAttendance.objects.bulk_create(CourseAttendance(course=course, member_id=m) for m in ids)
    for rating, content, comment in [(5, 5, "问题通报很具体，对照整改有抓手"), (4, 5, "希望多安排实操演练"), (5, 4, "")]:
        Feedback.objects.create(training_class=joint, rating=rating, content_rating=content, comment=comment)
    for m in Member.objects.filter(enrolments__training_class=joint)[:3]:
        FeedbackReceipt.objects.create(training_class=joint, member=m)

    series = services.create_class(training_class=TrainingClass(
        organization=sw03, title=f"{today.year}年党员学习教育（每月党课）", starts_on=datetime.date(today.year, 1, 10),
        ends_on=datetime.date(today.year, 12, 20), place="调度运行党员活动室"), audience_orgs=[], by=admin)
    services.enrol_audience(series)
    enrolled = list(series.enrolments.values_list("member_id", flat=True))
    for month in range(1, today.month + 1):
        held = datetime.date(today.year, month, 15)
        if held > today:
            break
        course = Course.objects.create(training_class=series, title=f"{month}月专题学习", lecturer="支部书记", held_on=held,
                                       hours=Decimal(4))
        CourseAttendance.objects.bulk_create(CourseAttendance(course=course, member_id=m) for m in enrolled
                                             if rng.random() < 0.85)
    return joint, series
