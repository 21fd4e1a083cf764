from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.base import scoped_org_field
from dangjian.orgs.models import Organization
from dangjian.rooms.models import Room


class RoomSerializer(serializers.ModelSerializer):
    organization = scoped_org_field(help_text=_("所属组织 id（须在管辖范围内）"))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    shared_with = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Organization.objects.none(),
                                                     help_text=_("共用组织 id 列表"))
    area = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=0, required=False, allow_null=True)

    class Meta:
        model = Room
        fields = ["id", "organization", "organization_name", "name", "address", "area", "shared_with", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope = Organization.objects.visible_to(user, self.context.get("scope_action", "change"))
            self.fields["organization"].queryset = scope
            self.fields["shared_with"].child_relation.queryset = Organization.objects.visible_to(user)

    def validate(self, attrs):
        org = attrs.get("organization") or getattr(self.instance, "organization", None)
        name = attrs.get("name", getattr(self.instance, "name", ""))
        if org and Room.objects.filter(organization=org, name=name).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError({"name": _("本组织已有同名阵地")})
        return attrs
