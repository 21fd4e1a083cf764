"""学习培训 (DESIGN.md capability 8; seeds 000, 001): training classes with their courses, enrolment, attendance per
course (a sheet or a QR sign-in) and anonymous feedback. A member's training hours are the hours of the courses they
attended — derived, never typed — and are held against RULES.md's yearly minimums (党员教育管理工作条例: members
≥ 32 h, secretaries and committee members ≥ 56 h)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager, ScopedQuerySet, sources_q

MEMBER_MINIMUM_HOURS = 32
COMMITTEE_MINIMUM_HOURS = 56


class Audience(models.TextChoices):
    MEMBERS = "members", _("全体党员")
    COMMITTEES = "committees", _("书记和委员")


class TrainingClass(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="training_classes",
                                     verbose_name=_("主办组织"))
    title = models.CharField(_("培训班名称"), max_length=120)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    video_link = models.URLField(_("视频链接"), blank=True, help_text=_("线上培训的会议或直播链接"))
    audience = models.CharField(_("培训对象"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS)
    audience_orgs = models.ManyToManyField("orgs.Organization", blank=True, related_name="+",
                                           verbose_name=_("参训组织"), help_text=_("含其下级组织；不选即主办组织"))
    agreement = models.ForeignKey("cobuilding.Agreement", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("共建协议"),
                                  help_text=_("在结对共建协议下联合举办的，同时计为一次共建活动"))
    description = models.TextField(_("说明"), blank=True)
    checkin_token = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="class_dates_in_order")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:class", args=[self.pk])


class Course(models.Model):
    scope_path = "training_class__organization__path"

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("课程"), max_length=120)
    lecturer = models.CharField(_("授课人"), max_length=60)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["held_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=12), name="course_hours_range")]

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="enrolment_once")]


class CourseAttendance(models.Model):
    """Who attended a course: marked on the sheet or by scanning the course's code (the time is kept)."""
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="course_attendance")
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="course_attendance_once")]
        indexes = [models.Index(fields=["member", "course"], name="course_att_member")]


class Feedback(models.Model):
    """A participant's rating and comment — kept apart from who gave it (the receipt below only prevents a second)."""
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("总体评价"), choices=[(i, "★" * i) for i in range(1, 6)])
    content_rating = models.PositiveSmallIntegerField(_("课程内容"), choices=[(i, "★" * i) for i in range(1, 6)])
    comment = models.CharField(_("意见和建议"), max_length=500, blank=True)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class FeedbackReceipt(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="feedback_once")]


class Material(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("材料"), upload_to="learning/%Y/")
    name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)


AUDITED = [TrainingClass, Course]


# 知识竞赛 (seed 002: a branch's 主题知识竞赛 "知党史国史、强爱国情怀、与祖国同行")

class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "truefalse", _("判断题")
    FILL = "fill", _("填空题")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易")
    MEDIUM = 2, _("中")
    HARD = 3, _("难")


