"""发展党员 in the API, read-only through the same scope: each person with their stage and recorded steps."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.base import ScopedReadOnlyViewSet
from dangjian.recruitment.models import Candidate

from .serializers import CandidateSerializer


@extend_schema_view(list=extend_schema(summary=_("发展党员对象"), description=_("本人管辖范围内的发展党员对象及已登记的步骤。")),
                    retrieve=extend_schema(summary=_("发展党员对象详情")))
class CandidateViewSet(ScopedReadOnlyViewSet):
    queryset = Candidate.objects.select_related("organization").prefetch_related("steps__people")
    serializer_class = CandidateSerializer
    filterset_fields = ["stage", "organization"]

    def get_queryset(self):
        return super().get_queryset().order_by("organization__path", "name", "id")
