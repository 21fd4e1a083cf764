from rest_framework import serializers

from dangjian.meetings.models import Meeting


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kind", "kind_display", "status", "topic", "held_on",
                  "starts_at", "place", "minutes"]
