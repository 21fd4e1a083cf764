"""Meetings in the API, read-only: the tree scope plus the sources other apps register (co-building review)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.pagination import CursorPagination

from dangjian.api.base import ScopedReadOnlyViewSet
from dangjian.meetings.models import Meeting

from .serializers import MeetingSerializer


class MeetingCursor(CursorPagination):
    """Newest first, a page after a cursor: no COUNT over a group's hundreds of thousands of meetings (250 ms on
    PostgreSQL at 540,000) and no OFFSET that slows down page by page. Follow `next` until it is null."""

    ordering = ("-held_on", "-id")


@extend_schema_view(
    list=extend_schema(summary="会议活动列表", description="本人管辖范围内的组织生活记录，以及生效共建协议授权观摩的对方记录。"
                                                       "按日期从新到旧分页：沿 next 链接取下一页，直到 next 为 null。"),
    retrieve=extend_schema(summary="会议活动详情"),
)
class MeetingViewSet(ScopedReadOnlyViewSet):
    queryset = Meeting.objects.select_related("organization")
    serializer_class = MeetingSerializer
    filterset_fields = ["kind", "status"]
    pagination_class = MeetingCursor

    def get_queryset(self):
        return super().get_queryset().order_by("-held_on", "-id")
