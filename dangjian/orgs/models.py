from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangjian.core.dates import add_years
from dangjian.core.scope import ScopedManager, ScopedQuerySet


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


# Which kinds may sit under which (支部条例 arts. 4–6; 党小组 only under a branch).
ALLOWED_CHILDREN = {
    OrgKind.COMMITTEE: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, org):
        return self.filter(path__startswith=org.path)


class OrganizationManager(MP_NodeManager, ScopedManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A party organization in the tree 党委 → 党总支 → 党支部 → 党小组 (materialized path)."""

    scope_path = "path"
    steplen = 4

    kind = models.CharField(_("组织类型"), max_length=20, choices=OrgKind.choices)
    code = models.CharField(_("组织编码"), max_length=40, unique=True)
    name = models.CharField(_("组织名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    unit = models.CharField(_("所在单位"), max_length=120, blank=True, help_text=_("对应的行政单位"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    leader = models.ForeignKey(
        "members.Member",
        verbose_name=_("党小组组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["kind", "path"], name="org_kind_path")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:detail", args=[self.pk])

    @classmethod
    def self_scope_q(cls, mine):
        # A member sees their own organization (and their 党小组), nothing more.
        return Q(pk__in=[pk for pk in (mine["organization_id"], mine["party_group_id"]) if pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def is_dissolved(self):
        return self.dissolved_on is not None

    def clean(self):
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期")})
        today = timezone.localdate()
        if self.founded_on and self.founded_on > today:
            raise ValidationError({"founded_on": _("成立日期不能晚于今天")})

    def ancestors_and_self(self):
        """Breadcrumb: ancestors by path prefixes, one query."""
        prefixes = [self.path[: i * self.steplen] for i in range(1, self.depth + 1)]
        return list(Organization.objects.filter(path__in=prefixes).order_by("depth"))

    def children_ordered(self):
        return Organization.objects.filter(path__startswith=self.path, depth=self.depth + 1).order_by(
            "order", "code"
        )

    def current_committee(self):
        return self.committees.filter(ended_on__isnull=True).order_by("-elected_on").first()


class ExternalOrganization(models.Model):
    """A partner outside the group's tree (another company, a village, a school) — for 共建."""

    scope_path = "owner__path"

    name = models.CharField(_("组织名称"), max_length=120)
    unit = models.CharField(_("所在单位"), max_length=120, blank=True)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    note = models.TextField(_("备注"), blank=True)
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="external_partners", verbose_name=_("登记组织")
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("外部共建组织")
        verbose_name_plural = _("外部共建组织")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Position(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    YOUTH = "youth", _("青年委员")
    WOMEN = "women", _("统战/妇女委员")
    OTHER = "other", _("委员")


class CommitteeQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)

    def due_before(self, day):
        return self.current().filter(due_on__lt=day)


class Committee(models.Model):
    """支部委员会 (or 党委/总支委员会) of one term (届次); a new election ends the previous term."""

    scope_path = "organization__path"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="committees", verbose_name=_("组织")
    )
    term_number = models.PositiveIntegerField(_("届次"), help_text=_("第几届"))
    elected_on = models.DateField(_("选举日期"))
    term_years = models.PositiveSmallIntegerField(
        _("任期（年）"), choices=[(3, _("3年")), (5, _("5年"))], default=3
    )
    # Stored, not only computed, so reminders can ask the database "which terms end before X".
    due_on = models.DateField(_("换届日期"), editable=False, db_index=True)
    ended_on = models.DateField(_("届满/换届日期"), null=True, blank=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")
        ordering = ["organization", "-term_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "term_number"], name="committee_unique_term")
        ]

    def __str__(self):
        return _("%(org)s 第%(n)s届委员会") % {"org": self.organization, "n": self.term_number}

    def save(self, *args, **kwargs):
        self.due_on = add_years(self.elected_on, self.term_years)
        super().save(*args, **kwargs)

    def clean(self):
        if self.elected_on and self.elected_on > timezone.localdate():
            raise ValidationError({"elected_on": _("选举日期不能晚于今天")})
        if self.ended_on and self.elected_on and self.ended_on < self.elected_on:
            raise ValidationError({"ended_on": _("届满日期不能早于选举日期")})

    @property
    def computed_due_on(self):
        return add_years(self.elected_on, self.term_years)

    def days_to_due(self, today=None):
        today = today or timezone.localdate()
        return (self.due_on - today).days


class CommitteeMember(models.Model):
    scope_path = "committee__organization__path"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="seats", verbose_name=_("委员会")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("党员")
    )
    position = models.CharField(_("职务"), max_length=30, choices=Position.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["committee", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "member"], name="committee_member_once"),
        ]

    def __str__(self):
        return f"{self.get_position_display()} {self.member}"


def validate_parent(kind, parent):
    """Raise ValidationError if an organization of `kind` may not sit under `parent`."""
    if parent is None:
        if kind != OrgKind.COMMITTEE:
            raise ValidationError(_("只有党委可以作为最上级组织"))
        return
    if kind not in ALLOWED_CHILDREN[OrgKind(parent.kind)]:
        raise ValidationError(
            _("%(parent)s（%(pkind)s）下不能设立%(kind)s")
            % {"parent": parent.name, "pkind": parent.get_kind_display(), "kind": OrgKind(kind).label}
        )

AUDITED = [Organization, ExternalOrganization, Committee, CommitteeMember]
