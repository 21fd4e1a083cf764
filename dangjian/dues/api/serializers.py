from rest_framework import serializers

from dangjian.dues.models import Payment


class CalculationSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="交纳类别代码")
    category_name = serializers.CharField(help_text="交纳类别")
    income = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="月收入（元）")
    rate = serializers.DecimalField(max_digits=5, decimal_places=3, allow_null=True,
                                    help_text="交纳比例（小数，如 0.015）；定额类别为空")
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                            help_text="交纳比例（百分数，如 1.50）；定额类别为空")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="每月应交（元，精确到分）")


class PaymentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "member", "member_name", "month", "kind", "amount", "paid_on", "receipt_no", "reversed",
                  "reversal_of", "reason", "recorded_at"]
