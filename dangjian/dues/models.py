"""党费: what each member owes a month and what was paid (《党费规定》, RULES.md "党费").

A member's dues base (DuesBase) is declared from a month on — the category and the after-tax regular pay (for
farmers, the fixed amount) — and applies until the next declaration: a pay change applies from the month it
starts, and a closed month's amount never changes because today's pay did. Payments are never deleted: a wrong one
is reversed by an entry of its own, with a reason, and the month can then be paid again. One regular payment per
member and month is a database constraint, so two clicks or two people cannot record it twice.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager

from .rates import DuesCategory


class DuesBase(models.Model):
    scope_path = "member__organization__path"

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_bases",
                               verbose_name=_("党员"))
    starts_on = models.DateField(_("起始月份"), help_text=_("从该月起按此基数交纳"))
    # the last day this base applies: the day before the member's next declaration (None: still in force). Kept by
    # services.declare_base, so "the base in force in a month" is a plain join, not a subquery per row.
    ends_on = models.DateField(_("截止日期"), null=True, blank=True, editable=False)
    category = models.CharField(_("交纳类别"), max_length=20, choices=DuesCategory.choices)
    income = models.DecimalField(_("月收入（元）"), max_digits=12, decimal_places=2,
                                 help_text=_("税后工资收入；农民党员填每月交纳金额（0.2–1 元）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("登记人"))
    declared_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        ordering = ["member", "-starts_on"]
        indexes = [models.Index(fields=["member", "starts_on", "ends_on"], name="dues_base_in_force")]
        constraints = [
            models.UniqueConstraint(fields=["member", "starts_on"], name="dues_base_once_a_month"),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="dues_base_from_a_month"),
            models.CheckConstraint(condition=Q(income__gte=0), name="dues_base_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on:%Y-%m} {self.get_category_display()} {self.income}"

    @classmethod
    def self_scope_q(cls, mine):
        return Q(member_id=mine["pk"])  # a member reads their own dues base

    @property
    def monthly(self):
        from .rates import monthly

        return monthly(self.category, self.income)

    @property
    def rate_text(self):
        rate = self.monthly[0]
        return _("定额") if rate is None else f"{rate * 100:g}%"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", _("按月交纳")
    VOLUNTARY = "voluntary", _("自愿一次性交纳")
    REVERSAL = "reversal", _("冲正")


VOLUNTARY_FROM = 1000  # 党费规定: one-off voluntary payments of 1000 yuan or more are recorded separately


class Payment(models.Model):
    scope_path = "member__organization__path"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_payments",
                               verbose_name=_("党员"))
    month = models.DateField(_("所属月份"))
    kind = models.CharField(_("类型"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("交纳日期"))
    receipt_no = models.CharField(_("收据号"), max_length=40, blank=True)
    # set on a payment when a reversing entry cancels it: the month is open again (the row itself stays)
    reversed = models.BooleanField(_("已冲正"), default=False)
    reversal_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal",
                                       verbose_name=_("冲正的记录"))
    reason = models.CharField(_("冲正原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["-month", "member_id", "id"]
        indexes = [models.Index(fields=["member", "kind", "month"], name="dues_payment_member_month")]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], condition=Q(kind="regular", reversed=False),
                                    name="dues_paid_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="dues_payment_for_a_month"),
            models.CheckConstraint(condition=(Q(kind="reversal", amount__lt=0, reversal_of__isnull=False)
                                              | Q(kind="regular", amount__gt=0, reversal_of__isnull=True)
                                              | Q(kind="voluntary", amount__gte=VOLUNTARY_FROM, reversal_of__isnull=True)),
                                   name="dues_payment_amount_by_kind"),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m} {self.get_kind_display()} {self.amount}"

    @classmethod
    def self_scope_q(cls, mine):
        return Q(member_id=mine["pk"])  # a member reads their own payments


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", _("减交")
    EXEMPT = "exempt", _("免交")


class ReliefStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class Relief(models.Model):
    """减免: a member in real difficulty pays less or nothing for some months (党费规定: reviewed by the branch,
    approved one level up). The branch files it after its review; someone with scope over the branch's superior
    organization — never the one who filed it — decides. Only an approved relief changes what is due."""

    scope_path = "member__organization__path"

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_reliefs",
                               verbose_name=_("党员"))
    kind = models.CharField(_("类型"), max_length=10, choices=ReliefKind.choices)
    starts_on = models.DateField(_("起始月份"))
    ends_on = models.DateField(_("截止月份"))
    amount = models.DecimalField(_("减交后每月交纳（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("支部申报人"))
    requested_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["member", "status", "starts_on", "ends_on"], name="dues_relief_in_force")]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__day=1, ends_on__day=1, ends_on__gte=F("starts_on")),
                                   name="dues_relief_months"),
            models.CheckConstraint(condition=Q(kind="exempt", amount__isnull=True) | Q(kind="reduce", amount__gte=0),
                                   name="dues_relief_amount_by_kind"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_by__isnull=False),
                                   name="dues_relief_decided_by_someone"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.starts_on:%Y-%m}–{self.ends_on:%Y-%m}"

    @classmethod
    def self_scope_q(cls, mine):
        return Q(member_id=mine["pk"])


AUDITED = [DuesBase, Payment, Relief]
