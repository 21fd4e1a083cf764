import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import grant_paths, own_record, user_can
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

from . import services
from .forms import BaseForm, BatchForm, CalculatorForm, MonthForm, ReliefForm, ReverseForm, VoluntaryForm
from .models import Payment, Relief
from .rates import DuesCategory, monthly


MONTH_LIMIT = 3000


@login_required
def index(request):
    """The header's 党费: the month page of the highest organization the user holds, else the user's own dues."""
    top = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if top is None or not (request.user.is_superuser or grant_paths(request.user, "view")):
        return redirect("dues:me")
    return redirect("dues:month" if top.kind == OrgKind.BRANCH else "dues:report", top.pk)


@login_required
def month(request, org_pk):
    """A month's dues under an organization: who owes what, who has paid, who is in arrears — and the batch that
    records the month's payments (the members ticked, at each one's amount)."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    form = MonthForm(request.GET or None)
    chosen = form.chosen()
    if services.base_members(org, request.user).count() > MONTH_LIMIT:  # a 党委 of thousands: its report instead
        messages.info(request, _("该组织党员较多，请查看逐级汇总后进入党支部名单"))
        return redirect(reverse("dues:report", args=[org.pk]) + f"?month={chosen:%Y-%m}")
    members = services.due_in(services.base_members(org, request.user), chosen).select_related("organization")
    can_record = user_can(request.user, CHANGE, org)
    batch = BatchForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    query = f"?month={chosen:%Y-%m}"
    if request.method == "POST":
        if not can_record:
            return redirect(reverse("dues:month", args=[org.pk]) + query)
        picked = {int(v) for v in request.POST.getlist("pay") if v.isdigit()}
        chosen_members = [m for m in members.filter(pk__in=picked, paid=False)]
        if not picked:
            messages.error(request, _("请勾选要登记交纳的党员"))
        elif batch.is_valid():
            try:
                done, already = services.record_month(members=chosen_members, month=chosen, by=request.user,
                                                      paid_on=batch.cleaned_data["paid_on"],
                                                      receipt_prefix=batch.cleaned_data["receipt_prefix"])
            except ValidationError as e:
                messages.error(request, e.messages[0])
            else:
                messages.success(request, _("已登记 %(n)d 人 %(m)s 党费") % {"n": len(done), "m": f"{chosen:%Y年%m月}"})
                if already:
                    messages.warning(request, _("以下党员本月已交纳，未重复登记：%(n)s") % {"n": "、".join(m.name for m in already)})
                return redirect(reverse("dues:month", args=[org.pk]) + query)
    rows = list(members.order_by("organization__path", "name_initials", "pk"))
    upto = services.add_months(timezone.localdate().replace(day=1), -1)
    owing = services.arrears(Member.objects.filter(pk__in=[m.pk for m in rows]), upto)
    for m in rows:
        m.due = None if m.due_fen is None else Decimal(m.due_fen) / 100
        m.category_label = DuesCategory(m.dues_category).label if m.dues_category else ""
        m.arrears = owing.get(m.pk)
    due = sum(m.due_fen or 0 for m in rows)  # fen: integers, exact
    paid = sum(m.due_fen or 0 for m in rows if m.paid)
    return render(request, "dues/month.html", {
        "org": org, "form": form, "month": chosen, "rows": rows, "batch": batch, "can_record": can_record,
        "due": Decimal(due) / 100, "paid": Decimal(paid) / 100, "rate": round(paid * 100 / due, 1) if due else None,
        "unpaid": sum(1 for m in rows if not m.paid), "no_base": sum(1 for m in rows if m.due_fen is None),
        "flagged": sum(1 for m in rows if m.arrears and m.arrears.flagged), "upto": upto,
        "can_export": user_can(request.user, "export", org)})


@login_required
def member(request, pk):
    """A member's dues: the bases declared over time, the year month by month, arrears; declaring a new base for
    those who may change the member's records."""
    person = get_object_or_404(Member.objects.visible_to(request.user).select_related("organization"), pk=pk)
    can_change = user_can(request.user, CHANGE, person.organization)
    which = request.POST.get("form", "base")  # the page's forms: base, voluntary, relief
    form = BaseForm(request.POST if which == "base" else None, initial={"starts_on": timezone.localdate().replace(day=1)})
    gift = VoluntaryForm(request.POST if which == "voluntary" else None, initial={"paid_on": timezone.localdate()})
    relief_form = ReliefForm(request.POST if which == "relief" else None)
    if which == "voluntary" and can_change and gift.is_valid():
        services.record_voluntary(member=person, by=request.user, **gift.cleaned_data)
        messages.success(request, _("已登记一次性自愿交纳"))
        return redirect("dues:member", person.pk)
    if which == "relief" and can_change and relief_form.is_valid():
        try:
            services.request_relief(member=person, by=request.user, **relief_form.cleaned_data)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                relief_form.add_error(field, errors)
        else:
            messages.success(request, _("已提交减免申请，待上级党组织审批"))
            return redirect("dues:member", person.pk)
    if request.method == "POST" and which == "base" and can_change and form.is_valid():
        data = form.cleaned_data
        try:
            services.declare_base(member=person, starts_on=data["starts_on"], category=data["category"],
                                  income=data["income"], note=data["note"], by=request.user)
        except ValidationError as e:
            form.add_error("income", e.messages[0])
        else:
            messages.success(request, _("已登记党费基数"))
            return redirect("dues:member", person.pk)
    year = timezone.localdate().year
    upto = services.add_months(timezone.localdate().replace(day=1), -1)
    months = services.member_year(person, year)
    return render(request, "dues/member.html", {
        "member": person, "form": form, "can_change": can_change, "year": year, "months": months,
        "bases": person.dues_bases.order_by("-starts_on")[:24],
        "payments": Payment.objects.visible_to(request.user).filter(member=person).select_related("reversal_of")[:36],
        "arrears": services.arrears(Member.objects.filter(pk=person.pk), upto).get(person.pk), "upto": upto,
        "reverse_form": ReverseForm(), "gift": gift, "relief_form": relief_form,
        "reliefs": [(r, services.may_decide_relief(request.user, r)) for r in
                    Relief.objects.visible_to(request.user).filter(member=person).select_related("requested_by", "decided_by")]})


@login_required
def me(request):
    mine = own_record(request.user)
    if mine is None:
        messages.info(request, _("您的账号还没有关联党员档案，请联系所在党支部。"))
        return redirect("home")
    return redirect("dues:member", mine["pk"])


@login_required
@require_POST
def reverse_payment(request, pk):
    payment = get_object_or_404(Payment.objects.visible_to(request.user, CHANGE).select_related("member__organization"),
                                pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("冲正须写明原因"))
    else:
        try:
            services.reverse(payment=payment, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已冲正，该月可重新登记交纳"))
        except ValidationError as e:
            messages.error(request, e.messages[0])
    return redirect("dues:member", payment.member_id)


@login_required
def calculator(request):
    """党费计算器: anyone signed in checks a figure by the rules (the API endpoint answers the same)."""
    form = CalculatorForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        rate, amount = monthly(form.cleaned_data["category"], form.cleaned_data["income"])
        result = {"rate": None if rate is None else f"{rate * 100:g}%", "amount": amount}
    return render(request, "dues/calculator.html", {"form": form, "result": result})


@login_required
def report(request, org_pk):
    """党费收缴情况: a month's dues owed and paid per organization under `org`, rolled up the tree, with the
    members six months behind — each row opens the organization below."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    form = MonthForm(request.GET or None)
    chosen = form.chosen()
    rows = services.rollup(org, request.user, chosen)
    total = services.RollupRow(org, *(sum(getattr(r, f) for r in rows) for f in
                                      ("members", "due_fen", "paid_fen", "paid", "no_base", "flagged")))
    # the 减免 waiting for a decision under this organization that this user may take (one level up, not their own)
    pending = [r for r in Relief.objects.visible_to(request.user).filter(
        status="pending", member__organization__path__startswith=org.path).select_related(
        "member__organization", "requested_by").order_by("requested_at")[:200]
        if services.may_decide_relief(request.user, r)]
    return render(request, "dues/report.html", {"org": org, "form": form, "month": chosen, "rows": rows,
                                                "total": total, "can_export": user_can(request.user, "export", org),
                                                "pending": pending})


LEDGER_LIMIT = 3000


@login_required
def ledger(request, org_pk):
    """党费收缴登记 (RULES.md: one of the ledgers an inspection asks for) for a year, in Excel or Word (?format=docx):
    each member's base and the amount paid month by month, the one-off voluntary payments apart. An export."""
    from dangjian.core.ledgers import ledger_response

    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not user_can(request.user, "export", org):
        raise Http404
    text = request.GET.get("year", "")
    year = min(max(int(text), 1921), 2100) if text.isdigit() else timezone.localdate().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    members = (services.base_members(org, request.user).filter(joined_on__lte=end)
               .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)).select_related("organization")
               .order_by("organization__path", "name_initials", "pk"))
    if members.count() > LEDGER_LIMIT:
        messages.error(request, _("该组织党员较多，请按党支部导出党费收缴登记"))
        return redirect(reverse("dues:report", args=[org.pk]))
    rows = []
    for m, base, months, voluntary in services.ledger_rows(list(members), year):
        paid = [months.get(i) for i in range(1, 13)]
        rows.append([m.name, m.organization.name, base.get_category_display() if base else "未登记",
                     float(base.income) if base else None, float(base.monthly[1]) if base else None]
                    + [float(p) if p is not None else None for p in paid]
                    + [float(sum(p for p in paid if p is not None)), float(voluntary[0]) or None])
    return ledger_response(f"{org.name}{year}年党费收缴登记", [
        "姓名", "所在党组织", "交纳类别", "月收入（元）", "每月应交（元）"] + [f"{m}月" for m in range(1, 13)]
        + ["合计（元）", "一次性自愿交纳（元）"], rows, as_word=request.GET.get("format") == "docx")


