import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.forms import DateInput

from .models import ReliefKind
from .rates import DuesCategory, check_income


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker), the first of the month inside."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("请按“年-月”填写月份，如 2026-05")}

    def to_python(self, value):
        day = super().to_python(value)
        if day is None:
            return None
        if not datetime.date(1921, 7, 1) <= day <= datetime.date(2100, 12, 31):
            raise forms.ValidationError(_("月份超出范围"))
        return day.replace(day=1)


class MonthForm(forms.Form):
    month = MonthField(label=_("月份"), required=False)

    def chosen(self):
        today = timezone.localdate().replace(day=1)
        return (self.cleaned_data.get("month") or today) if self.is_valid() else today


class IncomeChecked:
    """A category and an income that cannot be right together is a message next to the income (rates.check_income)."""

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("income") is not None:
            problem = check_income(data["category"], data["income"])
            if problem:
                self.add_error("income", problem)
        return data


class BaseForm(IncomeChecked, forms.Form):
    starts_on = MonthField(label=_("起始月份"), help_text=_("工资变动从变动当月起按新基数计算"))
    category = forms.ChoiceField(label=_("交纳类别"), choices=DuesCategory.choices)
    income = forms.DecimalField(label=_("月收入（元）"), max_digits=12, decimal_places=2, min_value=Decimal(0),
                                help_text=_("税后工资收入（基本工资、岗位工资、奖金等，扣除个人所得税；不含住房公积金和社会保险补贴）；"
                                            "农民党员填每月交纳金额"),
                                error_messages={"max_decimal_places": _("金额最多精确到分（两位小数）")})
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class BatchForm(forms.Form):
    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput())
    receipt_prefix = forms.CharField(label=_("收据号前缀"), max_length=30, required=False,
                                     help_text=_("填写后按顺序编号，如 DF202605-001"))

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("交纳日期不能晚于今天"))
        return day


class VoluntaryForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=Decimal(1000),
                                error_messages={"min_value": _("一次性自愿交纳 1000 元及以上的单独登记"),
                                                "max_decimal_places": _("金额最多精确到分（两位小数）")})
    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput())
    receipt_no = forms.CharField(label=_("收据号"), max_length=40, required=False)

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("交纳日期不能晚于今天"))
        return day


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ReliefKind.choices)
    starts_on = MonthField(label=_("起始月份"))
    ends_on = MonthField(label=_("截止月份"))
    amount = forms.DecimalField(label=_("减交后每月交纳（元）"), max_digits=12, decimal_places=2, min_value=Decimal(0),
                                required=False, help_text=_("减交时填写；免交留空"))
    reason = forms.CharField(label=_("原因（支部审核意见）"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲正原因"), max_length=200)


class CalculatorForm(IncomeChecked, forms.Form):
    category = forms.ChoiceField(label=_("交纳类别"), choices=DuesCategory.choices, initial=DuesCategory.SALARIED)
    income = forms.DecimalField(label=_("月收入（元）"), max_digits=12, decimal_places=2, min_value=Decimal(0),
                                error_messages={"max_decimal_places": _("金额最多精确到分（两位小数）")})
