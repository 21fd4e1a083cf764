from rest_framework import serializers

from dangjian.recruitment.models import Candidate, StepRecord


class StepSerializer(serializers.ModelSerializer):
    people = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = StepRecord
        fields = ["step", "done_on", "ends_on", "meeting", "vote", "people", "days", "hours", "passed", "note"]


class CandidateSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "name", "organization", "organization_name", "stage", "member", "stopped_on", "steps"]
