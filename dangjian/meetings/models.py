"""组织生活: meetings with attendance, and the rulebook that says how often each must be held."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.rulebook import RulebookQuerySet
from dangjian.core.scope import ScopedManager, ScopedQuerySet, grant_paths, sources_q


class MeetingKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("支部党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    EVALUATION = "evaluation", _("民主评议党员")
    TALK = "talk", _("谈心谈话")
    OTHER = "other", _("其他活动")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")


class MeetingQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """Reading: a meeting belongs to every organization that took part (a joint activity shows in each).
        Writing: only through the host organization's scope."""
        if action == "view":
            in_scope = MeetingOrganization.objects.visible_to(user, action)
            ids = in_scope.values("meeting_id")
            # further, narrower sources registered by other apps (e.g. a co-building agreement's mutual review)
            extra = sources_q(Meeting, user, action)
            from dangjian.orgs.models import Organization

            if extra is None and any(len(p) == Organization.steplen for p in grant_paths(user, action)):
                # A whole tree in scope (a group admin): a correlated EXISTS lets SQLite walk the meetings in
                # the page's order and stop at the page, instead of first listing all 540,000 ids (350 ms)
                return self.filter(Exists(in_scope.filter(meeting=OuterRef("pk"))))
            if extra is not None:
                # one IN over a UNION, not an OR of two INs: PostgreSQL cannot use an index for the OR and scanned
                # every meeting (52 ms for a secretary's list at 540,000 meetings, 1 ms this way)
                ids = ids.order_by().union(Meeting.objects.filter(extra).order_by().values("pk"))
            return self.filter(pk__in=ids)
        return super().visible_to(user, action)

    def held(self):
        return self.filter(status=MeetingStatus.HELD)


class Meeting(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="hosted_meetings",
                                     verbose_name=_("主办组织"))
    participants = models.ManyToManyField("orgs.Organization", through="MeetingOrganization",
                                          related_name="meetings", verbose_name=_("参加组织"))
    kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD)
    topic = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    room = models.ForeignKey("rooms.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings",
                             verbose_name=_("党建阵地"))
    host = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("主持人"))
    recorder = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("记录人"))
    lecturer = models.CharField(_("授课人"), max_length=60, blank=True)
    # The lecturer when a member of the organization lectured (the 党课's record of who taught it, which earns
    # the member the "讲授党课" points); the name above stays free text for an invited lecturer.
    lecturer_member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("授课党员"))
    secretary_lectured = models.BooleanField(_("书记讲党课"), default=False)
    minutes = models.TextField(_("会议记录"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    checkin_token = models.CharField(_("签到码"), max_length=40, blank=True, db_index=True)
    unlocked_until = models.DateField(_("解锁至"), null=True, blank=True)
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("解锁人"))
    unlock_reason = models.CharField(_("解锁原因"), max_length=200, blank=True)
    # Why a held meeting's record was last changed: required by the edit form, so the change log (which records
    # this field's old and new value with the other changes) says who changed a record of the past, and why.
    change_reason = models.CharField(_("修改原因"), max_length=200, blank=True)
    # Optimistic locking (core.versioning): the edit form saves only over the version it was opened at.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议活动")
        verbose_name_plural = _("会议活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["kind", "status", "held_on"], name="meeting_kind_status_day")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    def participation_facts(self, organization_id=None):
        """The facts each participating organization's row carries. A joint 党课 counts as "书记讲党课" only for
        the organization whose secretary lectured — the host's (支部条例: the secretary lectures ≥1 a year)."""
        return {"kind": self.kind, "held_on": self.held_on, "held": self.status == MeetingStatus.HELD,
                "secretary_lectured": self.secretary_lectured and organization_id == self.organization_id}

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not kwargs.get("update_fields") or {"kind", "held_on", "status", "secretary_lectured"} & set(kwargs["update_fields"]):
            self.participations.update(**{**self.participation_facts(), "secretary_lectured": False})
            self.participations.filter(organization_id=self.organization_id).update(
                secretary_lectured=self.secretary_lectured)

    @property
    def locks_on(self):
        return self.held_on + timezone.timedelta(days=settings.MEETING_LOCK_DAYS)

    def is_locked(self, today=None):
        """Held meetings lock after MEETING_LOCK_DAYS so an inspection can trust the dates; the superior
        organization can unlock one for a while."""
        today = today or timezone.localdate()
        if self.status != MeetingStatus.HELD or today <= self.locks_on:
            return False
        return not (self.unlocked_until and today <= self.unlocked_until)

    def clean(self):
        if self.status == MeetingStatus.HELD and self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("已召开的会议日期不能晚于今天；尚未召开的请选择“计划”")})
        if self.kind != MeetingKind.LECTURE and self.secretary_lectured:
            raise ValidationError({"secretary_lectured": _("只有党课可以登记“书记讲党课”")})


