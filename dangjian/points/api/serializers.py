from rest_framework import serializers

from dangjian.points.models import PointRule, StarScale


class BoardRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="pk", help_text="党员 id")
    name = serializers.CharField(help_text="姓名")
    organization = serializers.IntegerField(source="organization_id", help_text="所在党组织 id")
    organization_name = serializers.CharField(source="organization.name", help_text="所在党组织")
    points = serializers.DecimalField(max_digits=7, decimal_places=1, help_text="年度积分（指定季度时为截至该季度末的累计积分）")
    stars = serializers.IntegerField(allow_null=True, help_text="星级（0 为不合格；指定季度时为空：星级按年度评定）")


class LineSerializer(serializers.Serializer):
    date = serializers.DateField(source="on")
    item = serializers.CharField(help_text="积分项目")
    category = serializers.CharField(help_text="类别")
    source = serializers.CharField(help_text="来源：base、present、absent、host、lecturer、cobuilding 或 manual（人工申报，已审批）")
    points = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="计入的分值（封顶后）")
    raw = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="规则给出的分值")
    note = serializers.CharField(help_text="封顶说明")
    meeting = serializers.SerializerMethodField(help_text="依据的会议 id")
    item_id = serializers.SerializerMethodField(help_text="依据的人工积分事项 id")

    def get_meeting(self, line) -> int | None:
        return line.record.pk if line.record is not None and line.source != "manual" else None

    def get_item_id(self, line) -> int | None:
        return line.record.pk if line.source == "manual" else None


class LedgerSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.name")
    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=1)
    stars = serializers.IntegerField()
    lines = LineSerializer(many=True)


class PointRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointRule
        fields = ["id", "organization", "source", "meeting_kind", "manual_category", "item", "category", "points", "cap",
                  "cap_period", "needs_evidence", "committee_from", "enabled", "basis"]


class StarScaleSerializer(serializers.ModelSerializer):
    class Meta:
        model = StarScale
        fields = ["id", "organization", "of", "one", "two", "three", "four", "five", "basis"]
