from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import DateInput

from .models import ManualItem, PointRule, Source, StarScale
from .services import check_item, manual_rules


class YearForm(forms.Form):
    """The year a board or ledger shows; a year out of range is a message, not a server error."""

    year = forms.IntegerField(label=_("年度"), min_value=1921, max_value=2100, required=False, error_messages={
        "min_value": _("年份不能早于 %(limit_value)s 年"), "max_value": _("年份不能晚于 %(limit_value)s 年"),
        "invalid": _("请输入四位数的年份")})

    quarter = forms.TypedChoiceField(label=_("期间"), required=False, coerce=int, empty_value=None, choices=[
        ("", _("全年")), (1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
        error_messages={"invalid_choice": _("季度只能是 1–4")})

    def chosen(self):
        today = timezone.localdate().year
        return (self.cleaned_data.get("year") or today) if self.is_valid() else today

    def period(self):
        """(year, quarter or None): a quarter means the year up to that quarter's end (累计)."""
        return self.chosen(), self.cleaned_data.get("quarter") if self.is_valid() else None


class PointRuleOverrideForm(forms.ModelForm):
    class Meta:
        model = PointRule
        fields = ["enabled", "points", "cap", "cap_period", "needs_evidence", "committee_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.source == Source.MANUAL:  # per item, proposed and approved: no cap; evidence and 党委 rules
            del self.fields["cap"], self.fields["cap_period"]
            self.fields["points"].label = _("单项最高分值")
            self.fields["points"].help_text = _("每一项最多加（扣分类别为负数：最多扣）的分数")
        else:
            del self.fields["needs_evidence"], self.fields["committee_from"]

    def clean(self):
        data = super().clean()
        points, cap, period = data.get("points"), data.get("cap"), data.get("cap_period")
        if points is None:
            return data
        source = self.instance.source
        if source == Source.MANUAL:
            if points == 0 or (points < 0) != (self.instance.manual_category == "discipline"):
                self.add_error("points", _("扣分类别填负数，其他类别填正数，且不能为0"))
            elif abs(points) > Decimal(100):
                self.add_error("points", _("单项分值不能超过100分"))
            committee = data.get("committee_from")
            if committee is not None and committee <= 0:
                self.add_error("committee_from", _("应大于0；留空为不需党委审批"))
            return data
        if source == Source.BASE and points < 0:
            self.add_error("points", _("基础分不能为负数"))
        if source == Source.ABSENT and points > 0:
            self.add_error("points", _("扣分项的分值应为负数或0"))
        if source in (Source.PRESENT, Source.HOST, Source.LECTURER, Source.COBUILDING, Source.TRAINING, Source.QUIZ) and points < 0:
            self.add_error("points", _("加分项的分值不能为负数"))
        if abs(points) > Decimal(100):
            self.add_error("points", _("每次分值不能超过100分"))
        if (cap is None) != (not period):
            raise ValidationError(_("封顶分值和封顶周期须同时填写或同时留空"))
        if source == Source.BASE and period:
            self.add_error("cap_period", _("基础分每年计一次，不设封顶"))
        if cap is not None and cap <= 0:
            self.add_error("cap", _("封顶分值应大于0"))
        return data


class StarScaleForm(forms.ModelForm):
    """The five thresholds of a star scale; each star must begin above the one before (the check constraint says
    the same, this says it in Chinese next to the field)."""

    class Meta:
        model = StarScale
        fields = ["one", "two", "three", "four", "five"]

    def clean(self):
        data = super().clean()
        steps = [(name, data.get(name)) for name in self.Meta.fields]
        if any(v is None for _n, v in steps):
            return data
        if steps[0][1] <= 0:
            self.add_error("one", _("★ 的起点应大于0"))
        for (_before, low), (name, high) in zip(steps, steps[1:]):
            if high <= low:
                self.add_error(name, _("应高于上一星级的起点（%(v)s）") % {"v": low})
        if steps[-1][1] > Decimal(1000):
            self.add_error("five", _("起点不能超过1000分"))
        return data


class ManualItemForm(forms.ModelForm):
    """A manual item for a member of `org`: the categories enabled there, each checked against its rule."""

    class Meta:
        model = ManualItem
        fields = ["category", "on", "points", "reason", "evidence"]
        widgets = {"on": DateInput()}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = manual_rules(org)
        self.fields["category"].choices = [("", "---------")] + [
            (value, label) for value, label in self.fields["category"].choices if value in self.rules]

    def clean(self):
        data = super().clean()
        if not data.get("category"):
            return data
        for name, message in check_item(self.rules.get(data["category"]), data.get("points"), data.get("on"),
                                        data.get("evidence")).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)
