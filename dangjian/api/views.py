"""API endpoints: thin viewsets over the scoped base; the filters are the pages' own FilterSets."""
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from dangjian.meetings.models import Meeting
from dangjian.members.filtersets import MemberFilterSet
from dangjian.members.models import Member
from dangjian.orgs.filtersets import OrganizationFilterSet
from dangjian.orgs.models import Organization
from dangjian.orgs.services import with_member_counts

from .base import ScopedModelViewSet, ScopedReadOnlyViewSet
from .serializers import MeetingSerializer, MemberSerializer, OrganizationSerializer


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


@extend_schema_view(
    list=extend_schema(summary="会议活动列表", description="本人管辖范围内的组织生活记录，以及生效共建协议授权观摩的对方记录。"),
    retrieve=extend_schema(summary="会议活动详情"),
)
class MeetingViewSet(ScopedReadOnlyViewSet):
    queryset = Meeting.objects.select_related("organization")
    serializer_class = MeetingSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return super().get_queryset().order_by("-held_on", "-id")
