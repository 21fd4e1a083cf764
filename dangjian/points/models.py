"""Point rules: how a member's points (党员积分, the "双积分" of seed 003) are derived from the records.

A rule names a kind of record (its source), the points each occurrence earns or costs, and an optional cap per
month, quarter or year. Rules are data: the national defaults come from RULES.md "Scoring, stars and grading" (base
60, the rest earned in organization life, so a member who attended everything ends the year at 100); a rule with an
organization overrides the rule with the same key for that organization's subtree, the nearest one winning — like
the meeting rulebook. Which rule applies to a member is decided by the member's organization.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedQuerySet
from dangjian.meetings.models import MeetingKind


class Source(models.TextChoices):
    BASE = "base", _("基础分")
    PRESENT = "present", _("参加组织生活")
    ABSENT = "absent", _("无故缺席组织生活")
    HOST = "host", _("主持组织生活")


class Category(models.TextChoices):
    BASIC = "basic", _("基础分")
    LIFE = "life", _("组织生活")
    STUDY = "study", _("学习教育")
    VANGUARD = "vanguard", _("先锋作用")
    VOLUNTEER = "volunteer", _("志愿服务")
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")


class CapPeriod(models.TextChoices):
    NONE = "", _("不封顶")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class PointRuleQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        # National defaults (no organization) are readable by everyone signed in; overrides by scope.
        scoped = super().visible_to(user, action)
        if action == "view" and user is not None and user.is_authenticated:
            return self.filter(models.Q(pk__in=scoped.values("pk")) | models.Q(organization__isnull=True))
        return scoped


class PointRule(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="point_rules", verbose_name=_("适用组织"),
                                     help_text=_("留空为全局默认；填写则覆盖该组织及其下级"))
    source = models.CharField(_("积分来源"), max_length=20, choices=Source.choices)
    meeting_kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices, blank=True, default="",
                                    help_text=_("留空为所有类型"))
    item = models.CharField(_("积分项目"), max_length=60)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    points = models.DecimalField(_("每次分值"), max_digits=5, decimal_places=1,
                                 help_text=_("扣分项填负数；基础分为每年的分值"))
    cap = models.DecimalField(_("封顶分值"), max_digits=5, decimal_places=1, null=True, blank=True,
                              help_text=_("每个封顶周期内最多得（或扣）的分数"))
    cap_period = models.CharField(_("封顶周期"), max_length=10, choices=CapPeriod.choices, blank=True, default="")
    enabled = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = PointRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["source", "meeting_kind", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source", "meeting_kind"], name="point_rule_once_per_org"),
            models.CheckConstraint(condition=models.Q(cap__isnull=True) | models.Q(cap__gt=0), name="point_cap_positive"),
        ]

    def __str__(self):
        return self.item

    @property
    def key(self):
        return (self.source, self.meeting_kind)

    @property
    def capped(self):
        return self.cap is not None and bool(self.cap_period)


AUDITED = [PointRule]
