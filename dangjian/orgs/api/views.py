"""Organizations in the API: the pages' FilterSet, the parent's id and the subtree's member count in SQL."""
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.base import ScopedModelViewSet
from dangjian.orgs.filtersets import OrganizationFilterSet
from dangjian.orgs.models import Organization
from dangjian.orgs.services import with_member_counts

from .serializers import OrganizationSerializer


def with_parent_ids(qs):
    """The parent's id from the path (its first depth-1 steps) in the same query, not one query per row."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    return qs.annotate(parent_id=Subquery(Organization.objects.filter(path=parent_path).order_by().values("pk")[:1]))


@extend_schema_view(
    list=extend_schema(summary=_("组织列表"),
                       description=_("当前用户管辖范围内的党组织，按树的顺序；可按名称、类型、上级、所属组织、是否撤销筛选。")),
    retrieve=extend_schema(summary=_("组织详情")),
    create=extend_schema(summary=_("新建下级组织")),
    update=extend_schema(summary=_("修改组织")),
    partial_update=extend_schema(summary=_("修改组织（部分字段）")),
)
class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    write_action = "manage_org"

    def get_queryset(self):
        qs = with_parent_ids(super().get_queryset()).order_by("path")
        if self.action == "retrieve":
            qs = with_member_counts(qs)
        return qs
