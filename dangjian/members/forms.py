from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.roles import ADD, CHANGE
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.picker import OrgPickerWidget

from .models import ETHNICITIES, EndReason, Member, MemberPost


class OrgCodeField(forms.CharField):
    """An organization within a scope, picked from a list that fills as the user types its name (a <select> of
    5,000 branches helps nobody); the value is its code, which may also be typed or pasted."""

    def __init__(self, *args, queryset=None, action="view", units_only=True, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("widget", OrgPickerWidget(action=action, units_only=units_only))
        super().__init__(*args, max_length=40, **kwargs)

    def for_user(self, user, queryset):
        """Scope the field (choices and validation) to `user`."""
        self.queryset = queryset
        self.widget.user = user

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        org = self.queryset.filter(code=code.strip()).first()
        if org is None:
            raise ValidationError(_("组织编码 %(code)s 不存在或不在您的管辖范围内") % {"code": code})
        return org


class MemberForm(forms.ModelForm):
    organization = OrgCodeField(label=_("所在党组织"), action=ADD)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[(e, e) for e in ETHNICITIES], initial="汉族")

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "unit", "job",
            "joined_on", "confirmed_on", "status", "category", "organization", "party_group",
        ]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(), "confirmed_on": DateInput()}

    def __init__(self, *args, user, initial_org=None, **kwargs):
        super().__init__(*args, **kwargs)
        action = CHANGE if self.instance.pk else ADD
        scope = Organization.objects.visible_to(user, action).exclude(kind=OrgKind.GROUP)
        self.fields["organization"].widget.action = action
        self.fields["organization"].for_user(user, scope)
        org = self.instance.organization if self.instance.organization_id else initial_org
        if org is None:
            only = list(scope[:2])
            org = only[0] if len(only) == 1 else None  # a branch secretary: their branch
        if self.data.get(self.add_prefix("organization")):  # re-shown after an error: the groups of the org typed
            org = scope.filter(code=self.data[self.add_prefix("organization")].strip()).first() or org
        if org:
            self.initial["organization"] = org.code
        # All the groups in scope validate; the list shows the chosen organization's and refreshes when it changes.
        self.fields["party_group"].queryset = Organization.objects.visible_to(user, action).filter(kind=OrgKind.GROUP)
        self.fields["party_group"].choices = [("", _("（不编入党小组）"))] + [
            (g.pk, g.name) for g in (self.fields["party_group"].queryset.filter(path__startswith=org.path)
                                     .order_by("path") if org else [])]
        self.fields["party_group"].widget.attrs.update({
            "hx-get": reverse("orgs:party_groups") + f"?action={action}", "hx-target": "this",
            "hx-trigger": "change from:#id_organization, input changed delay:600ms from:#id_organization",
            "hx-include": "#id_organization, this", "hx-swap": "innerHTML"})
        self.fields["organization"].help_text = _("输入名称或编码后从列表中选择（括号内为上级组织）")
        # Filled from the 身份证号 when left empty (GB 11643 carries both).
        self.fields["gender"].required = self.fields["birth_date"].required = False
        for name, empty in (("gender", _("按身份证号自动填写")), ("education", _("请选择"))):
            self.fields[name].choices = [("", empty)] + [c for c in self.fields[name].choices if c[0]]
        self.fields["gender"].help_text = self.fields["birth_date"].help_text = _("可不填，按身份证号自动填写")
        if not self.instance.pk:
            # A new record is either a new member or one whose relationship arrives from outside the system.
            self.fields["transfer_in_from"] = forms.CharField(
                label=_("由系统外转入（原党组织名称）"), max_length=120, required=False,
                help_text=_("组织关系从系统外转入的，填写原党组织名称，将记入转接历史"),
            )
            self.fields["transfer_in_on"] = forms.DateField(label=_("转入日期"), required=False, widget=DateInput())

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        from .idcard import validate_id_number

        number = validate_id_number(value)
        clash = Member.objects.filter(id_number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("身份证号 %(n)s 已登记，请勿重复录入") % {"n": number[:4] + "…"})
        return number

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number:
            from . import idcard

            cleaned["gender"] = cleaned.get("gender") or idcard.gender_of(number)
            cleaned["birth_date"] = cleaned.get("birth_date") or idcard.birth_date_of(number)
        for field in ("gender", "birth_date"):
            if not cleaned.get(field) and field not in self.errors:
                self.add_error(field, _("请填写，或填写身份证号后自动生成"))
        org, group = cleaned.get("organization"), cleaned.get("party_group")
        if group and org and not group.path.startswith(org.path):
            self.add_error("party_group", _("党小组必须是所在党支部下的党小组"))
        if cleaned.get("transfer_in_from") and not cleaned.get("transfer_in_on"):
            self.add_error("transfer_in_on", _("请填写转入日期"))
        day = cleaned.get("transfer_in_on")
        if day and day > timezone.localdate():
            self.add_error("transfer_in_on", _("转入日期不能晚于今天"))
        return cleaned


class TransferForm(forms.Form):
    INTERNAL, OUT = "internal", "out"
    kind = forms.ChoiceField(
        label=_("转接类型"),
        choices=[(INTERNAL, _("系统内转接（转入本单位其他党组织）")), (OUT, _("转出到系统外"))],
        widget=forms.RadioSelect,
        initial=INTERNAL,
    )
    to_org = OrgCodeField(label=_("转入组织"), required=False, action=CHANGE)
    external_org = forms.CharField(label=_("转入的系统外党组织名称"), max_length=120, required=False)
    transferred_on = forms.DateField(label=_("转接日期"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        # Both ends must be in the user's scope: a transfer cannot move a record out of the scope the user holds.
        self.fields["to_org"].for_user(user, Organization.objects.visible_to(user, CHANGE).exclude(kind=OrgKind.GROUP))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == self.INTERNAL:
            to_org = cleaned.get("to_org")
            if not to_org and "to_org" not in self.errors:
                self.add_error("to_org", _("请填写转入组织编码"))
            elif to_org and to_org.pk == self.member.organization_id:
                self.add_error("to_org", _("转入组织与当前所在组织相同"))
        elif kind == self.OUT and not cleaned.get("external_org"):
            self.add_error("external_org", _("请填写转入的系统外党组织名称"))
        day = cleaned.get("transferred_on")
        if day and day > timezone.localdate():
            self.add_error("transferred_on", _("转接日期不能晚于今天"))
        if day and day < self.member.joined_on:
            self.add_error("transferred_on", _("转接日期不能早于入党日期"))
        return cleaned


class EndMembershipForm(forms.Form):
    ended_on = forms.DateField(label=_("党籍终止日期"), widget=DateInput(), initial=timezone.localdate)
    end_reason = forms.ChoiceField(
        label=_("终止原因"), choices=[c for c in EndReason.choices if c[0] != EndReason.TRANSFERRED_OUT]
    )
    end_note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise ValidationError(_("党籍终止日期不能晚于今天"))
        if day < self.member.joined_on:
            raise ValidationError(_("党籍终止日期不能早于入党日期"))
        return day


class PostForm(forms.ModelForm):
    class Meta:
        model = MemberPost
        fields = ["kind", "title", "started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        s, e = cleaned.get("started_on"), cleaned.get("ended_on")
        if s and e and e < s:
            self.add_error("ended_on", _("撤岗日期不能早于设岗日期"))
        return cleaned
