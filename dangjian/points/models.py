"""Point rules: how a member's points (党员积分, the "双积分" of seed 003) are derived from the records.

A rule names a kind of record (its source), the points each occurrence earns or costs, and an optional cap per
month, quarter or year. Rules are data: the national defaults come from RULES.md "Scoring, stars and grading" (base
60, the rest earned in organization life, so a member who attended everything ends the year at 100); a rule with an
organization overrides the rule with the same key for that organization's subtree, the nearest one winning — like
the meeting rulebook. Which rule applies to a member is decided by the member's organization.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.rulebook import RulebookQuerySet
from dangjian.core.scope import ScopedManager
from dangjian.meetings.models import MeetingKind


class Source(models.TextChoices):
    BASE = "base", _("基础分")
    PRESENT = "present", _("参加组织生活")
    ABSENT = "absent", _("无故缺席组织生活")
    HOST = "host", _("主持组织生活")
    COBUILDING = "cobuilding", _("参加联建共建活动")
    LECTURER = "lecturer", _("讲授党课")
    TRAINING = "training", _("参加教育培训课程")
    QUIZ = "quiz", _("知识竞赛成绩合格")
    MANUAL = "manual", _("人工申报（须审批）")


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


class ManualCategory(models.TextChoices):
    COMMENDATION = "commendation", _("表彰奖励加分")
    VANGUARD = "vanguard", _("先锋岗、责任区服务加分")
    VOLUNTEER = "volunteer", _("志愿服务加分")
    DISCIPLINE = "discipline", _("违纪违规扣分")


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
    # Manual items (source "manual", one rule per category): `points` is the most one item may give (negative: may
    # cost); each item is proposed and approved by someone else; these say what else it needs.
    manual_category = models.CharField(_("人工事项类别"), max_length=20, choices=ManualCategory.choices, blank=True,
                                       default="")
    needs_evidence = models.BooleanField(_("须上传佐证材料"), default=False)
    committee_from = models.DecimalField(_("须党委审批的分值"), max_digits=5, decimal_places=1, null=True, blank=True,
                                         help_text=_("单项分值（绝对值）达到此数时须由党委审批，且须附佐证材料"))

    objects = RulebookQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["source", "meeting_kind", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source", "meeting_kind", "manual_category"],
                                    name="point_rule_once_per_org"),
            models.CheckConstraint(condition=models.Q(cap__isnull=True) | models.Q(cap__gt=0), name="point_cap_positive"),
        ]

    def __str__(self):
        return self.item

    @property
    def key(self):
        return (self.source, self.meeting_kind or self.manual_category)

    def large(self, points):
        """Whether a manual item of `points` goes to the 党委 (and needs evidence whatever the category says)."""
        return self.committee_from is not None and abs(points) >= self.committee_from

    @property
    def capped(self):
        return self.cap is not None and bool(self.cap_period)


class ScaleOf(models.TextChoices):
    MEMBER = "member", _("党员星级")
    GROUP = "group", _("星级党小组")


class StarScale(models.Model):
    """Where each star begins — for members' year points, or for 星级党小组 scores. RULES.md gives the defaults
    (members: 60 ★, 70 ★★, 80 ★★★, 90 ★★★★, 96 ★★★★★, below 60 不合格; organizations: 60/65/75/85/95, below 60
    后进) and calls them local practice: a 党委 sets its own scale for its subtree, the nearest one applying, like
    the point rules. One row holds the five thresholds, so a scale is never half-changed."""

    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="star_scales", verbose_name=_("适用组织"))
    of = models.CharField(_("评星对象"), max_length=10, choices=ScaleOf.choices)
    one = models.DecimalField(_("★ 起点"), max_digits=5, decimal_places=1)
    two = models.DecimalField(_("★★ 起点"), max_digits=5, decimal_places=1)
    three = models.DecimalField(_("★★★ 起点"), max_digits=5, decimal_places=1)
    four = models.DecimalField(_("★★★★ 起点"), max_digits=5, decimal_places=1)
    five = models.DecimalField(_("★★★★★ 起点"), max_digits=5, decimal_places=1)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    objects = RulebookQuerySet.as_manager()

    class Meta:
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        ordering = ["of", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "of"], name="star_scale_once_per_org"),
            models.UniqueConstraint(fields=["of"], condition=models.Q(organization__isnull=True),
                                    name="star_scale_one_default"),
            models.CheckConstraint(condition=models.Q(one__gt=0, two__gt=models.F("one"), three__gt=models.F("two"),
                                                      four__gt=models.F("three"), five__gt=models.F("four")),
                                   name="star_scale_ascending"),
        ]

    def __str__(self):
        return f"{self.get_of_display()} {self.organization or _('全局默认')}"

    @property
    def key(self):
        return self.of

    @property
    def steps(self):
        """[(stars, from points)] from the most stars down."""
        return [(5, self.five), (4, self.four), (3, self.three), (2, self.two), (1, self.one)]

    def stars(self, points):
        return next((n for n, threshold in self.steps if points >= threshold), 0)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class ManualItem(models.Model):
    """A point not derived from a record — a commendation, a 先锋岗 service, a disciplinary deduction — proposed
    with a reason and evidence, counted only once approved by someone else with scope over the member."""

    scope_path = "member__organization__path"

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="point_items",
                               verbose_name=_("党员"))
    category = models.CharField(_("类别"), max_length=20, choices=ManualCategory.choices)
    on = models.DateField(_("事项日期"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, help_text=_("扣分填负数"))
    reason = models.CharField(_("事由"), max_length=300)
    evidence = models.FileField(_("佐证材料"), upload_to="points/evidence/%Y/", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("申报人"))
    proposed_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    # Decided by a 党委 (Issue 双积分: "large items by the 党委"): fixed when proposed, from the category's rule then
    # in force, so a later change of the rule does not move an item already in the queue.
    needs_committee = models.BooleanField(_("须党委审批"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("人工积分事项")
        verbose_name_plural = _("人工积分事项")
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["member", "status", "on"], name="point_item_member")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="point_item_not_zero"),
            models.CheckConstraint(condition=models.Q(status="pending") | models.Q(decided_by__isnull=False),
                                   name="point_item_decided_by_someone"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_category_display()} {self.points}"

    @classmethod
    def self_scope_q(cls, mine):
        # A member reads the decided items about them (the lines of their ledger), not proposals still in review.
        return models.Q(member_id=mine["pk"]) & ~models.Q(status=ItemStatus.PENDING)

    @property
    def large(self):
        return self.needs_committee


def period_label(year, quarter=None):
    return _("%(y)s年第%(q)s季度（累计）") % {"y": year, "q": quarter} if quarter else _("%(y)s年度") % {"y": year}


class Publication(models.Model):
    """A branch's year (or quarter) results as published to its members: a frozen snapshot (PublishedResult rows)
    that later edits of the records do not change — the board shows "变动" beside a figure that differs now.
    Republishing adds a new publication (the older ones stay, and the change log has who published when).

    A quarter's publication (RULES.md: "published quarterly or yearly") is the year so far — base score and every
    item up to the quarter's last day — so the four quarters lead up to the year's figure; the stars are the year's
    and are awarded by the year's publication."""

    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="point_publications",
                                     verbose_name=_("公示组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True, help_text=_("留空为年度公示"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("公示人"))
    published_at = models.DateTimeField(_("公示时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("积分公示")
        verbose_name_plural = _("积分公示")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["organization", "year", "-published_at"], name="point_pub_latest")]
        constraints = [models.CheckConstraint(condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                                              name="point_pub_quarter")]

    def __str__(self):
        return f"{self.organization} {self.period_label}"

    @property
    def period_label(self):
        return period_label(self.year, self.quarter)


    @classmethod
    def self_scope_q(cls, mine):
        # A member reads what their own branch published: the published board is for its members.
        return models.Q(organization_id=mine["organization_id"])


class PublishedResult(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="results")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("党员"))
    name = models.CharField(_("姓名"), max_length=50)  # as published
    # the 党小组 the member was in when published: the group ranking reads it (a later move does not re-rank)
    party_group = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("党小组"))
    rank = models.PositiveIntegerField(_("名次"))
    points = models.DecimalField(_("积分"), max_digits=6, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("星级"))

    class Meta:
        verbose_name = _("公示结果")
        verbose_name_plural = _("公示结果")
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["publication", "member"], name="published_once")]


AUDITED = [PointRule, StarScale, ManualItem, Publication]
