"""党费基数 from a payroll sheet (Issue member lifecycle: "imported from a payroll Excel sheet with the roster import's
discipline"): every row checked first — the member by 身份证号 within the importer's scope, the name against it, the
category, the income to the fen and against the rules, the month — and nothing is written unless every row is
right; then all rows in one transaction. The same file reader and row errors as the roster import."""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.members import idcard
from dangjian.members.importer import ImportResult, RosterFileError, RowError, read_rows
from dangjian.members.models import Member
from dangjian.members.roster import CellError, cell_text, parse_date

from . import services
from .rates import DuesCategory, category_names, category_of, check_income, fen

HEADERS = ["身份证号", "姓名", "交纳类别", "月收入（元）", "起始月份"]
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y年%m月", "%Y.%m")


def _category(text):
    category = category_of(text)
    if category is None:
        raise CellError(_("交纳类别“%(v)s”无效，可选：%(c)s") % {"v": text, "c": category_names()})
    return category.value


def _income(value):
    try:
        amount = Decimal(cell_text(value).replace(",", "")) if not isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        raise CellError(_("金额“%(v)s”无法识别，请填写数字（元）") % {"v": cell_text(value)}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("金额最多精确到分（两位小数）"))
    return amount


def _month(value):
    if value in (None, ""):
        return timezone.localdate().replace(day=1)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return parse_date(value).replace(day=1)
    text = cell_text(value)
    for fmt in MONTH_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return parse_date(text).replace(day=1)


def import_bases(fileobj, *, user, commit=True):
    """An ImportResult: the rows' errors, or (when there are none and `commit`) the bases declared."""
    result = ImportResult()
    _wb, header, rows = read_rows(fileobj)
    header = [cell_text(h) for h in (header or [])]
    missing = [h for h in HEADERS[:4] if h not in header]
    if missing:
        raise RosterFileError(_("表头缺少：%(h)s（请使用导入模板）") % {"h": "、".join(missing)})
    at = {h: header.index(h) for h in HEADERS if h in header}
    rows = [(n, r) for n, r in rows if any(cell_text(v) for v in r)]
    result.total_rows = len(rows)
    ids = {n: cell_text(r[at["身份证号"]] if at["身份证号"] < len(r) else "").upper() for n, r in rows}
    scope = {m.id_number: m for m in Member.objects.visible_to(user, CHANGE).filter(id_number__in=set(ids.values()))
             .select_related("organization")}
    seen, parsed = {}, []
    for n, r in rows:
        def cell(h):
            return r[at[h]] if h in at and at[h] < len(r) else ""

        errors = []
        member = scope.get(ids[n])
        if not ids[n]:
            errors.append(RowError(n, "身份证号", _("必填")))
        elif member is None:
            errors.append(RowError(n, "身份证号", _("在您管辖的党员中找不到该身份证号“%(v)s”") % {"v": idcard.mask(ids[n])}))
        elif cell_text(cell("姓名")) and cell_text(cell("姓名")) != member.name:
            errors.append(RowError(n, "姓名", _("与身份证号对应的党员“%(m)s”不一致") % {"m": member.name}))
        values = {}
        for h, parse, key in (("交纳类别", _category, "category"), ("月收入（元）", _income, "income"),
                              ("起始月份", _month, "starts_on")):
            try:
                values[key] = parse(cell(h) if h != "交纳类别" else cell_text(cell(h)))
            except CellError as e:
                errors.append(RowError(n, h, str(e)))
        if "category" in values and "income" in values:
            problem = check_income(values["category"], values["income"])
            if problem:
                errors.append(RowError(n, "月收入（元）", str(problem)))
        if member is not None and "starts_on" in values:
            key = (member.pk, values["starts_on"])
            if key in seen:
                errors.append(RowError(n, "起始月份", _("与第%(r)d行重复（同一党员同一月份）") % {"r": seen[key]}))
            seen[key] = n
        result.errors += errors
        if not errors:
            parsed.append((member, values))
            if len(result.preview) < 20:
                result.preview.append({"row": n, "name": member.name, "category": DuesCategory(values["category"]).label,
                                       "income": values["income"], "starts_on": values["starts_on"]})
    if result.ok and commit:
        with transaction.atomic():
            for member, values in parsed:
                services.declare_base(member=member, by=user, note=_("工资表导入"), **values)
        result.created = len(parsed)
    return result


PAYMENT_HEADERS = ["身份证号", "姓名", "所属月份", "金额（元）", "交纳日期", "流水号"]


