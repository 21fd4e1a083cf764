"""Points in the API, read-only: a page of members with their year points, one member's ledger, the rules."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response

from dangjian.api.base import ScopedReadOnlyViewSet
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.points import engine
from dangjian.points.forms import YearForm
from dangjian.points.models import PointRule, StarScale

from .serializers import BoardRowSerializer, LedgerSerializer, PointRuleSerializer, StarScaleSerializer

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description=_("年度（默认今年）"))
QUARTER = OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4],
                           description=_("季度 1–4：截至该季度末的累计积分（不填为全年）"))
ORG = OpenApiParameter("org", OpenApiTypes.INT, description=_("组织 id：该组织及其全部下级的在册党员"))


def period_of(request):
    """(year, quarter or None) from the query, or a 400 naming the bad parameter."""
    form = YearForm(request.query_params)
    if not form.is_valid():
        raise exceptions.ValidationError(form.errors)
    return form.period()


@extend_schema_view(
    list=extend_schema(summary=_("党员年度积分"), parameters=[YEAR, QUARTER, ORG], responses={200: BoardRowSerializer(many=True)},
                       description=_("本人管辖范围内的在册党员及其年度积分、星级，按组织和姓名排序分页；积分由记录计算。")),
    retrieve=extend_schema(summary=_("党员积分明细"), parameters=[YEAR], responses={200: LedgerSerializer},
                           description=_("每一行：日期、积分项目、依据的会议、计入分值和封顶说明。")),
)
class PointsViewSet(ScopedReadOnlyViewSet):
    queryset = Member.objects.select_related("organization")
    serializer_class = BoardRowSerializer
    filterset_class = None

    def get_queryset(self):
        return super().get_queryset().on_roll().order_by("organization__path", "name_initials", "id")

    def list(self, request, *args, **kwargs):
        year, quarter = period_of(request)
        members = self.get_queryset()
        org = request.query_params.get("org")
        if org is not None:
            chosen = Organization.objects.visible_to(request.user).filter(pk=org).first() if org.isdigit() else None
            if chosen is None:
                raise exceptions.ValidationError({"org": [_("组织不存在或不在您的管辖范围内")]})
            members = members.filter(organization__path__startswith=chosen.path)
        page = self.paginate_queryset(members)
        totals = engine.year_points(Member.objects.filter(pk__in=[m.pk for m in page]), year,
                                    until=engine.quarter_end(year, quarter))
        scales = engine.Scales()
        for m in page:
            m.points = totals.get(m.pk, 0)
            m.stars = None if quarter else scales.stars(m.points, m.organization.path)
        return self.get_paginated_response(BoardRowSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        year, _quarter = period_of(request)
        member = get_object_or_404(self.get_queryset().model.objects.visible_to(request.user)
                                   .select_related("organization"), pk=kwargs["pk"])
        ledger = engine.ledger(member, year)
        return Response(LedgerSerializer({"member": member, "year": year, "total": ledger.total,
                                          "stars": ledger.stars, "lines": ledger.lines}).data)


@extend_schema_view(list=extend_schema(summary=_("积分规则")), retrieve=extend_schema(summary=_("积分规则详情")))
class PointRuleViewSet(ScopedReadOnlyViewSet):
    queryset = PointRule.objects.select_related("organization")
    serializer_class = PointRuleSerializer
    filterset_fields = ["source", "organization"]

    def get_queryset(self):
        engine.defaults_present()
        return super().get_queryset().order_by("source", "meeting_kind", "id")


@extend_schema_view(list=extend_schema(summary=_("星级标准"), description=_(
    "每颗星的起点分值：全局默认，以及本人管辖范围内党组织为其下级设定的标准（离组织最近的生效）。")),
    retrieve=extend_schema(summary=_("星级标准详情")))
class StarScaleViewSet(ScopedReadOnlyViewSet):
    queryset = StarScale.objects.select_related("organization")
    serializer_class = StarScaleSerializer
    filterset_fields = ["of", "organization"]

    def get_queryset(self):
        engine.Scales()  # the defaults exist
        return super().get_queryset().order_by("of", "organization_id", "id")
