"""党建阵地 in the API: read and write through the same scope as the pages."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.base import ScopedModelViewSet
from dangjian.rooms.models import Room

from .serializers import RoomSerializer


@extend_schema_view(list=extend_schema(summary=_("党建阵地")), retrieve=extend_schema(summary=_("党建阵地详情")),
                    create=extend_schema(summary=_("登记阵地")), update=extend_schema(summary=_("修改阵地")),
                    partial_update=extend_schema(summary=_("修改阵地（部分字段）")))
class RoomViewSet(ScopedModelViewSet):
    queryset = Room.objects.select_related("organization").prefetch_related("shared_with")
    serializer_class = RoomSerializer
    filterset_fields = ["organization"]

    def get_queryset(self):
        return super().get_queryset().order_by("organization__path", "name", "id")
