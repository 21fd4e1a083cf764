"""学习培训 in the API, read-only through the same scope: classes with their courses and attendance counts, and
each member's training hours for a year against the minimum."""
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions

from dangjian.api.base import ScopedReadOnlyViewSet
from dangjian.learning import services
from dangjian.learning.models import Contest, Course, Drill, TrainingClass
from dangjian.members.models import Member

from .serializers import ContestSerializer, DrillSerializer, TrainingClassSerializer, TrainingHoursSerializer


@extend_schema_view(list=extend_schema(summary=_("培训班")), retrieve=extend_schema(summary=_("培训班详情")))
class TrainingClassViewSet(ScopedReadOnlyViewSet):
    queryset = TrainingClass.objects.select_related("organization")
    serializer_class = TrainingClassSerializer
    filterset_fields = ["organization"]

    def get_queryset(self):
        courses = Prefetch("courses", queryset=Course.objects.annotate(n=Count("attendance")).order_by("held_on", "pk"),
                           to_attr="courses_with_counts")
        return (super().get_queryset().annotate(enrolled=Count("enrolments", distinct=True)).prefetch_related(courses)
                .order_by("-starts_on", "id"))


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description=_("年度（2000–2100），默认今年"))


@extend_schema_view(list=extend_schema(summary=_("培训学时"), parameters=[YEAR],
                                       description=_("管辖范围内党员的年度培训学时、应达学时（党员 32、书记和委员 56）和差额。")),
                    retrieve=extend_schema(summary=_("党员培训学时"), parameters=[YEAR]))
class TrainingHoursViewSet(ScopedReadOnlyViewSet):
    queryset = Member.objects.select_related("organization")
    serializer_class = TrainingHoursSerializer
    filterset_fields = ["organization"]

    def get_queryset(self):
        raw = self.request.query_params.get("year") or str(timezone.localdate().year)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise exceptions.ValidationError({"year": [_("年度应为 2000 至 2100 之间的整数")]})
        return services.with_hours(super().get_queryset(), int(raw)).order_by("organization_id", "name", "id")


@extend_schema_view(list=extend_schema(summary=_("知识竞赛"), description=_("管辖范围内的竞赛，含参赛人数和最高分。")),
                    retrieve=extend_schema(summary=_("知识竞赛详情")))
class ContestViewSet(ScopedReadOnlyViewSet):
    queryset = Contest.objects.select_related("organization")
    serializer_class = ContestSerializer
    filterset_fields = ["organization", "mode"]

    def get_queryset(self):
        done = Q(attempt_set__submitted_at__isnull=False)
        return (super().get_queryset().annotate(participants=Count("attempt_set__member", filter=done, distinct=True),
                                                best_score=Max("attempt_set__score", filter=done))
                .order_by("-opens_at", "id"))


@extend_schema_view(list=extend_schema(summary=_("党务实操演练")), retrieve=extend_schema(summary=_("党务实操演练详情")))
class DrillViewSet(ScopedReadOnlyViewSet):
    queryset = Drill.objects.select_related("procedure", "performer")
    serializer_class = DrillSerializer
    filterset_fields = ["organization", "performer"]

    def get_queryset(self):
        return super().get_queryset().order_by("-held_on", "id")
