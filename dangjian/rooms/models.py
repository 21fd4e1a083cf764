"""党建阵地 (seed 003: activity rooms built to the "六有" standard). A room belongs to one organization and may be
shared by others; the checklist is data (the 六有 by default — versions differ by company), and each inspection
records, item by item, whether the room met it then — a room's state is its latest inspection, its history the rest."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scope import ScopedManager, ScopedQuerySet, grant_paths, sources_q

DEFAULT_CHECKLIST = [  # (title, standard)
    ("有场所", "有固定的党员活动场所，面积满足开展组织生活需要"),
    ("有设施", "有桌椅、电教设备等必要设施"),
    ("有标志", "有党组织标牌和党徽标志"),
    ("有党旗", "有党旗，便于开展入党宣誓等活动"),
    ("有书报", "有党建书籍、报刊等学习资料"),
    ("有制度", "三会一课等制度上墙"),
]


class RoomQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """The owner's subtree by the tree; for reading, also the rooms shared with an organization in scope."""
        scoped = super().visible_to(user, action)
        extra = sources_q(Room, user, action)
        if extra is None:
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | extra).distinct()

    def usable_by(self, org):
        """The rooms an organization may hold a meeting in: its own, its ancestors', and those shared with it."""
        from dangjian.core.rulebook import prefixes

        return self.filter(Q(organization__path__in=prefixes(org.path, org.steplen)) | Q(shared_with=org)).distinct()


def shared_source(user, action):
    if action != "view":
        return None
    paths = grant_paths(user, action)
    if not paths:
        return None
    q = Q()
    for path in paths:
        q |= Q(shared_with__path__startswith=path)
    return q


class Room(models.Model):
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="rooms",
                                     verbose_name=_("所属组织"))
    name = models.CharField(_("阵地名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True)
    shared_with = models.ManyToManyField("orgs.Organization", blank=True, related_name="shared_rooms",
                                         verbose_name=_("共用组织"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager.from_queryset(RoomQuerySet)()

    class Meta:
        verbose_name = _("党建阵地")
        verbose_name_plural = _("党建阵地")
        ordering = ["organization__path", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="room_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rooms:detail", args=[self.pk])


class ChecklistItem(models.Model):
    """One item of the 阵地 standard. Items without an organization are the default (六有); a company that uses
    another version defines its own items on its 党委, and its subtree uses those instead (nearest wins)."""
    scope_path = "organization__path"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("适用组织"))
    version = models.CharField(_("标准版本"), max_length=40, default="六有")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("项目"), max_length=40)
    standard = models.CharField(_("标准"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("阵地标准项目")
        verbose_name_plural = _("阵地标准项目")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    @classmethod
    def ensure_defaults(cls):
        """The default 六有 (the data migration's; again if a database was emptied of them)."""
        cls.objects.bulk_create(cls(order=i, title=t, standard=s, version="六有") for i, (t, s) in enumerate(DEFAULT_CHECKLIST, 1))

    @classmethod
    def for_org(cls, org):
        """The items that apply to `org`: those of its nearest ancestor (or itself) that defines any, else the
        default."""
        from dangjian.core.rulebook import prefixes

        if not cls.objects.filter(organization__isnull=True).exists():
            cls.ensure_defaults()
        defined = (cls.objects.filter(organization__path__in=prefixes(org.path, org.steplen))
                   .order_by("-organization__depth").values_list("organization_id", flat=True).first())
        return list(cls.objects.filter(organization_id=defined) if defined else cls.objects.filter(organization__isnull=True))


class Inspection(models.Model):
    """A check of a room against the standard on a day: each item met or not, with a note."""
    scope_path = "room__organization__path"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("阵地"))
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.CharField(_("检查人"), max_length=60)
    comment = models.CharField(_("检查意见"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("阵地检查")
        verbose_name_plural = _("阵地检查")
        ordering = ["-inspected_on", "-pk"]


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    met = models.BooleanField(_("达标"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_once")]


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """A photo is read with its room (a sharing organization sees the room's photos too)."""
        return self.filter(room__in=Room.objects.visible_to(user, action).values("pk"))


class Photo(models.Model):
    """A photo of a room, optionally of one checklist item (the 党旗, the 制度上墙…)."""
    scope_path = "room__organization__path"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="photos", verbose_name=_("阵地"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("对应项目"))
    file = models.FileField(_("照片"), upload_to="rooms/%Y/")
    name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["item__order", "pk"]


AUDITED = [Room, Inspection, ChecklistItem]
