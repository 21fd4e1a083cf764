"""One FilterSet for organization lists (the API, and pages that want the same filters)."""
import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Organization, OrgKind


class OrganizationFilterSet(filters.FilterSet):
    """Filters over an already scoped queryset: an anchor (parent/within) outside the scope matches nothing."""

    q = filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("名称、简称或编码包含"))
    kind = filters.ChoiceFilter(label=_("组织类型"), choices=OrgKind.choices)
    parent = filters.NumberFilter(label=_("上级组织"), method="filter_parent", help_text=_("组织 id：只列其直接下级"))
    within = filters.NumberFilter(label=_("所属组织"), method="filter_within", help_text=_("组织 id：该组织及其全部下级"))
    active = filters.BooleanFilter(label=_("未撤销"), field_name="dissolved_on", lookup_expr="isnull",
                                   help_text=_("true：只列未撤销的组织；false：只列已撤销的组织"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "parent", "within", "active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))

    def _anchor(self, pk):
        # Resolved through the same scope as the list: an anchor outside scope matches nothing.
        return self.queryset.filter(pk=pk).values_list("path", "depth").first()

    @extend_schema_field(OpenApiTypes.INT)
    def filter_parent(self, queryset, name, value):
        anchor = self._anchor(value)
        if anchor is None:
            return queryset.none()
        return queryset.filter(path__startswith=anchor[0], depth=anchor[1] + 1)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_within(self, queryset, name, value):
        anchor = self._anchor(value)
        return queryset.filter(path__startswith=anchor[0]) if anchor else queryset.none()