def import_payments(fileobj, *, user, commit=True):
    """A bank or WeChat collection statement: one row per member and month paid. Each row is checked — the member
    in scope, the month (back-payment ≤ 6 months), the amount against what the month's dues are, the month not paid
    already — and nothing is written unless every row is right."""
    from django.db import IntegrityError

    from .models import Payment, PaymentKind

    result = ImportResult()
    _wb, header, rows = read_rows(fileobj)
    header = [cell_text(h) for h in (header or [])]
    missing = [h for h in PAYMENT_HEADERS[:5] if h not in header]
    if missing:
        raise RosterFileError(_("表头缺少：%(h)s（请使用导入模板）") % {"h": "、".join(missing)})
    at = {h: header.index(h) for h in PAYMENT_HEADERS if h in header}
    rows = [(n, r) for n, r in rows if any(cell_text(v) for v in r)]
    result.total_rows = len(rows)

    def cell(r, h):
        return r[at[h]] if h in at and at[h] < len(r) else ""

    scope = {m.id_number: m for m in Member.objects.visible_to(user, CHANGE).filter(
        id_number__in={cell_text(cell(r, "身份证号")).upper() for _n, r in rows}).select_related("organization")}
    checked, seen = [], {}
    for n, r in rows:
        errors, values = [], {}
        member = scope.get(cell_text(cell(r, "身份证号")).upper())
        if member is None:
            errors.append(RowError(n, "身份证号", _("在您管辖的党员中找不到该身份证号")))
        elif cell_text(cell(r, "姓名")) and cell_text(cell(r, "姓名")) != member.name:
            errors.append(RowError(n, "姓名", _("与身份证号对应的党员“%(m)s”不一致") % {"m": member.name}))
        for h, parse, key in (("所属月份", _month, "month"), ("金额（元）", _income, "amount"), ("交纳日期", parse_date, "paid_on")):
            try:
                values[key] = parse(cell(r, h))
            except CellError as e:
                errors.append(RowError(n, h, str(e)))
        if values.get("paid_on") is None and "paid_on" in values:
            errors.append(RowError(n, "交纳日期", _("必填")))
        elif values.get("paid_on") and values["paid_on"] > timezone.localdate():
            errors.append(RowError(n, "交纳日期", _("交纳日期不能晚于今天")))
        elif values.get("paid_on") and values.get("month"):
            problem = services.payment_month_problem(values["month"], values["paid_on"])
            if problem:
                errors.append(RowError(n, "所属月份", str(problem)))
        if member is not None and values.get("month"):
            key = (member.pk, values["month"])
            if key in seen:
                errors.append(RowError(n, "所属月份", _("与第%(r)d行重复（同一党员同一月份）") % {"r": seen[key]}))
            seen[key] = n
        result.errors += errors
        if not errors:
            checked.append((n, member, values))
    # the month's dues and whether it is paid, one statement per month in the file
    by_month = {}
    for n, member, values in checked:
        by_month.setdefault(values["month"], []).append((n, member, values))
    ready, by_row = [], dict(rows)
    for month, items in by_month.items():
        due = {m.pk: m for m in services.due_in(Member.objects.filter(pk__in=[m.pk for _n, m, _v in items]), month)}
        for n, member, values in items:
            row = due.get(member.pk)
            if row is None or row.due_fen is None:
                result.errors.append(RowError(n, "所属月份", _("该党员该月无应交党费或尚未登记党费基数")))
            elif row.paid:
                result.errors.append(RowError(n, "所属月份", _("该月已交纳，不能重复登记")))
            elif fen(values["amount"]) != row.due_fen:
                result.errors.append(RowError(n, "金额（元）", _("与该月应交 %(a)s 元不符") % {"a": (Decimal(row.due_fen) / 100).quantize(Decimal("0.01"))}))
            else:
                ready.append(Payment(member=member, month=month, kind=PaymentKind.REGULAR, amount=values["amount"],
                                     paid_on=values["paid_on"], receipt_no=cell_text(cell(by_row[n], "流水号"))[:40],
                                     recorded_by=user))
    result.errors.sort(key=lambda e: e.row)
    if result.ok and commit:
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(ready)
        except IntegrityError:  # paid meanwhile by someone else: the whole file again, nothing half-written
            result.errors.append(RowError(0, "", _("导入期间有党员的该月党费已被他人登记，未写入任何数据，请重新导入")))
            return result
        result.created = len(ready)
    return result
