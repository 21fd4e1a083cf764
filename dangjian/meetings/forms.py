from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization, OrgKind

from .models import Meeting, MeetingKind, Rule


class TimeInput(forms.TimeInput):
    input_type = "time"


class MeetingForm(forms.ModelForm):
    other_orgs = forms.CharField(
        label=_("联合开展的其他组织（编码）"), required=False,
        help_text=_("联合主题党日等：填写其他参加组织的编码，用逗号分隔；活动将同时计入这些组织"))

    class Meta:
        model = Meeting
        fields = ["status", "topic", "held_on", "starts_at", "room", "place", "host", "recorder", "lecturer_member", "lecturer",
                  "secretary_lectured", "minutes"]
        widgets = {"held_on": DateInput(), "starts_at": TimeInput(), "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, org, kind, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.org, self.kind = user, org, kind
        people = attendees.order_by("name_initials", "name")
        self.fields["host"].queryset = people
        self.fields["recorder"].queryset = people
        self.fields["lecturer_member"].queryset = people
        self.fields["lecturer_member"].help_text = _("本组织党员授课时选择（计入其“讲授党课”积分）；外请授课人填在下一栏")
        self.fields["host"].empty_label = self.fields["recorder"].empty_label = _("请选择")
        from dangjian.rooms.models import Room

        self.fields["room"].queryset = Room.objects.usable_by(org).order_by("name")
        self.fields["room"].empty_label = _("（其他地点）")
        self.fields["room"].help_text = _("本组织及上级的阵地、与本组织共用的阵地；在其他地点召开时填写下一栏")
        self.fields["lecturer_member"].empty_label = _("（外请或未记录）")
        if kind != MeetingKind.LECTURE:
            del self.fields["lecturer"]
            del self.fields["lecturer_member"]
            del self.fields["secretary_lectured"]
        if kind in (MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.TALK):
            del self.fields["other_orgs"]
        if self.instance.pk and self.instance.status == "held":
            # A held meeting is a record of the past: a change says why (RULES.md "Records").
            self.fields["change_reason"] = forms.CharField(
                label=_("修改原因"), max_length=200, help_text=_("已召开会议的记录是历史，修改须说明原因，记入变更记录"))
            self.initial["change_reason"] = ""

    def clean_other_orgs(self):
        codes = [c.strip() for c in self.cleaned_data.get("other_orgs", "").replace("，", ",").split(",") if c.strip()]
        scope = Organization.objects.visible_to(self.user, "add").exclude(pk=self.org.pk)
        found = {o.code: o for o in scope.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("组织编码 %(c)s 不存在或不在您的管辖范围内") % {"c": "、".join(missing)})
        return list(found.values())

    def clean(self):
        cleaned = super().clean()
        self.instance.kind = self.kind
        if cleaned.get("lecturer_member") and not cleaned.get("lecturer"):
            cleaned["lecturer"] = cleaned["lecturer_member"].name  # the record names who taught it either way
        if cleaned.get("room") and not (cleaned.get("place") or "").strip():
            cleaned["place"] = cleaned["room"].name  # the ledger prints the place
        if "change_reason" in cleaned:
            self.instance.change_reason = cleaned["change_reason"]
        return cleaned


class RuleOverrideForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["enabled", "period", "min_count"]

    def clean_min_count(self):
        n = self.cleaned_data["min_count"]
        if n < 1:
            raise ValidationError(_("最少次数至少为1"))
        return n


def kind_choices_for(org):
    if org.kind == OrgKind.GROUP:
        return [(MeetingKind.GROUP, MeetingKind.GROUP.label), (MeetingKind.TALK, MeetingKind.TALK.label),
                (MeetingKind.OTHER, MeetingKind.OTHER.label)]
    return [(k, label) for k, label in MeetingKind.choices if k != MeetingKind.GROUP]
