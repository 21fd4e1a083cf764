"""党费 in the API: the calculator anyone signed in may ask, and the payments read through the same scope."""
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.api.base import ScopedReadOnlyViewSet
from dangjian.dues.models import Payment
from dangjian.dues.rates import category_names, category_of, check_income, monthly

from .serializers import CalculationSerializer, PaymentSerializer


def category_from(text):
    category = category_of(text)
    if category is None:
        raise exceptions.ValidationError({"category": [_("交纳类别无效，可选：%(c)s") % {"c": category_names()}]})
    return category


class DuesCalculatorView(APIView):
    @extend_schema(summary=_("党费计算"), description=_("按党费规定计算每月应交党费：比例与金额（元，两位小数）。"),
                   parameters=[OpenApiParameter("category", OpenApiTypes.STR, required=True,
                                                description=_("交纳类别：代码或中文名称，如 salaried 或 在职")),
                               OpenApiParameter("income", OpenApiTypes.DECIMAL, required=True,
                                                description=_("月收入（元，税后）；农民填每月交纳金额"))],
                   responses={200: CalculationSerializer})
    def get(self, request):
        category = category_from(request.query_params.get("category"))
        try:
            income = Decimal(request.query_params.get("income", "").strip())
            if not income.is_finite() or income != income.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise exceptions.ValidationError({"income": [_("请填写金额（元），最多两位小数")]}) from None
        problem = check_income(category, income)
        if problem:
            raise exceptions.ValidationError({"income": [problem]})
        rate, amount = monthly(category, income)
        return Response(CalculationSerializer({
            "category": category.value, "category_name": category.label, "income": income, "rate": rate,
            "rate_percent": None if rate is None else rate * 100, "amount": amount}).data)


@extend_schema_view(list=extend_schema(summary=_("党费交纳记录"), parameters=[
    OpenApiParameter("month", OpenApiTypes.DATE, description=_("所属月份（该月1日）"))]),
    retrieve=extend_schema(summary=_("党费交纳记录详情")))
class PaymentViewSet(ScopedReadOnlyViewSet):
    queryset = Payment.objects.select_related("member")
    serializer_class = PaymentSerializer
    filterset_fields = ["member", "month", "kind"]

    def get_queryset(self):
        return super().get_queryset().order_by("-month", "member_id", "id")
