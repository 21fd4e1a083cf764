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
    load_quiz(today)
    load_practice(today)
    return joint, series


BANK = [  # (题型, 题目, 选项, 答案, 标签, 难度, 解析)
    ("single", "中国共产党第一次全国代表大会于哪一年召开？", ["1919年", "1921年", "1927年", "1949年"], "B", "党史", 1, "1921年7月，中共一大在上海召开。"),
    ("single", "中华人民共和国成立于哪一年？", ["1945年", "1949年", "1956年", "1978年"], "B", "国史", 1, ""),
    ("single", "党的十一届三中全会召开于哪一年？", ["1976年", "1977年", "1978年", "1982年"], "C", "党史", 2, "会议作出把工作重点转移到经济建设上来的战略决策。"),
    ("single", "遵义会议召开于哪一年？", ["1934年", "1935年", "1936年", "1937年"], "B", "党史", 2, ""),
    ("multiple", "“三会一课”中的“三会”是指？", ["支部党员大会", "支部委员会", "党小组会", "职工代表大会"], "ABC", "党章", 1, ""),
    ("multiple", "发展党员工作的五个阶段包括？", ["入党申请人的培养", "入党积极分子的确定和培养", "发展对象的确定和考察",
                                         "预备党员的接收", "预备党员的教育考察和转正"], "ABCDE", "发展党员", 2, ""),
    ("truefalse", "党支部是党的基础组织，是党在社会基层组织中的战斗堡垒。", [], "对", "党章", 1, ""),
    ("truefalse", "预备党员的预备期为两年。", [], "错", "党章", 1, "预备期为一年。"),
    ("truefalse", "党员连续六个月不交纳党费，没有正当理由的，应当按自行脱党处理。", [], "对", "党费", 3, "须由党支部提交支部大会讨论。"),
    ("fill", "党的根本宗旨是全心全意为人民____。", [], "服务", "党章", 1, ""),
    ("fill", "中国共产党的最高理想和最终目标是实现____主义。", [], "共产", "党章", 2, ""),
    ("single", "党员每年集中学习培训一般不少于多少学时？", ["16", "24", "32", "56"], "C", "党员教育", 2, "基层党组织书记和班子成员不少于56学时。"),
]


def load_quiz(today):
    import random

    from django.utils import timezone

    from dangjian.learning import quiz
    from dangjian.learning.models import Contest, Question

    sw = Organization.objects.get(code="SW")
    questions = [quiz.save_question(Question(organization=sw, kind=k, text=t, options=o, answer=a, tags=g, difficulty=d,
                                             explanation=e)) for k, t, o, a, g, d, e in BANK]
    now = timezone.now()
    contest = Contest.objects.create(organization=sw, title="“知党史国史、强爱国情怀、与祖国同行”主题知识竞赛",
                                     opens_at=now - datetime.timedelta(days=2), closes_at=now + datetime.timedelta(days=5),
                                     time_limit=15, attempts=2, mode="team")
    contest.questions.set(questions)
    rng = random.Random(2026)
    takers = Member.objects.on_roll().filter(organization__path__startswith=sw.path, user__isnull=True).order_by("pk")[:40]
    for i, m in enumerate(takers):
        started = now - datetime.timedelta(days=1, minutes=i * 7)
        attempt = quiz.start(contest=contest, member=m, now=started, rng=rng)
        given = {}
        for q, _options in quiz.shown(attempt):
            if rng.random() < 0.75:
                given[str(q.pk)] = {"truefalse": q.answer, "fill": q.answer.split("|")[0]}.get(
                    q.kind, quiz.as_shown(attempt, q, q.answer))
        quiz.submit(attempt=attempt, given=given, now=started + datetime.timedelta(seconds=rng.randint(240, 800)))
    return contest


