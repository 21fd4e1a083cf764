"""发展党员: a person's way from application to full membership, recorded step by step against the 25 steps of
《发展党员工作细则》 (steps.py). A Candidate is not yet a Member: admission by the 支部大会 creates the Member
(预备党员, 入党日期 = the 支部大会's date) and conversion makes them 正式党员 — the roster is never typed twice."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.rulebook import RulebookQuerySet
from dangjian.core.scope import ScopedManager

from .steps import CHOICES, Stage

REPEATABLE = ["assessment", "probation_education"]


class Candidate(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="candidates",
                                     verbose_name=_("所在党支部"))
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="candidacy", verbose_name=_("党员档案"))
    stopped_on = models.DateField(_("终止日期"), null=True, blank=True)
    stop_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("发展党员对象")
        verbose_name_plural = _("发展党员对象")
        ordering = ["organization__path", "name"]
        indexes = [models.Index(fields=["organization", "stage"], name="candidate_org_stage")]
        constraints = [models.UniqueConstraint(fields=["id_number"], condition=Q(stopped_on__isnull=True),
                                               name="candidate_once_in_progress")]

    def __str__(self):
        return self.name

    @property
    def birth_date(self):
        from dangjian.members import idcard

        return idcard.birth_date_of(self.id_number)


class StepRecord(models.Model):
    scope_path = "candidate__organization__path"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps", verbose_name=_("发展对象"))
    step = models.CharField(_("步骤"), max_length=30, choices=CHOICES)
    done_on = models.DateField(_("日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("公示截止日期；延长预备期至"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("会议记录"))
    vote = models.ForeignKey("meetings.Vote", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("表决"))
    people = models.ManyToManyField("members.Member", blank=True, related_name="+", verbose_name=_("培养联系人/入党介绍人"))
    days = models.PositiveSmallIntegerField(_("培训天数"), null=True, blank=True)
    hours = models.DecimalField(_("培训学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("通过"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    attachment = models.FileField(_("材料"), upload_to="recruitment/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("发展党员步骤")
        verbose_name_plural = _("发展党员步骤")
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "step"], condition=~Q(step__in=REPEATABLE),
                                    name="recruitment_step_once"),
            models.UniqueConstraint(fields=["vote"], name="recruitment_one_candidate_per_vote"),
        ]

    def __str__(self):
        return f"{self.candidate} {self.get_step_display()} {self.done_on}"


class Interval(models.Model):
    """The local intervals (RULES.md: "local — configurable"), overridden by subtree like the other rulebooks."""

    scope_path = "organization__path"

    class Key(models.TextChoices):
        ACTIVIST_AFTER = "activist_after_months", _("递交申请后满几个月方可确定为积极分子")
        PUBLICITY_DAYS = "publicity_days", _("公示不少于几个工作日")

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="recruitment_intervals", verbose_name=_("适用组织"))
    name = models.CharField(_("项目"), max_length=30, choices=Key.choices)
    value = models.PositiveSmallIntegerField(_("数值"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RulebookQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员时限")
        verbose_name_plural = _("发展党员时限")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="recruitment_interval_once")]

    @property
    def key(self):
        return self.name


DEFAULT_INTERVALS = {
    Interval.Key.ACTIVIST_AFTER: (6, "RULES.md：递交申请满6个月确定为积极分子（本地做法，可调整）"),
    Interval.Key.PUBLICITY_DAYS: (5, "RULES.md：各阶段公示不少于5个工作日（本地做法，可调整）"),
}

AUDITED = [Candidate, StepRecord, Interval]
