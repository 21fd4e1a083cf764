from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization

from .models import Room


class RoomForm(forms.ModelForm):
    shared_codes = forms.CharField(label=_("共用组织（编码）"), required=False,
                                   help_text=_("与其他组织共用时填写其编码，用逗号分隔；共用组织召开会议时可选择本阵地"))

    class Meta:
        model = Room
        fields = ["name", "address", "area", "note"]

    def __init__(self, *args, user, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.owner = user, owner
        if self.instance.pk:
            self.initial["shared_codes"] = ",".join(self.instance.shared_with.values_list("code", flat=True))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Room.objects.filter(organization=self.owner, name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("本组织已有同名阵地"))
        return name

    def clean_shared_codes(self):
        codes = [c.strip() for c in self.cleaned_data.get("shared_codes", "").replace("，", ",").split(",") if c.strip()]
        found = {o.code: o for o in Organization.objects.visible_to(self.user).filter(code__in=codes)
                 .exclude(pk=self.owner.pk)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("组织编码 %(c)s 不存在或不在您的管辖范围内") % {"c": "、".join(missing)})
        return list(found.values())


class InspectionForm(forms.Form):
    """One inspection: the date, who checked, and per item met or not (fields built from the checklist)."""

    inspected_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    inspector = forms.CharField(label=_("检查人"), max_length=60)
    comment = forms.CharField(label=_("检查意见"), max_length=300, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"met_{item.pk}"] = forms.BooleanField(label=item.title, required=False, help_text=item.standard)

    def results(self):
        return {item: self.cleaned_data.get(f"met_{item.pk}", False) for item in self.items}


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("照片"))
    item = forms.ChoiceField(label=_("对应项目"), required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(i.pk): i for i in items}
        self.fields["item"].choices = [("", _("（整体）"))] + [(k, i.title) for k, i in self.items.items()]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".jpg", ".jpeg", ".png")):
            raise ValidationError(_("请上传照片（jpg 或 png）"))
        check_attachment(f)
        return f

    def clean_item(self):
        return self.items.get(self.cleaned_data.get("item") or "")
