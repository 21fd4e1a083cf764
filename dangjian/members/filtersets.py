"""One FilterSet for the member list page, the API and the Excel export, so they cannot drift."""
import datetime

import django_filters as filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.core.dates import add_years
from dangjian.orgs.models import Organization

from .models import Category, Gender, Member, Status, looks_like_id_number

AGE_BANDS = [
    ("-35", _("35岁及以下")),
    ("36-45", _("36至45岁")),
    ("46-55", _("46至55岁")),
    ("56-60", _("56至60岁")),
    ("61-", _("61岁及以上")),
]

ROLL_CHOICES = [("on", _("在册")), ("ended", _("已终止")), ("all", _("全部"))]


def birth_range_for_band(band, today):
    """Age band "36-45" → (earliest, latest) birth dates, both inclusive or None."""
    low, _sep, high = band.partition("-")
    latest = add_years(today, -int(low)) if low else None  # at least `low` years old
    earliest = add_years(today, -(int(high) + 1)) + datetime.timedelta(days=1) if high else None
    return earliest, latest


class YearFilter(filters.NumberFilter):
    """A calendar year as a whole number in a sane range (a year 0 or 99999 is a message, not a server error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1921)  # the Party's founding year: no 入党日期 before it
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("error_messages", {
            "min_value": _("年份不能早于 %(limit_value)s 年"), "max_value": _("年份不能晚于 %(limit_value)s 年"),
            "invalid": _("请输入四位数的年份")})
        super().__init__(*args, **kwargs)


class MemberFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("搜索"), method="filter_q", widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音首字母、身份证号、电话")}))
    # A hidden field, not a <select>: a group admin's scope holds thousands of organizations.
    # The list page shows the chosen organization's name; the tree browser links here with ?org=ID.
    org = filters.ModelChoiceFilter(
        label=_("组织（含下级）"), queryset=Organization.objects.none(), method="filter_org", widget=forms.HiddenInput
    )
    status = filters.ChoiceFilter(label=_("党员状态"), choices=Status.choices)
    category = filters.ChoiceFilter(label=_("人员类别"), choices=Category.choices)
    gender = filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    age = filters.ChoiceFilter(label=_("年龄段"), choices=AGE_BANDS, method="filter_age")
    joined_year = YearFilter(label=_("入党年份"), field_name="joined_on", lookup_expr="year")
    roll = filters.ChoiceFilter(label=_("在册状态"), choices=ROLL_CHOICES, method="filter_roll", empty_label=None)

    class Meta:
        model = Member
        fields = ["q", "org", "status", "category", "gender", "age", "joined_year", "roll"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = Organization.objects.visible_to(user).only("id", "name", "path")

    @property
    def qs(self):
        qs = super().qs
        if not self.data.get("roll"):
            qs = qs.on_roll()
        return qs.select_related("organization", "party_group")

    def tally_count(self):
        """The list's length from the member tally when only the organization, status and 在册 filters are set
        (the default listing a group admin opens): counting 100,000 members was most of the page's cost. None
        when another filter is set or the tally cannot answer exactly (members.tally.roll_counts)."""
        from .tally import roll_counts

        data = self.form.cleaned_data
        if any(data.get(f) for f in ("q", "category", "gender", "age", "joined_year")) or data.get("roll") not in ("", None, "on"):
            return None
        counts = roll_counts(getattr(self.request, "user", None), data.get("org"))
        if counts is None:
            return None
        return counts.get(data["status"], 0) if data.get("status") else sum(counts.values())

    def filter_q(self, queryset, name, value):
        if looks_like_id_number(value):
            # Searching by a full 身份证号 is for those who may see it: otherwise a masked number plus the
            # birth date shown beside it could be completed by trying the ten check characters.
            user = getattr(self.request, "user", None)
            queryset = queryset.filter(pk__in=Member.objects.visible_to(user, VIEW_IDCARD).values("pk"))
        return queryset.search(value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_org(self, queryset, name, value):
        return queryset.in_subtree(value) if value else queryset

    def filter_age(self, queryset, name, value):
        earliest, latest = birth_range_for_band(value, timezone.localdate())
        if earliest:
            queryset = queryset.filter(birth_date__gte=earliest)
        if latest:
            queryset = queryset.filter(birth_date__lte=latest)
        return queryset

    def filter_roll(self, queryset, name, value):
        if value == "on":
            return queryset.on_roll()
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset
