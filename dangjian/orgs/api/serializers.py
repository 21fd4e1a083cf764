"""The organization API's serializer: output shaped for clients, input checked by the model's own rules."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.api.base import drf_errors, scoped_org_field
from dangjian.orgs.models import Organization, OrgKind, validate_parent
from dangjian.orgs.services import create_organization


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, help_text=gettext_lazy("组织类型名称"))
    parent = scoped_org_field(required=False, allow_null=True,
                              help_text=gettext_lazy("上级组织 id（新建时必填；修改时只读，移动组织请用页面）"))
    member_count = serializers.SerializerMethodField(
        help_text=gettext_lazy("本组织及全部下级的在册党员数（仅详情；列表中为 null，以免每行一次计数）"))

    class Meta:
        model = Organization
        fields = ["id", "kind", "kind_display", "code", "name", "short_name", "unit", "founded_on", "dissolved_on",
                  "order", "parent", "depth", "member_count"]
        read_only_fields = ["depth"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # 党小组 has no children (支部条例: 党小组 only under a branch), so it is never a parent.
            self.fields["parent"].queryset = Organization.objects.visible_to(request.user, "manage_org").exclude(
                kind=OrgKind.GROUP)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The viewset annotates parent_id (one subquery); a freshly created org carries it from create().
        data["parent"] = getattr(instance, "parent_id", None)
        return data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_member_count(self, obj):
        return getattr(obj, "member_count", None)

    def validate(self, attrs):
        if self.instance is None:
            parent = attrs.get("parent")
            if parent is None:
                raise serializers.ValidationError({"parent": _("请指定上级组织")})
            try:
                validate_parent(attrs.get("kind"), parent)
            except DjangoValidationError as e:
                raise serializers.ValidationError({"kind": e.messages}) from None
        else:
            attrs.pop("parent", None)  # moving a subtree is its own page with its own checks
            if "kind" in attrs and attrs["kind"] != self.instance.kind:
                raise serializers.ValidationError({"kind": _("组织类型不能修改")})
        probe = Organization(**{k: v for k, v in attrs.items() if k != "parent"})
        if self.instance is not None:
            for f in ("founded_on", "dissolved_on"):
                if f not in attrs:
                    setattr(probe, f, getattr(self.instance, f))
        try:
            probe.clean()
        except DjangoValidationError as e:
            raise serializers.ValidationError(drf_errors(e)) from None
        return attrs

    def create(self, validated):
        parent = validated.pop("parent")
        org = create_organization(parent=parent, instance=Organization(**validated), by=self.context["request"].user)
        org.parent_id = parent.pk
        return org
