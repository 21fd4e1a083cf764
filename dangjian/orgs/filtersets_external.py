import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ExternalOrganization


class ExternalOrganizationFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("搜索"), method="filter_q")

    class Meta:
        model = ExternalOrganization
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(unit__icontains=value) | Q(contact__icontains=value))
