import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import add_years
from dangjian.core.scope import ScopedQuerySet

from . import idcard
from .pinyin import initials_of


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class Category(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    RETIRED = "retired", _("离退休")
    FLOATING = "floating", _("流动")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专/高中")
    JUNIOR = "junior", _("初中及以下")


class EndReason(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", _("组织关系转出")
    DECEASED = "deceased", _("去世")
    EXPELLED = "expelled", _("开除党籍")
    REMOVED = "removed", _("除名")
    RESIGNED = "resigned", _("退党")
    STOPPED = "stopped", _("停止党籍")


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族",
    "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族",
    "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
    "门巴族", "珞巴族", "基诺族",
]


class MemberQuerySet(ScopedQuerySet):
    def on_roll(self):
        """在册: membership not ended."""
        return self.filter(ended_on__isnull=True)

    def in_subtree(self, org):
        return self.filter(organization__path__startswith=org.path)

    def search(self, text):
        """One indexed condition per kind of input (an OR of several would defeat every index):
        digits → 身份证号 or phone, latin letters → pinyin initials, anything else → name."""
        text = unicodedata.normalize("NFKC", text or "").strip()  # full-width digits typed by an IME
        if not text:
            return self
        if text.isascii() and text.isalpha():
            return self.filter(prefix_range("name_initials", text.lower()))
        if looks_like_id_number(text):
            return self.filter(id_number=text.upper())
        if text.isdigit():
            return self.filter(prefix_range("phone", text))
        return self.filter(name__contains=text)


def looks_like_id_number(text):
    """A search text that is a whole 身份证号 (15 digits, or 17 and a check character)."""
    text = (text or "").strip()
    return len(text) >= 15 and text[:-1].isdigit()


def prefix_range(field, prefix):
    """`field LIKE 'prefix%'` as a range, which SQLite (case-insensitive LIKE) can serve from a btree index too."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


class Member(models.Model):
    """One row of the 党员花名册."""

    scope_path = "organization__path"

    name = models.CharField(_("姓名"), max_length=40)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=10, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    job = models.CharField(_("岗位/职务"), max_length=60, blank=True)
    joined_on = models.DateField(_("入党日期"))
    confirmed_on = models.DateField(_("转正日期"), null=True, blank=True)
    status = models.CharField(_("党员状态"), max_length=20, choices=Status.choices, default=Status.FULL)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices, default=Category.EMPLOYED)
    organization = models.ForeignKey(  # no index of its own: the two (organization, ended_on, …) indexes lead with it
        "orgs.Organization", on_delete=models.PROTECT, related_name="members", verbose_name=_("所在党组织"), db_index=False
    )
    party_group = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("党小组"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("登录账号"),
    )
    ended_on = models.DateField(_("党籍终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("终止说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic locking (core.versioning): the edit form saves only over the version it was opened at.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        # Pinyin order (by initials, then the name) as a Chinese roster reads, not Unicode code points.
        ordering = ["organization_id", "name_initials", "name", "id"]
        indexes = [
            models.Index(fields=["organization", "ended_on", "name_initials", "name"], name="member_org_roll_pinyin"),
            # Covers the roll counts by status (structural rules, dashboards) without touching the table.
            models.Index(fields=["organization", "ended_on", "status"], name="member_org_roll_status"),
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["joined_on"], name="member_joined"),
            models.Index(fields=["birth_date"], name="member_birth"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])

    @classmethod
    def self_scope_q(cls, mine):
        return Q(pk=mine["pk"])

    def save(self, *args, **kwargs):
        self.name_initials = initials_of(self.name)
        if self.id_number:
            self.id_number = idcard.normalize(self.id_number)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.id_number:
            try:
                self.id_number = idcard.validate_id_number(self.id_number)
            except ValidationError as e:
                errors["id_number"] = e.messages
            else:
                errors.update(idcard.consistency_errors(self.id_number, birth_date=self.birth_date, gender=self.gender))
        errors.update(date_errors(self, today))
        if self.organization_id and self.organization.kind == "group":
            errors["organization"] = _("党员应登记在党支部（或党总支、党委），党小组请在“党小组”中选择")
        if self.party_group_id:
            group = self.party_group
            if group.kind != "group" or not self.organization_id or not group.path.startswith(self.organization.path):
                errors["party_group"] = _("党小组必须是所在党支部下的党小组")
        if self.ended_on and not self.end_reason:
            errors["end_reason"] = _("请填写党籍终止原因")
        if errors:
            raise ValidationError(errors)

    @property
    def is_on_roll(self):
        return self.ended_on is None

    @property
    def age(self):
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def masked_id_number(self):
        return idcard.mask(self.id_number)


def date_errors(member, today):
    """Dates in the future or out of order (shared by the form, the API and the import)."""
    errors = {}
    for field in ("birth_date", "joined_on", "confirmed_on", "ended_on"):
        value = getattr(member, field)
        if value and value > today:
            errors[field] = _("%(f)s不能晚于今天") % {"f": Member._meta.get_field(field).verbose_name}
    b, j, c = member.birth_date, member.joined_on, member.confirmed_on
    if b and j and "joined_on" not in errors:
        # 党章 art. 1: 年满十八岁.
        if j < add_years(b, 18):
            errors["joined_on"] = _("入党时应年满十八岁，请核对入党日期和出生日期")
    if c and j and c < j and "confirmed_on" not in errors:
        errors["confirmed_on"] = _("转正日期不能早于入党日期")
    if member.status == Status.FULL and j and not c and "confirmed_on" not in errors:
        errors["confirmed_on"] = _("正式党员请填写转正日期")
    if member.status == Status.PROBATIONARY and c:
        errors["confirmed_on"] = _("预备党员尚未转正，不应填写转正日期")
    if member.ended_on and j and member.ended_on < j:
        errors["ended_on"] = _("党籍终止日期不能早于入党日期")
    return errors


class PostKind(models.TextChoices):
    VANGUARD = "vanguard", _("党员先锋岗")
    MODEL = "model", _("党员示范岗")
    AREA = "area", _("党员责任区")
    TEAM = "team", _("党员攻坚团队")
    OTHER = "other", _("其他")


class MemberPost(models.Model):
    """党员先锋岗、示范岗、责任区… held by a member."""

    scope_path = "member__organization__path"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts", verbose_name=_("党员"))
    kind = models.CharField(_("类别"), max_length=20, choices=PostKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    started_on = models.DateField(_("设岗日期"), default=timezone.localdate)
    ended_on = models.DateField(_("撤岗日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员岗位")
        verbose_name_plural = _("党员岗位")
        ordering = ["-started_on"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class TransferKind(models.TextChoices):
    INTERNAL = "internal", _("系统内转接")
    OUT = "out", _("转出")
    IN = "in", _("转入")


class Transfer(models.Model):
    """组织关系转接 — the history of where a member's organization relationship has been."""

    scope_path = "member__organization__path"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("党员"))
    kind = models.CharField(_("转接类型"), max_length=20, choices=TransferKind.choices)
    from_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转出组织")
    )
    to_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转入组织")
    )
    external_org = models.CharField(_("系统外组织"), max_length=120, blank=True)
    transferred_on = models.DateField(_("转接日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("经办人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-transferred_on", "-id"]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.transferred_on}"
class MemberTally(models.Model):
    """Members on the roll per organization, 党小组 and status, kept by database triggers (members/tally.py):
    the tree, an organization's page and the roster's page count read a subtree's size from a few hundred rows
    instead of counting 100,000 members on every request (Production issue)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="member_tallies")
    group_id = models.IntegerField(default=0)  # the 党小组 (Member.party_group), 0 for none
    status = models.CharField(max_length=20, choices=Status.choices)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("党员人数计数")
        verbose_name_plural = _("党员人数计数")
        constraints = [models.UniqueConstraint(fields=["organization", "group_id", "status"], name="member_tally_once")]
        indexes = [models.Index(fields=["group_id"], name="member_tally_group")]


AUDITED = [Member, MemberPost, Transfer]
