from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.core.scope import grant_paths
from dangjian.meetings.models import Meeting
from dangjian.members import idcard
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind, validate_parent


def _django_errors(e):
    if hasattr(e, "message_dict"):
        return {k if k != "__all__" else "non_field_errors": v for k, v in e.message_dict.items()}
    return {"non_field_errors": e.messages}


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), required=False, allow_null=True,
                                                help_text="上级组织 id（新建时必填；修改时只读，移动组织请用页面）")
    member_count = serializers.SerializerMethodField(help_text="全部下级在册党员数（仅详情）")

    class Meta:
        model = Organization
        fields = ["id", "kind", "kind_display", "code", "name", "short_name", "unit", "founded_on", "dissolved_on",
                  "order", "parent", "depth", "member_count"]
        read_only_fields = ["depth"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["parent"].queryset = Organization.objects.visible_to(request.user, "manage_org").exclude(
                kind=OrgKind.GROUP)

    def to_representation(self, instance):
        data = super().to_representation(instance)
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
            attrs.pop("parent", None)
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
            raise serializers.ValidationError(_django_errors(e)) from None
        return attrs

    def create(self, validated):
        parent = validated.pop("parent")
        org = Organization.objects.add_child(parent, instance=Organization(**validated))
        org.parent_id = parent.pk
        return org


class MemberSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none())
    party_group = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), required=False, allow_null=True)
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    id_number = serializers.CharField(max_length=18, help_text="身份证号；无权限者看到的是脱敏号码")

    class Meta:
        model = Member
        fields = ["id", "name", "name_initials", "gender", "gender_display", "ethnicity", "birth_date", "id_number",
                  "phone", "education", "unit", "job", "joined_on", "confirmed_on", "status", "status_display",
                  "category", "category_display", "organization", "organization_code", "organization_name",
                  "party_group", "ended_on", "end_reason"]
        read_only_fields = ["name_initials", "ended_on", "end_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            action = "change" if self.instance is not None else "add"
            scope = Organization.objects.visible_to(request.user, action)
            self.fields["organization"].queryset = scope.exclude(kind=OrgKind.GROUP)
            self.fields["party_group"].queryset = scope.filter(kind=OrgKind.GROUP)
            user = request.user
            paths = tuple(grant_paths(user, VIEW_IDCARD)) if user.is_authenticated else ()
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
        probe = Member(**{f.attname: getattr(self.instance, f.attname) for f in Member._meta.concrete_fields}) \
            if self.instance is not None else Member()
        for k, v in attrs.items():
            setattr(probe, k, v)
        try:
            probe.full_clean(exclude=["user"])
        except DjangoValidationError as e:
            raise serializers.ValidationError(_django_errors(e)) from None
        return attrs


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kind", "kind_display", "status", "topic", "held_on",
                  "starts_at", "place", "minutes"]