class MeetingOrganization(models.Model):
    """One row per organization that took part: a 联合主题党日 counts for each of them."""

    scope_path = "organization__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="participations")
    # Copies of the meeting's kind, date and state (kept in step by Meeting.save): compliance counts are
    # then index range scans on (organization, kind, held_on) instead of a join per organization and span.
    kind = models.CharField(max_length=30, choices=MeetingKind.choices, default="")
    held_on = models.DateField(null=True)
    held = models.BooleanField(default=False)
    secretary_lectured = models.BooleanField(default=False)
    # A 支委会 with half or fewer of its members present is not a valid meeting (支部条例) and does not count;
    # set from the stored attendance when it is recorded (services.save_attendance).
    quorate = models.BooleanField(_("到会人数符合要求"), default=True)

    objects = ScopedManager()

    @classmethod
    def self_scope_q(cls, mine):
        # A member reads the meetings they were due at (their attendance row): the records behind their own
        # attendance and points ("我的" links each line to its meeting), nothing else of the organization's.
        return Q(meeting__attendance__member_id=mine["pk"])

    class Meta:
        verbose_name = _("参加组织")
        verbose_name_plural = _("参加组织")
        constraints = [models.UniqueConstraint(fields=["meeting", "organization"], name="meeting_org_once")]
        indexes = [models.Index(fields=["organization", "kind", "held_on"], name="meeting_org_kind_day")]

    @classmethod
    def of(cls, meeting, organization):
        """An unsaved row with the meeting's facts copied (for bulk_create, which skips save())."""
        return cls(meeting=meeting, organization=organization, **meeting.participation_facts(organization.pk))

    def save(self, *args, **kwargs):
        if self.meeting_id and not self.kind:
            for k, v in self.meeting.participation_facts(self.organization_id).items():
                setattr(self, k, v)
        super().save(*args, **kwargs)


class MeetingTally(models.Model):
    """Held, valid meetings per organization, kind and month — what the compliance verdicts count.

    Kept by database triggers on MeetingOrganization (meetings/tally.py), so every write — a form, the API, an
    import, a bulk load, a cascade delete — changes the counts in its own transaction; `dangjian recompute`
    rebuilds them from the meetings and `--check` lists any difference. A roll-up over 5,000 branches then reads
    a few rows per branch instead of counting meetings (Production issue: roll-up p95 ≤ 500 ms under load)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="tallies")
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    month = models.DateField()  # the first day of the month
    held = models.IntegerField(default=0)  # held and quorate
    lectured = models.IntegerField(default=0)  # of those, 党课 given by the organization's own secretary

    class Meta:
        verbose_name = _("组织生活计数")
        verbose_name_plural = _("组织生活计数")
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "month"], name="tally_once")]
        # a roll-up reads one kind's months for every organization: an index-only scan on PostgreSQL
        indexes = [models.Index(fields=["kind", "month", "organization"], include=["held", "lectured"],
                                name="tally_kind_month")]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Attendance(models.Model):
    scope_path = "meeting__organization__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="attendance",
                               verbose_name=_("党员"))
    status = models.CharField(_("出勤"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=120, blank=True)
    # A fact of the meeting, fixed when the row is first written: whether this person had a vote then
    # (党章: only 正式党员 vote; 预备党员 attend without a vote). Quorum and majorities read this, never
    # today's roster, so a later conversion or transfer cannot change a past verdict.
    voting = models.BooleanField(_("有表决权"), default=False)
    # When the member signed in by scanning the meeting's QR code (the record of it, for "我的扫码签到" and for
    # an inspection asking how attendance was taken); empty when the secretary marked the sheet.
    checked_in_at = models.DateTimeField(_("扫码签到时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_status")]


class VoteKind(models.TextChoices):
    DECISION = "decision", _("表决")
    ELECTION = "election", _("选举")


class Vote(models.Model):
    """A vote taken at a 党员大会 or 支委会; `verdict()` applies 党章 and 选举条例 to the counts."""

    scope_path = "meeting__organization__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes", verbose_name=_("会议"))
    kind = models.CharField(_("类型"), max_length=10, choices=VoteKind.choices, default=VoteKind.DECISION)
    subject = models.CharField(_("事项"), max_length=200)
    yes = models.PositiveIntegerField(_("赞成票"))
    no = models.PositiveIntegerField(_("反对票"), default=0)
    abstain = models.PositiveIntegerField(_("弃权票"), default=0)
    seats = models.PositiveSmallIntegerField(_("应选人数"), null=True, blank=True)
    candidates = models.PositiveSmallIntegerField(_("候选人数"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")

    def __str__(self):
        return self.subject


class Attachment(models.Model):
    scope_path = "meeting__organization__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("会议"))
    file = models.FileField(_("文件"), upload_to="meetings/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class EvaluationGrade(models.Model):
    """民主评议党员: one grade per 正式党员 (预备党员 take part but are not graded)."""

    scope_path = "meeting__organization__path"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="grades", verbose_name=_("会议"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="grades", verbose_name=_("党员"))
    grade = models.CharField(_("评议等次"), max_length=12, choices=Grade.choices)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("评议等次")
        verbose_name_plural = _("评议等次")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="grade_once")]


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class Condition(models.TextChoices):
    NONE = "", _("无")
    SECRETARY_LECTURED = "secretary_lectured", _("书记讲党课")


class Rule(models.Model):
    """How often a kind of meeting must be held. A rule with an organization overrides the rule with the
    same key (meeting kind + condition) for that organization's subtree; the nearest one wins."""

    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="rules", verbose_name=_("适用组织"),
                                     help_text=_("留空为全局默认；填写则覆盖该组织及其下级"))
    meeting_kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices)
    condition = models.CharField(_("附加条件"), max_length=30, choices=Condition.choices, blank=True, default="")
    org_kind = models.CharField(_("适用组织类型"), max_length=20, default="branch")
    requires_committee = models.BooleanField(_("仅设支委会的支部"), default=False)
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("最少次数"), default=1)
    enabled = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RulebookQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织生活规则")
        verbose_name_plural = _("组织生活规则")
        ordering = ["meeting_kind", "condition", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "meeting_kind", "condition"], name="rule_once_per_org"),
        ]

    def __str__(self):
        return self.title

    @property
    def key(self):
        return (self.meeting_kind, self.condition)

    @property
    def title(self):
        if self.condition == Condition.SECRETARY_LECTURED:
            return str(_("书记讲党课"))
        return self.get_meeting_kind_display()


AUDITED = [Meeting, MeetingOrganization, Attendance, Rule, Vote, Attachment, EvaluationGrade]
