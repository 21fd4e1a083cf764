from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import ExternalOrganization, Organization

from .models import Agreement, Category, Measure, OutputKind, Who

TARGET_ROWS = 6


class AgreementForm(forms.ModelForm):
    org_codes = forms.CharField(label=_("本系统内的共建方（组织编码）"), help_text=_("用逗号分隔，如 SW,WH；至少一方在您的管辖范围内"))
    externals = forms.ModelMultipleChoiceField(label=_("外部共建组织"), queryset=ExternalOrganization.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Agreement
        fields = ["title", "level", "starts_on", "ends_on", "signed_on", "document"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "signed_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["externals"].queryset = ExternalOrganization.objects.visible_to(user)
        self.target_rows = []
        for i in range(TARGET_ROWS):
            self.fields[f"t{i}_measure"] = forms.ChoiceField(label=_("考核内容"), required=False,
                                                             choices=[("", _("请选择"))] + list(Measure.choices))
            self.fields[f"t{i}_category"] = forms.ChoiceField(label=_("八联类别"), required=False,
                                                              choices=[("", _("不限"))] + list(Category.choices))
            self.fields[f"t{i}_output_kind"] = forms.ChoiceField(label=_("成果类型"), required=False,
                                                                 choices=[("", _("不限"))] + list(OutputKind.choices))
            self.fields[f"t{i}_min_count"] = forms.IntegerField(label=_("不少于"), required=False, min_value=1)
            self.fields[f"t{i}_who"] = forms.ChoiceField(label=_("完成方式"), choices=Who.choices, initial=Who.JOINTLY,
                                                         required=False)
            self.target_rows.append([self[f"t{i}_{f}"] for f in ("measure", "category", "output_kind", "min_count", "who")])

    def agreement_fields(self):
        """The agreement's own fields (the target rows are laid out as a table of their own)."""
        return [f for f in self.visible_fields() if not (f.name[:1] == "t" and f.name[1:2].isdigit())]

    def clean_org_codes(self):
        codes = [c.strip() for c in self.cleaned_data["org_codes"].replace("，", ",").split(",") if c.strip()]
        found = {o.code: o for o in Organization.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("组织编码 %(c)s 不存在") % {"c": "、".join(missing)})
        return [found[c] for c in codes]

    def clean_document(self):
        doc = self.cleaned_data.get("document")
        if doc and hasattr(doc, "size"):
            check_attachment(doc)
        return doc

    def clean(self):
        cleaned = super().clean()
        targets = []
        for i in range(TARGET_ROWS):
            measure, n = cleaned.get(f"t{i}_measure"), cleaned.get(f"t{i}_min_count")
            if not measure and not n:
                continue
            if not measure or not n:
                self.add_error(f"t{i}_min_count" if measure else f"t{i}_measure", _("请填写完整的目标"))
                continue
            targets.append({"measure": measure, "min_count": n, "who": cleaned.get(f"t{i}_who") or Who.JOINTLY,
                            "category": cleaned.get(f"t{i}_category") or "",
                            "output_kind": cleaned.get(f"t{i}_output_kind") or ""})
        if not targets:
            raise ValidationError(_("请至少填写一项共建目标"))
        cleaned["targets"] = targets
        return cleaned


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    category = forms.ChoiceField(label=_("八联类别"), choices=Category.choices)
    is_exchange = forms.BooleanField(label=_("属于交流"), required=False)
    summary = forms.CharField(label=_("活动简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    parties = forms.ModelMultipleChoiceField(label=_("参加方"), queryset=None, widget=forms.CheckboxSelectMultiple)
    photo = forms.FileField(label=_("活动照片"), required=False, help_text=_("jpg 或 png"))

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = agreement.parties.select_related("organization", "external")
        self.fields["parties"].label_from_instance = lambda p: p.name

    def clean_photo(self):
        f = self.cleaned_data.get("photo")
        if f:
            if not f.name.lower().endswith((".jpg", ".jpeg", ".png")):
                raise ValidationError(_("活动照片仅限 jpg、png"))
            check_attachment(f)
        return f


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=OutputKind.choices)
    title = forms.CharField(label=_("成果名称"), max_length=200)
    produced_on = forms.DateField(label=_("日期"), widget=DateInput())
    party = forms.ModelChoiceField(label=_("完成方"), queryset=None, required=False, empty_label=_("双方共同"))
    file = forms.FileField(label=_("文件"), required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.select_related("organization", "external")
        self.fields["party"].label_from_instance = lambda p: p.name

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f:
            check_attachment(f)
        return f
