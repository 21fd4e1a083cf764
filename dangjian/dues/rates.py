"""How much 党费 a month: 《关于中国共产党党费收缴、使用和管理的规定》 (中组发〔2008〕3号), RULES.md "党费".

- Employees on monthly pay (after-tax regular pay): ≤ 3000 → 0.5 %; 3000 < x ≤ 5000 → 1 %; 5000 < x ≤ 10000 →
  1.5 %; > 10000 → 2 %. **One rate on the whole amount**, upper bounds inclusive (5100 → 1.5 % × 5100 = 76.50).
- Annual-salary members: the same scale on the pay actually received that month.
- Retirees: ≤ 5000 → 0.5 %, > 5000 → 1 %.
- Farmers: a fixed 0.2–1 yuan a month (the amount declared); students, the unemployed and those on relief
  (最低生活保障): 0.2 yuan a month.

Money is integers of fen inside (and in SQL, so both databases agree to the fen): the amount is
income_fen × per-mille rate / 1000, rounded half up once — (income_fen × ‰ + 500) // 1000.
"""
from decimal import Decimal

from django.db import models
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")


class DuesCategory(models.TextChoices):
    SALARIED = "salaried", _("在职（月薪）")
    ANNUAL = "annual", _("年薪制")
    RETIRED = "retired", _("离退休")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业")
    RELIEF = "relief", _("领取最低生活保障")


# (upper bound in fen, inclusive, or None for no bound; per-mille rate)
PAY_SCALE = [(300000, 5), (500000, 10), (1000000, 15), (None, 20)]
RETIRED_SCALE = [(500000, 5), (None, 10)]
SCALES = {DuesCategory.SALARIED: PAY_SCALE, DuesCategory.ANNUAL: PAY_SCALE, DuesCategory.RETIRED: RETIRED_SCALE}
FLAT_FEN = 20  # 0.2 yuan: students, the unemployed, those on relief
FLAT = {DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF}
FARMER_RANGE = (Decimal("0.20"), Decimal("1.00"))


def fen(amount):
    return int((Decimal(amount) * 100).quantize(Decimal(1)))


def per_mille(category, income_fen):
    for bound, rate in SCALES[category]:
        if bound is None or income_fen <= bound:
            return rate


def monthly(category, income):
    """(rate as a Decimal fraction or None for a fixed amount, the month's amount in yuan) for `income` yuan (for
    farmers: the fixed amount declared)."""
    category = DuesCategory(category)
    if category in FLAT:
        return None, (Decimal(FLAT_FEN) / 100).quantize(FEN)
    if category == DuesCategory.FARMER:
        return None, Decimal(income).quantize(FEN)
    income_fen = fen(income)
    rate = per_mille(category, income_fen)
    return Decimal(rate) / 1000, (Decimal((income_fen * rate + 500) // 1000) / 100).quantize(FEN)


def category_of(text):
    """A category from its code or its Chinese name, with or without the part in brackets (在职 / 在职（月薪）); None
    when it is none of them. The API and the sheet imports read categories the same way."""
    text = (text or "").strip()
    for code, label in DuesCategory.choices:
        if text in (code, str(label), str(label).split("（")[0]):
            return DuesCategory(code)
    return None


def category_names():
    return "、".join(str(label) for _c, label in DuesCategory.choices)


def check_income(category, income):
    """An error in Chinese for a declared base that cannot be right, else None."""
    if income is None:
        return _("请填写月收入（元）")
    if income < 0:
        return _("收入不能为负数")
    if category == DuesCategory.FARMER and not FARMER_RANGE[0] <= income <= FARMER_RANGE[1]:
        return _("农民党员每月交纳 0.2 元至 1 元，请填写每月交纳的金额")
    if income > Decimal("10000000"):
        return _("月收入超出合理范围，请核对")
    return None


def amount_fen_sql(category="category", income="income"):
    """The same rule as `monthly`, as an SQL expression of fen over the columns `category` and `income` (yuan):
    the set-based monthly computation and the roll-ups use it, never a loop per member."""
    income_fen = Cast(Round(ExpressionWrapper(F(income) * 100, output_field=models.DecimalField())), IntegerField())

    def scaled(scale):
        rate = Case(*[When(**{f"{income}__lte": Decimal(bound) / 100}, then=Value(r)) for bound, r in scale if bound],
                    default=Value(scale[-1][1]), output_field=IntegerField())
        return ExpressionWrapper((income_fen * rate + 500) / 1000, output_field=IntegerField())

    return Case(
        When(**{f"{category}__isnull": True}, then=Value(None)),  # no base declared: nothing can be computed
        When(**{f"{category}__in": [DuesCategory.SALARIED, DuesCategory.ANNUAL]}, then=scaled(PAY_SCALE)),
        When(**{category: DuesCategory.RETIRED}, then=scaled(RETIRED_SCALE)),
        When(**{category: DuesCategory.FARMER}, then=income_fen),
        default=Value(FLAT_FEN), output_field=IntegerField())
