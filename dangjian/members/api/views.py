"""Members in the API: the same FilterSet as the roster page and its export."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from dangjian.api.base import ScopedModelViewSet
from dangjian.members.filtersets import MemberFilterSet
from dangjian.members.models import Member

from .serializers import MemberSerializer


@extend_schema_view(
    list=extend_schema(
        summary=_("党员列表"),
        description=_("与党员名册页面相同的筛选：q（姓名/拼音首字母/身份证号/电话）、org（含下级）、"
                      "status、category、gender、age、joined_year、roll（默认只列在册）。"),
        parameters=[OpenApiParameter("org", OpenApiTypes.INT, description=_("组织 id：该组织及其全部下级的党员"))],
    ),
    retrieve=extend_schema(summary=_("党员详情")),
    create=extend_schema(summary=_("新增党员")),
    update=extend_schema(summary=_("修改党员")),
    partial_update=extend_schema(summary=_("修改党员（部分字段）")),
)
class MemberViewSet(ScopedModelViewSet):
    queryset = Member.objects.select_related("organization", "party_group")
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("organization_id", "name", "id")