class Question(models.Model):
    """A question of an organization's bank. `answer`: the letters of the right options (单选 "B", 多选 "ACD"),
    "对"/"错", or for a 填空 the accepted answers separated by "|"."""
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="questions",
                                     verbose_name=_("题库所属组织"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("题目"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.CharField(_("答案"), max_length=200)
    tags = models.CharField(_("标签"), max_length=100, blank=True, help_text=_("用逗号分隔，如：党史,党章"))
    difficulty = models.PositiveSmallIntegerField(_("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM)
    explanation = models.TextField(_("解析"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:40]

    def tag_list(self):
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]


class ContestMode(models.TextChoices):
    INDIVIDUAL = "individual", _("个人赛")
    TEAM = "team", _("团体赛（按党支部）")


class Contest(models.Model):
    """A contest: its questions fixed or drawn at random per attempt (by tag and difficulty), a time limit the server
    enforces, open and close times, one attempt or the best of several. Addressed to the organizer's subtree: the
    organizations below read it (their secretaries follow the leaderboard)."""
    scope_path = "organization__path"
    scope_reaches_below = True

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="contests",
                                     verbose_name=_("主办组织"))
    title = models.CharField(_("竞赛名称"), max_length=120)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    time_limit = models.PositiveSmallIntegerField(_("答题时限（分钟）"), default=20)
    attempts = models.PositiveSmallIntegerField(_("可作答次数"), default=1, help_text=_("多于一次时取最好成绩"))
    mode = models.CharField(_("形式"), max_length=12, choices=ContestMode.choices, default=ContestMode.INDIVIDUAL)
    questions = models.ManyToManyField(Question, blank=True, related_name="contests", verbose_name=_("固定题目"))
    random_count = models.PositiveSmallIntegerField(_("随机抽题数"), default=0,
                                                    help_text=_("大于 0 时每次作答从题库随机抽取，不用固定题目"))
    random_tag = models.CharField(_("抽题标签"), max_length=30, blank=True)
    random_difficulty = models.PositiveSmallIntegerField(_("抽题难度"), choices=Difficulty.choices, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("知识竞赛")
        verbose_name_plural = _("知识竞赛")
        ordering = ["-opens_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="contest_open_before_close"),
                       models.CheckConstraint(condition=Q(time_limit__gte=1) & Q(time_limit__lte=240), name="contest_time_limit"),
                       models.CheckConstraint(condition=Q(attempts__gte=1) & Q(attempts__lte=10), name="contest_attempts")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:contest", args=[self.pk])


class Attempt(models.Model):
    """One attempt: the question order and each question's option order drawn on the server when it starts, the
    deadline fixed then, the answers and the score when submitted (once)."""
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="attempt_set")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attempts")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+",
                                     help_text="the member's branch when they took part (team ranking)")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    order = models.JSONField(default=list)  # [question id, …]
    shuffles = models.JSONField(default=dict)  # {question id: [original option index shown at position 0, 1, …]}
    answers = models.JSONField(default=dict)  # {question id: answer as given, in original letters}
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-score", "seconds", "pk"]
        indexes = [models.Index(fields=["contest", "member"], name="attempt_contest_member")]


# 党务实操 (seed 001: 组织生活会程序、廉洁约谈、舆情管控处置、信访事件化解): procedures as data, used as a guided checklist
# while doing the real thing, and as a drill a secretary performs while assessors score each step.

class Procedure(models.Model):
    """An ordered procedure. Without an organization it is the shipped default; a company may define its own version
    (the same code) on its 党委, nearest wins."""
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("适用组织"))
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("程序"), max_length=60)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    meeting_kind = models.CharField(_("对应会议类型"), max_length=20, blank=True,
                                    help_text=_("登记该类会议时，会议页面按本程序逐步核对"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党务实操程序")
        verbose_name_plural = _("党务实操程序")
        ordering = ["code", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="procedure_once",
                                               nulls_distinct=False)]

    def __str__(self):
        return self.name


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("步骤"), max_length=100)
    standard = models.CharField(_("标准"), max_length=300, blank=True)
    source = models.CharField(_("出处"), max_length=120, blank=True)

    class Meta:
        ordering = ["order", "pk"]


class MeetingStep(models.Model):
    """A step of the procedure checked off on a real meeting's record (the 组织生活会 following its 程序)."""
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "step"], name="meeting_step_once")]


class Drill(models.Model):
    """A drill: a secretary performs a procedure; each assessor scores every step (0–10)."""
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="drills",
                                     verbose_name=_("组织单位"))
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="drills", verbose_name=_("程序"))
    held_on = models.DateField(_("日期"))
    performer = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="drills",
                                  verbose_name=_("演练人（书记）"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("实操演练")
        verbose_name_plural = _("实操演练")
        ordering = ["-held_on", "pk"]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:drill", args=[self.pk])


class DrillScore(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="scores")
    step = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("得分"))
    comment = models.CharField(_("点评"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["drill", "step", "assessor"], name="drill_score_once"),
                       models.CheckConstraint(condition=Q(score__lte=10), name="drill_score_range")]


DEFAULT_PROCEDURES = [
    ("life_meeting", "组织生活会程序", "《中国共产党支部工作条例（试行）》第十五条；《关于新形势下党内政治生活的若干准则》", "life_meeting", [
        ("确定会议主题", "根据上级党组织要求和支部实际确定主题，报上级党组织同意", "《支部工作条例》第十五条"),
        ("开展学习研讨", "会前组织党员集中学习，围绕主题深入研讨", "上级通知要求"),
        ("广泛征求意见", "通过座谈、个别访谈等方式征求党员群众意见", "《准则》"),
        ("开展谈心谈话", "支部委员之间、委员和党员之间、党员和党员之间普遍谈心谈话", "《支部工作条例》第十五条"),
        ("撰写发言提纲", "对照检查、查摆问题、剖析根源、明确整改方向", "上级通知要求"),
        ("召开会议开展批评与自我批评", "书记带头，逐一进行自我批评和相互批评", "《准则》"),
        ("开展民主评议党员", "一般与组织生活会结合进行", "《支部工作条例》第十六条"),
        ("制定整改措施并报告", "形成问题清单和整改措施，会后15日内报上级党组织", "上级通知要求"),
    ]),
    ("integrity_talk", "廉洁约谈", "《中国共产党党内监督条例》；本地做法", "", [
        ("确定约谈对象和事由", "根据问题线索或日常监督确定，经书记同意", "《党内监督条例》"),
        ("制定约谈方案", "明确约谈人、时间、地点、重点内容", "本地做法"),
        ("实施约谈", "指出问题、提出要求，听取被约谈人说明", "本地做法"),
        ("形成约谈记录", "双方签字确认", "本地做法"),
        ("跟踪整改落实", "约谈后跟踪整改情况并存档", "本地做法"),
    ]),
    ("public_opinion", "舆情管控处置", "本地做法（舆情应对预案）", "", [
        ("发现与报告", "第一时间发现舆情并按程序报告", "舆情应对预案"),
        ("研判分级", "研判舆情性质、影响范围，确定等级", "舆情应对预案"),
        ("启动响应", "按等级启动预案，明确责任人", "舆情应对预案"),
        ("回应与引导", "及时、准确发布信息，正面引导", "舆情应对预案"),
        ("总结评估", "处置结束后总结经验、完善预案", "舆情应对预案"),
    ]),
    ("petition", "信访事件化解", "《信访工作条例》；本地做法", "", [
        ("登记受理", "对来信来访登记、分类，告知受理情况", "《信访工作条例》"),
        ("调查核实", "深入了解事实，听取各方意见", "《信访工作条例》"),
        ("研究化解", "依法依规提出处理意见，做好思想疏导", "《信访工作条例》"),
        ("答复反馈", "在规定时限内书面答复信访人", "《信访工作条例》"),
        ("回访归档", "跟踪回访，材料归档", "本地做法"),
    ]),
]


