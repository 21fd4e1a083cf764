"""Brands, projects and milestones in the API. The lifecycle fields (a brand's stage, a project's status) are
read-only: a transition is a decision of the organization above, made on the page with its rules (services)."""
import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.base import drf_errors, scoped_org_field
from dangjian.brands import services
from dangjian.brands.models import Brand, Milestone, Project, Theme
from dangjian.orgs.models import Organization


def _scope_orgs(serializer):
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        serializer.fields["organization"].queryset = Organization.objects.visible_to(
            user, serializer.context.get("scope_action", "change"))
    return user


def _dated(value, label):
    if value and not datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31):
        raise serializers.ValidationError(_("%(f)s应在 2000 至 2100 年之间") % {"f": label})
    return value


class BrandSerializer(serializers.ModelSerializer):
    organization = scoped_org_field(help_text=_("创建组织 id（须在管辖范围内）"))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    theme = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all())
    theme_name = serializers.CharField(source="theme.name", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Brand
        fields = ["id", "organization", "organization_name", "campaign", "name", "slogan", "connotation", "theme",
                  "theme_name", "measures", "stage", "stage_display", "declared_on"]
        read_only_fields = ["stage", "campaign"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_orgs(self)

    def validate_declared_on(self, value):
        return _dated(value, _("申报日期"))

    def create(self, validated):
        try:
            return services.declare_brand(brand=Brand(**validated), by=self.context["request"].user)
        except DjangoValidationError as e:
            raise serializers.ValidationError(drf_errors(e)) from None


class MilestoneSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(), help_text=_("项目 id（须在管辖范围内）"))

    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "due_on", "done_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.fields["project"].queryset = Project.objects.visible_to(user, "change")

    def validate_due_on(self, value):
        return _dated(value, _("计划完成日期"))

    def validate(self, attrs):
        done = attrs.get("done_on", getattr(self.instance, "done_on", None))
        project = attrs.get("project") or getattr(self.instance, "project", None)
        if done and (done > datetime.date.today() or done < project.started_on):
            raise serializers.ValidationError({"done_on": _("完成日期应在立项日期（%(d)s）至今天之间") % {"d": project.started_on}})
        return attrs


class ProjectSerializer(serializers.ModelSerializer):
    organization = scoped_org_field(help_text=_("承担组织 id（须在管辖范围内）"))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = Project
        fields = ["id", "organization", "organization_name", "year", "kind", "title", "theme", "problem", "goal",
                  "measures", "status", "status_display", "started_on", "closed_on", "milestones"]
        read_only_fields = ["status", "closed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_orgs(self)

    def validate_started_on(self, value):
        return _dated(value, _("立项日期"))

    def create(self, validated):
        try:
            return services.open_project(project=Project(**validated), by=self.context["request"].user)
        except DjangoValidationError as e:
            raise serializers.ValidationError(drf_errors(e)) from None