@login_required
@require_POST
def decide_relief(request, pk):
    """Approve or reject a 减免 — one level up, not by the one who filed it (services.may_decide_relief)."""
    relief = get_object_or_404(Relief.objects.visible_to(request.user).select_related("member__organization"), pk=pk)
    try:
        services.decide_relief(relief=relief, by=request.user, approve=request.POST.get("decision") == "approve",
                               note=request.POST.get("note", ""))
        messages.success(request, _("已审批"))
    except ValidationError as e:
        messages.error(request, e.messages[0])
    except PermissionDenied:
        messages.error(request, _("减免须由上级党组织审批，且申报人不能审批自己提交的申请"))
    return redirect("dues:member", relief.member_id)


IMPORTS = {"bases": ("import_bases", gettext_lazy("从工资表导入党费基数"), gettext_lazy("已导入 %(n)d 条党费基数")),
           "payments": ("import_payments", gettext_lazy("导入银行/微信收款明细"), gettext_lazy("已导入 %(n)d 笔党费"))}


@login_required
def import_file(request, what):
    """党费基数 from a payroll sheet, or payments from a collection statement: every row checked, nothing written
    unless all are right (dues.importer)."""
    from dangjian.members.importer import RosterFileError, check_upload

    from . import importer

    if what not in IMPORTS:
        raise Http404
    run, title, done = IMPORTS[what]
    result, problem = None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise RosterFileError(_("请选择要导入的文件"))
            check_upload(upload.name, upload.size)
            result = getattr(importer, run)(upload, user=request.user)
        except RosterFileError as e:
            problem = str(e)
        else:
            if result.ok:
                messages.success(request, done % {"n": result.created})
                return redirect("dues:import", what)
    return render(request, "dues/import.html", {"result": result, "problem": problem, "what": what, "title": title})


@login_required
def import_template(request, what):
    import io
    from urllib.parse import quote

    from openpyxl import Workbook

    from .importer import HEADERS, PAYMENT_HEADERS

    if what not in IMPORTS:
        raise Http404
    wb = Workbook()
    ws = wb.active
    month = timezone.localdate().strftime("%Y-%m")
    if what == "bases":
        ws.title = "党费基数"
        ws.append(HEADERS)
        ws.append(["（示例）610102198001011234", "张三", "在职", 5100, month])
    else:
        ws.title = "收款明细"
        ws.append(PAYMENT_HEADERS)
        ws.append(["（示例）610102198001011234", "张三", month, 76.5, timezone.localdate().isoformat(), "4200001234"])
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{ws.title}导入模板.xlsx')}"
    return response
