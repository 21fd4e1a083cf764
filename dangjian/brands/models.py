"""党建品牌 and 党建项目 (DESIGN.md capability 5; seeds 002–004): records with a lifecycle decided by the superior,
evidence linked from what the branch already recorded, and the campaigns (e.g. "两化一创") a 党委 runs them in.

A brand: 申报 → 培育 → 验收 → 命名 (or 撤销), each transition a Decision by the organization above with a date and a
comment. A project: 立项 → 实施 → 结项 (or 终止), milestones with due dates, progress updates, a mid-year review and a
year-end evaluation by the superior. "一支部一项目、一年度一项目" and one 书记突破项目 a year are flags, not refusals."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager, ScopedQuerySet, sources_q

DEFAULT_THEMES = ["提素质", "聚活力", "促生产"]


class Theme(models.Model):
    """A theme brands and projects are declared under (data: 提素质、聚活力、促生产 by default)."""
    name = models.CharField(_("主题"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    @classmethod
    def ensure_defaults(cls):
        """The default themes (the data migration's; again after a test database was flushed)."""
        for i, name in enumerate(DEFAULT_THEMES, 1):
            cls.objects.get_or_create(name=name, defaults={"order": i})


class Campaign(models.Model):
    """A 党委's campaign (seed 002: "两化一创" — 15 brands declared, four months of building, acceptance): read by its
    subtree, which declares into it."""
    scope_path = "organization__path"
    scope_reaches_below = True

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name=_("发起组织"))
    name = models.CharField(_("活动名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    declare_by = models.DateField(_("申报截止"))
    accept_by = models.DateField(_("验收截止"))
    themes = models.ManyToManyField(Theme, blank=True, verbose_name=_("主题"))
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("创建活动")
        verbose_name_plural = _("创建活动")
        ordering = ["-starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(starts_on__lte=models.F("declare_by"))
                                              & Q(declare_by__lte=models.F("accept_by"))
                                              & Q(starts_on__lte=models.F("ends_on")), name="campaign_dates_in_order")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("brands:campaign", args=[self.pk])


class Stage(models.TextChoices):
    DECLARED = "declared", _("申报")
    CULTIVATING = "cultivating", _("培育")
    ACCEPTED = "accepted", _("验收")
    NAMED = "named", _("命名")
    REVOKED = "revoked", _("撤销")


NEXT_STAGE = {Stage.DECLARED: Stage.CULTIVATING, Stage.CULTIVATING: Stage.ACCEPTED, Stage.ACCEPTED: Stage.NAMED}


class BrandQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """The tree; for reading, also the registered sources (品牌联建: the partners of an in-force agreement the
        brand is jointly built under — the co-building app's agreement mechanism, registered at app ready)."""
        scoped = super().visible_to(user, action)
        extra = sources_q(Brand, user, action)
        if extra is None:
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | extra)


class Brand(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="brands",
                                     verbose_name=_("创建组织"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="brands",
                                 verbose_name=_("所属创建活动"))
    name = models.CharField(_("品牌名称"), max_length=60)
    slogan = models.CharField(_("品牌口号"), max_length=100, blank=True)
    connotation = models.TextField(_("品牌内涵"))
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, verbose_name=_("主题"))
    measures = models.TextField(_("主要举措"), blank=True)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.DECLARED)
    declared_on = models.DateField(_("申报日期"))
    agreements = models.ManyToManyField("cobuilding.Agreement", blank=True, related_name="brands",
                                        verbose_name=_("品牌联建协议"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking (core.versioning)

    objects = ScopedManager.from_queryset(BrandQuerySet)()

    class Meta:
        verbose_name = _("党建品牌")
        verbose_name_plural = _("党建品牌")
        ordering = ["organization__path", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="brand_unique_name")]
        indexes = [models.Index(fields=["stage", "organization"], name="brand_stage_org")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("brands:brand", args=[self.pk])


class Decision(models.Model):
    """A transition of a brand, decided by the organization above (with who, when and why)."""
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="decisions")
    from_stage = models.CharField(_("原阶段"), max_length=12, choices=Stage.choices)
    to_stage = models.CharField(_("新阶段"), max_length=12, choices=Stage.choices)
    decided_on = models.DateField(_("决定日期"))
    comment = models.CharField(_("意见"), max_length=300)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    deciding_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("决定组织"))

    class Meta:
        ordering = ["decided_on", "pk"]


class ProjectKind(models.TextChoices):
    BRANCH = "branch", _("党建项目")
    BREAKTHROUGH = "breakthrough", _("书记突破项目")


class ProjectStatus(models.TextChoices):
    APPROVED = "approved", _("立项")
    RUNNING = "running", _("实施")
    CLOSED = "closed", _("结项")
    STOPPED = "stopped", _("终止")


class Project(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="projects",
                                     verbose_name=_("承担组织"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                                 verbose_name=_("所属创建活动"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.BRANCH)
    title = models.CharField(_("项目名称"), max_length=100)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("主题"))
    problem = models.TextField(_("针对的问题"), help_text=_("问题导向：项目要解决的实际问题"))
    goal = models.TextField(_("项目目标"))
    measures = models.TextField(_("主要措施"), blank=True)
    owner = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("负责人"))
    team = models.ManyToManyField("members.Member", blank=True, related_name="project_teams",
                                  verbose_name=_("攻坚团队"))
    status = models.CharField(_("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.APPROVED)
    started_on = models.DateField(_("立项日期"))
    closed_on = models.DateField(_("结项/终止日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党建项目")
        verbose_name_plural = _("党建项目")
        ordering = ["-year", "organization__path", "title"]
        indexes = [models.Index(fields=["year", "organization"], name="project_year_org")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("brands:project", args=[self.pk])


class Indicator(models.Model):
    """A business figure the project aims to move (产量、进尺… against plan)."""
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标"), max_length=40)
    unit = models.CharField(_("单位"), max_length=12, blank=True)
    baseline = models.DecimalField(_("基数"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("目标"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("实际"), max_digits=14, decimal_places=2, null=True, blank=True)


class Milestone(models.Model):
    scope_path = "project__organization__path"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目"))
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="milestone_due", condition=Q(done_on__isnull=True))]

    def __str__(self):
        return self.title


class Update(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]


class ReviewKind(models.TextChoices):
    MIDYEAR = "midyear", _("年中评估")
    FINAL = "final", _("年终评价")


class Review(models.Model):
    """The superior's mid-year review and year-end evaluation of a project, with a score (0–100) and a comment."""
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("类别"), max_length=10, choices=ReviewKind.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    comment = models.CharField(_("评价意见"), max_length=300)
    reviewed_on = models.DateField(_("评价日期"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewing_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="project_review_once"),
                       models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="review_score_range")]


class Evidence(models.Model):
    """Evidence of a brand or a project (or one of its milestones): linked, not re-uploaded — a meeting, a
    co-building activity or output already recorded — or a file of its own."""
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("组织生活记录"))
    activity = models.ForeignKey("cobuilding.Activity", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("共建活动"))
    output = models.ForeignKey("cobuilding.Output", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("共建成果"))
    file = models.FileField(_("文件或照片"), upload_to="brands/%Y/", blank=True)
    title = models.CharField(_("说明"), max_length=200)
    on = models.DateField(_("日期"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(name="evidence_of_one", condition=(
                Q(brand__isnull=False, project__isnull=True) | Q(brand__isnull=True, project__isnull=False))),
        ]

    @property
    def is_photo(self):
        return bool(self.file) and self.file.name.lower().endswith((".jpg", ".jpeg", ".png"))


AUDITED = [Campaign, Brand, Project, Milestone, Review]