def load_practice(today):
    """Seed 001: 鹤煤三矿 turns its monthly 党建例会 into a 党建论坛 — secretaries' 述职, experience, discussion — and
    runs 党务实操 drills (组织生活会程序、廉洁约谈、舆情管控处置、信访事件化解) scored by assessors."""
    from django.contrib.auth import get_user_model

    from dangjian.learning import practice
    from dangjian.learning.models import AgendaItem, BestVote, Drill, DrillScore, ForumComment, ForumSession, MeetingStep
    from dangjian.meetings.models import Meeting

    hm3 = Organization.objects.get(code="HM3")
    admin = get_user_model().objects.get(username="admin")
    session = ForumSession.objects.create(organization=hm3, held_on=today - datetime.timedelta(days=12),
                                          theme="党建论坛：支部书记述职与党务实操观摩", is_monthly_meeting=True,
                                          voting_closes_on=today + datetime.timedelta(days=3), created_by=admin)
    branches = list(Organization.objects.filter(path__startswith=hm3.path, kind="branch").order_by("path")[:3])
    for i, b in enumerate(branches, 1):
        AgendaItem.objects.create(session=session, kind="report", title=f"{b.name}书记述职", presenter=f"{b.name}书记",
                                  presenter_org=b, order=i)
    AgendaItem.objects.create(session=session, kind="sharing", title="综采一队“党员先锋岗”经验交流", order=4)
    topic = AgendaItem.objects.create(session=session, kind="topic", title="展评观摩：如何让党建资料规范而不繁琐", order=5)
    ForumComment.objects.create(item=topic, user=admin, text="台账由系统生成，支部把精力放在活动质量上。")
    BestVote.objects.create(session=session, item=session.items.first(), user=admin)

    procedures = practice.procedures_for(hm3)
    secretaries = list(Member.objects.on_roll().filter(organization__in=branches, committee_seats__position="secretary",
                                                       committee_seats__committee__ended_on__isnull=True).distinct()[:3])
    for k, (code, member) in enumerate(zip(["life_meeting", "integrity_talk", "petition"], secretaries)):
        drill = Drill.objects.create(organization=hm3, procedure=procedures[code], performer=member,
                                     held_on=today - datetime.timedelta(days=12), created_by=admin)
        DrillScore.objects.bulk_create(DrillScore(drill=drill, step=s, assessor=admin, score=[9, 8, 7][k] - (i % 2),
                                                  comment="程序完整" if i == 1 else "")
                                       for i, s in enumerate(drill.procedure.steps.all(), 1))
    # the 展评观摩 of branches' 党建资料: three branches submitted (their ledgers generated then), peers and the 矿党委 rated
    from dangjian.learning import showcase
    from dangjian.learning.models import ShowcaseRound

    round_ = showcase.create_round(showcase_round=ShowcaseRound(
        organization=hm3, title=f"{today.year}年党支部党建资料展评观摩", year=today.year,
        opens_on=today - datetime.timedelta(days=20), closes_on=today + datetime.timedelta(days=10)), by=admin)
    entries = [showcase.submit(showcase_round=round_, organization=b, by=admin, note="三会一课记录、台账", today=today)
               for b in branches]
    criteria = list(round_.criteria.all())
    from dangjian.learning.models import Rating

    for i, entry in enumerate(entries):
        for j, rater in enumerate([hm3] + [b for b in branches if b != entry.organization][:1]):
            Rating.objects.bulk_create(Rating(entry=entry, criterion=c, rater_org=rater, rater=admin,
                                              points=c.max_points - (i * 5 + j * 2) * c.max_points // 40,
                                              comment="资料齐全、记录规范" if c.order == 1 and i == 0 else "")
                                       for c in criteria)
    life = Meeting.objects.filter(organization__code="SW03", kind="life_meeting", status="held").order_by("-held_on").first()
    if life:
        for step in practice.procedure_for_meeting(life).steps.all()[:5]:
            MeetingStep.objects.create(meeting=life, step=step, by=admin)
