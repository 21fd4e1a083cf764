"""党建品牌、党建项目 and their milestones in the API: read and write through the same scope as the pages."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.base import ScopedModelViewSet
from dangjian.brands.models import Brand, Milestone, Project

from .serializers import BrandSerializer, MilestoneSerializer, ProjectSerializer


@extend_schema_view(list=extend_schema(summary=_("党建品牌"), description=_("管辖范围内的党建品牌（含品牌联建协议共建方可查阅的品牌）。")),
                    retrieve=extend_schema(summary=_("党建品牌详情")), create=extend_schema(summary=_("申报党建品牌")),
                    update=extend_schema(summary=_("修改党建品牌")), partial_update=extend_schema(summary=_("修改党建品牌（部分字段）")))
class BrandViewSet(ScopedModelViewSet):
    queryset = Brand.objects.select_related("organization", "theme")
    serializer_class = BrandSerializer
    filterset_fields = ["stage", "organization", "theme", "campaign"]

    def get_queryset(self):
        return super().get_queryset().order_by("organization__path", "name", "id")


@extend_schema_view(list=extend_schema(summary=_("党建项目")), retrieve=extend_schema(summary=_("党建项目详情")),
                    create=extend_schema(summary=_("党建项目立项")), update=extend_schema(summary=_("修改党建项目")),
                    partial_update=extend_schema(summary=_("修改党建项目（部分字段）")))
class ProjectViewSet(ScopedModelViewSet):
    queryset = Project.objects.select_related("organization").prefetch_related("milestones")
    serializer_class = ProjectSerializer
    filterset_fields = ["year", "status", "kind", "organization"]

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "organization__path", "title", "id")


@extend_schema_view(list=extend_schema(summary=_("项目节点")), retrieve=extend_schema(summary=_("项目节点详情")),
                    create=extend_schema(summary=_("添加项目节点")), update=extend_schema(summary=_("修改项目节点")),
                    partial_update=extend_schema(summary=_("修改项目节点（部分字段）")))
class MilestoneViewSet(ScopedModelViewSet):
    queryset = Milestone.objects.select_related("project")
    serializer_class = MilestoneSerializer
    filterset_fields = ["project"]

    def get_queryset(self):
        return super().get_queryset().order_by("due_on", "id")