# 党建论坛 (seed 001: the monthly 党建例会 turned into a forum of secretaries' 述职 and experience sharing)

class ForumSession(models.Model):
    """A forum session of the organizer, read by the organizations below it (whose secretaries report and vote)."""
    scope_path = "organization__path"
    scope_reaches_below = True

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="forums",
                                     verbose_name=_("主办组织"))
    held_on = models.DateField(_("日期"))
    theme = models.CharField(_("主题"), max_length=120)
    is_monthly_meeting = models.BooleanField(_("作为本月党建例会"), default=False)
    voting_closes_on = models.DateField(_("评选截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党建论坛")
        verbose_name_plural = _("党建论坛")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:forum", args=[self.pk])


class AgendaKind(models.TextChoices):
    REPORT = "report", _("书记述职")
    SHARING = "sharing", _("经验交流")
    TOPIC = "topic", _("研讨议题")


class AgendaItem(models.Model):
    session = models.ForeignKey(ForumSession, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类别"), max_length=10, choices=AgendaKind.choices)
    title = models.CharField(_("题目"), max_length=120)
    presenter = models.CharField(_("报告人"), max_length=60, blank=True)
    presenter_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("报告人所在组织"))
    file = models.FileField(_("述职报告/材料"), upload_to="forum/%Y/", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class ForumComment(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("发言"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class BestVote(models.Model):
    """One vote per participant per session for the best 述职 report."""
    session = models.ForeignKey(ForumSession, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="forum_vote_once")]


# 党建资料展评 (seed 001: a 展评观摩 of branches' 党建资料): a round, a rubric as data, each branch's entry (the ledgers
# the system generates, snapshotted when submitted, plus files), rated by peer branches and the organizer.

DEFAULT_CRITERIA = [("完整性", 40), ("规范性", 40), ("创新性", 20)]
ADVANCED_FROM, BACKWARD_BELOW = 85, 60  # 巩固先进、推动一般、整顿后进: the bands of a round's average (local practice)


class ShowcaseRound(models.Model):
    scope_path = "organization__path"
    scope_reaches_below = True  # the branches below submit to it and rate each other

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="showcase_rounds",
                                     verbose_name=_("主办组织"))
    title = models.CharField(_("展评名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("资料年度"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("资料展评")
        verbose_name_plural = _("资料展评")
        ordering = ["-opens_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(opens_on__lte=models.F("closes_on")), name="round_dates_in_order")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:round", args=[self.pk])


class Criterion(models.Model):
    round = models.ForeignKey(ShowcaseRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=40)
    max_points = models.PositiveSmallIntegerField(_("分值"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class EntryQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """An entry is its branch's (the tree); for reading, also the registered sources (the peers of a 展评 round
        read each other's submitted materials — learning.apps registers it)."""
        tree = super().visible_to(user, action)
        extra = sources_q(Entry, user, action)
        return tree if extra is None else self.filter(Q(pk__in=tree.values("pk")) | extra)


class Entry(models.Model):
    scope_path = "organization__path"

    round = models.ForeignKey(ShowcaseRound, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("参评组织"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("参评资料")
        verbose_name_plural = _("参评资料")
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="entry_once")]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("learning:entry", args=[self.pk])


class EntryFile(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="showcase/%Y/")
    name = models.CharField(max_length=200)
    generated = models.BooleanField(default=False)  # a ledger the system generated at submission (a snapshot)


class Rating(models.Model):
    """One rater organization's points for one criterion of an entry (a peer branch or the organizer)."""
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    rater_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("得分"))
    comment = models.CharField(_("意见"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "criterion", "rater_org"], name="rating_once")]
