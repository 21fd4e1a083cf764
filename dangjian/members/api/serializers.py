"""The member API's serializer: the 身份证号 masked for users without the right to see it, the organization
choices scoped to the user's subtree for the write's action, the model's own rules on input."""
import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.api.base import drf_errors, scoped_org_field
from dangjian.core.scope import grant_paths
from dangjian.members import idcard
from dangjian.members.models import EndReason, Member
from dangjian.orgs.models import Organization, OrgKind


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
