from rest_framework import serializers

from dangjian.learning.models import Contest, Course, Drill, TrainingClass
from dangjian.members.models import Member


class CourseSerializer(serializers.ModelSerializer):
    attended = serializers.IntegerField(read_only=True, source="n")

    class Meta:
        model = Course
        fields = ["id", "title", "lecturer", "held_on", "hours", "attended"]


class TrainingClassSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    courses = serializers.SerializerMethodField()
    enrolled = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = ["id", "organization", "organization_name", "title", "starts_on", "ends_on", "place", "audience",
                  "agreement", "enrolled", "courses"]

    def get_courses(self, obj) -> list[dict]:
        return CourseSerializer(obj.courses_with_counts, many=True).data


class TrainingHoursSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    minimum = serializers.IntegerField(read_only=True)
    shortfall = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "organization", "organization_name", "hours", "minimum", "shortfall"]


class ContestSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    participants = serializers.IntegerField(read_only=True)
    best_score = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True, allow_null=True)

    class Meta:
        model = Contest
        fields = ["id", "organization", "organization_name", "title", "opens_at", "closes_at", "time_limit", "attempts",
                  "mode", "participants", "best_score"]


class DrillSerializer(serializers.ModelSerializer):
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    performer_name = serializers.CharField(source="performer.name", read_only=True)

    class Meta:
        model = Drill
        fields = ["id", "organization", "procedure", "procedure_name", "performer", "performer_name", "held_on"]
