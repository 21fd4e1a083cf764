"""Serializers for organizations and members: output shaped for clients, input checked by the model's own rules.

Every choice of organization is scoped to the user's subtree for the write's action, the 身份证号 is masked
for users without the right to see it, and django ValidationErrors come back keyed by field, in Chinese.
"""
import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.core.scope import grant_paths
from dangjian.meetings.models import Meeting
from dangjian.members import idcard
from dangjian.members.models import EndReason, Member
from dangjian.orgs.models import Organization, OrgKind, validate_parent
from dangjian.orgs.services import create_organization

from .base import drf_errors

OUT_OF_SCOPE_ORG = gettext_lazy("组织 id=%(pk_value)s 不存在或不在您的管辖范围内，请重新选择")


def scoped_org_field(**kwargs):
    """An organization id field whose choices are set per request (empty until then: fails closed)."""
    return serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), error_messages={"does_not_exist": OUT_OF_SCOPE_ORG}, **kwargs)


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


class MemberSerializer(serializers.ModelSerializer):
    organization = scoped_org_field(help_text=gettext_lazy("所在党组织 id（党支部、党总支或党委，须在管辖范围内）"))
    party_group = scoped_org_field(required=False, allow_null=True,
                                   help_text=gettext_lazy("党小组 id（须是所在党支部下的党小组）"))
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    education_display = serializers.CharField(source="get_education_display", read_only=True)
    # Read-only, and empty for a member on the roll: documented with the blank value it does take.
    end_reason = serializers.ChoiceField(choices=EndReason.choices, allow_blank=True, read_only=True,
                                         help_text=gettext_lazy("党籍终止原因；在册党员为空"))
    id_number = serializers.CharField(max_length=18, help_text=gettext_lazy("身份证号；无查看权限者看到的是脱敏号码"))

    class Meta:
        model = Member
        fields = ["id", "name", "name_initials", "gender", "gender_display", "ethnicity", "birth_date", "id_number",
                  "phone", "education", "education_display", "unit", "job", "joined_on", "confirmed_on", "status",
                  "status_display", "category", "category_display", "organization", "organization_code",
                  "organization_name", "party_group", "ended_on", "end_reason", "end_note", "created_at",
                  "updated_at"]
        # Ending a membership and transfers have their own pages and history; not a field edit.
        read_only_fields = ["name_initials", "ended_on", "end_reason", "end_note", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            action = "change" if self.instance is not None else "add"
            scope = Organization.objects.visible_to(user, action)
            self.fields["organization"].queryset = scope.exclude(kind=OrgKind.GROUP)
            self.fields["party_group"].queryset = scope.filter(kind=OrgKind.GROUP)
            # grant_paths is cached on the user object: no query per row.
            paths = tuple(grant_paths(user, VIEW_IDCARD))
            self._may_see = lambda m: user.is_superuser or m.user_id == user.pk or bool(
                paths and m.organization.path.startswith(paths))
        else:
            self._may_see = lambda m: False

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._may_see(instance):
            data["id_number"] = idcard.mask(instance.id_number)
        return data

    def validate_id_number(self, value):
        try:
            return idcard.validate_id_number(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from None

    def validate(self, attrs):
        """The model's own rules (ID consistency, date order, 党小组 under the branch, uniqueness)."""
        # A copy, not a fresh Member(): it keeps _state.adding = False, so the uniqueness check excludes itself,
        # and the instance itself stays untouched if validation fails.
        probe = copy.copy(self.instance) if self.instance is not None else Member()
        for k, v in attrs.items():
            setattr(probe, k, v)
        try:
            probe.full_clean(exclude=["user"])
        except DjangoValidationError as e:
            raise serializers.ValidationError(drf_errors(e)) from None
        return attrs


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kind", "kind_display", "status", "topic", "held_on",
                  "starts_at", "place", "minutes"]
