"""结对共建: agreements between organizations (in the tree or outside it), signed targets, 八联 activities,
outputs (成果). Progress against the targets is computed from these records (progress.py)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager, ScopedQuerySet


class Level(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_FORCE = "in_force", _("生效")
    ENDED = "ended", _("已结束")
    EVALUATED = "evaluated", _("已评价")


class AgreementQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """An agreement belongs to every party: visible (or writable) through any internal party in scope."""
        return self.filter(pk__in=Party.objects.visible_to(user, action).values("agreement_id"))


class Agreement(models.Model):
    scope_path = "parties__organization__path"

    title = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    document = models.FileField(_("签订文本"), upload_to="cobuilding/%Y/", blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    renewed_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals",
                                     verbose_name=_("续签自"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        ordering = ["-starts_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cobuilding:detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})

    def unconfirmed_parties(self):
        return self.parties.filter(organization__isnull=False, confirmed_at__isnull=True)


class Party(models.Model):
    """One side of an agreement: an organization in the tree, or an external partner."""

    scope_path = "organization__path"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="cobuilding_parties", verbose_name=_("组织"))
    external = models.ForeignKey("orgs.ExternalOrganization", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="cobuilding_parties", verbose_name=_("外部组织"))
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # An agreement grants one side read access to the other's records: it comes into force only when every
    # internal party has confirmed it (its org admin, or a superior covering it) — never by one side alone.
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("共建方")
        verbose_name_plural = _("共建方")
        constraints = [models.CheckConstraint(
            condition=Q(organization__isnull=False, external__isnull=True) | Q(organization__isnull=True, external__isnull=False),
            name="party_is_one_kind")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.organization.name if self.organization_id else self.external.name


class Category(models.TextChoices):
    """铸钢党总支's 八联 (seed 004)."""

    ORGANIZATION = "organization", _("组织联合")
    BRAND = "brand", _("品牌联建")
    ACTIVITY = "activity", _("活动联办")
    STUDY = "study", _("党员联学")
    TALENT = "talent", _("人才联育")
    SERVICE = "service", _("服务联动")
    CULTURE = "culture", _("文化联创")
    MASS = "mass", _("群团联手")


class Measure(models.TextChoices):
    ACTIVITY = "activity", _("联建活动")
    EXCHANGE = "exchange", _("交流")
    OUTPUT = "output", _("成果")
    REVIEW = "review", _("互相观摩点评")
    CUSTOM = "custom", _("自定义（按“其他成果”计数）")


class OutputKind(models.TextChoices):
    THEORY = "theory", _("理论成果")
    SYSTEM = "system", _("联建制度")
    BRAND = "brand", _("联建品牌")
    TALENT = "talent", _("人才成果")
    SERVICE = "service", _("服务成果")
    OTHER = "other", _("其他成果")


class Who(models.TextChoices):
    EITHER = "either", _("任一方")
    EACH = "each", _("各方分别")
    JOINTLY = "jointly", _("共同")


class Target(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(_("考核内容"), max_length=12, choices=Measure.choices)
    category = models.CharField(_("八联类别"), max_length=20, choices=Category.choices, blank=True)
    output_kind = models.CharField(_("成果类型"), max_length=12, choices=OutputKind.choices, blank=True)
    min_count = models.PositiveSmallIntegerField(_("不少于"), default=1)
    who = models.CharField(_("完成方式"), max_length=10, choices=Who.choices, default=Who.JOINTLY)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("共建目标")
        verbose_name_plural = _("共建目标")
        ordering = ["id"]

    def __str__(self):
        return self.title

    @property
    def title(self):
        what = self.get_measure_display()
        if self.measure == Measure.OUTPUT and self.output_kind:
            what = self.get_output_kind_display()
        elif self.measure == Measure.CUSTOM:
            what = self.note or _("自定义目标")
        elif self.category:
            what = f"{self.get_category_display()}{what}"
        return f"{what} ≥{self.min_count}（{self.get_who_display()}）"


class Activity(models.Model):
    """A joint activity, recorded once for every party that took part; may be an organization-life meeting."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    category = models.CharField(_("八联类别"), max_length=20, choices=Category.choices)
    is_exchange = models.BooleanField(_("属于交流"), default=False)
    summary = models.TextField(_("活动简介"), blank=True)
    parties = models.ManyToManyField(Party, related_name="activities", verbose_name=_("参加方"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cobuilding_activities", verbose_name=_("对应的组织生活"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="cobuilding/photos/%Y/")
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")


class Output(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("成果类型"), max_length=12, choices=OutputKind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    produced_on = models.DateField(_("日期"))
    party = models.ForeignKey(Party, on_delete=models.CASCADE, null=True, blank=True, related_name="outputs",
                              verbose_name=_("完成方"), help_text=_("留空为双方共同完成"))
    file = models.FileField(_("文件"), upload_to="cobuilding/outputs/%Y/", blank=True)

    class Meta:
        verbose_name = _("共建成果")
        verbose_name_plural = _("共建成果")
        ordering = ["-produced_on", "-id"]

    def __str__(self):
        return self.title


class Review(models.Model):
    """互相观摩点评: a member of one party observes and rates another party's meeting record."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    reviewer_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("点评方"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("观摩的会议"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("点评人"))
    rating = models.PositiveSmallIntegerField(_("评分"), choices=[(i, "★" * i) for i in range(1, 6)])
    comment = models.TextField(_("点评意见"))
    created_at = models.DateTimeField(_("点评时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("观摩点评")
        verbose_name_plural = _("观摩点评")
        ordering = ["-created_at"]


class Evaluation(models.Model):
    """Year-end evaluation of an agreement, pre-filled from its progress."""

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="evaluation")
    grade = models.CharField(_("评价等次"), max_length=10, choices=[("excellent", _("优秀")), ("good", _("良好")),
                                                                  ("fair", _("一般")), ("poor", _("较差"))])
    summary = models.TextField(_("评价意见"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    evaluated_on = models.DateField(_("评价日期"), auto_now_add=True)

    class Meta:
        verbose_name = _("年终评价")
        verbose_name_plural = _("年终评价")


AUDITED = [Agreement, Party, Target, Activity, ActivityPhoto, Output, Review, Evaluation]
