"""党费 as the branch works it: declare a member's base, see a month's dues, record the month's payments in one
batch, reverse a wrong one, and find who has not paid for six months (RULES.md: a flag for the branch — never an
automatic removal)."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (BooleanField, Case, Count, DateField, DecimalField, ExpressionWrapper, F, FilteredRelation,
                              IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value, When)
from django.db.models.functions import Cast, Coalesce, Round, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import user_can
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

from .models import VOLUNTARY_FROM, DuesBase, Payment, PaymentKind, Relief, ReliefKind, ReliefStatus
from .rates import amount_fen_sql, check_income

ARREARS_FLAG = 6  # months unpaid: RULES.md — flag as possible 自行脱党 for the branch to handle
BACK_PAY = 6  # RULES.md: back-payment up to 6 months
AHEAD = 2  # paid in advance at most to the end of a quarter's worth (quarterly payment with consent)


def month_of(day):
    return day.replace(day=1)


def add_months(month, n):
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return datetime.date(y, m + 1, 1)


def months_between(first, last):
    """Months from `first` to `last`, both months counted (0 when last < first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def declare_base(*, member, starts_on, category, income, by, note=""):
    """A member's dues base from a month on (the same month declared again replaces that month's declaration: a
    correction, in the change log)."""
    if not user_can(by, CHANGE, member.organization):
        raise PermissionDenied
    problem = check_income(category, income)
    if problem:
        raise ValidationError({"income": problem})
    with transaction.atomic():
        base, _created = DuesBase.objects.update_or_create(
            member=member, starts_on=month_of(starts_on),
            defaults={"category": category, "income": income, "note": note, "declared_by": by})
        _chain(member)
    base.refresh_from_db()
    return base


def _chain(member):
    """Each base ends the day before the member's next one starts (the last stays open)."""
    bases = list(DuesBase.objects.select_for_update().filter(member=member).order_by("starts_on"))
    for base, following in zip(bases, bases[1:] + [None]):
        ends = following.starts_on - datetime.timedelta(days=1) if following else None
        if base.ends_on != ends:
            DuesBase.objects.filter(pk=base.pk).update(ends_on=ends)


def due_in(members, month):
    """The members of `members` who owe dues for `month` — on the roll that month (预备党员 from the 支部大会 date,
    their 入党日期) — annotated in one statement with the base in force (`category`, `income`), the month's
    amount in fen (`due_fen`, None without a declared base) and whether the month is paid (`paid`). (`dues_…`:
    the member's own `category` is the roster's 在职/离退休, not the dues category.)"""
    last_day = add_months(month, 1) - datetime.timedelta(days=1)
    in_force = FilteredRelation("dues_bases", condition=Q(dues_bases__starts_on__lte=month) & (
        Q(dues_bases__ends_on__isnull=True) | Q(dues_bases__ends_on__gte=month)))
    # the month's regular payment, at most one (a constraint): a join, so a roll-up reads each row once
    paid_row = FilteredRelation("dues_payments", condition=Q(
        dues_payments__month=month, dues_payments__kind=PaymentKind.REGULAR, dues_payments__reversed=False))
    # an approved 减免 covering the month, at most one (decide_relief refuses an overlap)
    relieved = FilteredRelation("dues_reliefs", condition=Q(
        dues_reliefs__status=ReliefStatus.APPROVED, dues_reliefs__starts_on__lte=month, dues_reliefs__ends_on__gte=month))
    by_rule = amount_fen_sql("dues_category", "dues_income")
    return (members.filter(joined_on__lte=last_day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month))
            .annotate(base=in_force, payment=paid_row, relief=relieved)
            .annotate(dues_category=F("base__category"), dues_income=F("base__income"), relief_kind=F("relief__kind"))
            .annotate(due_fen=Case(
                When(Q(dues_category__isnull=False, relief_kind=ReliefKind.EXEMPT), then=Value(0)),
                When(Q(dues_category__isnull=False, relief_kind=ReliefKind.REDUCE),
                     then=Cast(Round(ExpressionWrapper(F("relief__amount") * 100, output_field=DecimalField())),
                               IntegerField())),
                default=by_rule, output_field=IntegerField()),
                      paid=ExpressionWrapper(Q(payment__id__isnull=False), output_field=BooleanField())))


@dataclass
class Arrears:
    months: int  # months unpaid since the last paid one (or since dues began), up to and including `upto`
    since: datetime.date  # the first unpaid month

    @property
    def flagged(self):
        return self.months >= ARREARS_FLAG


def arrears(members, upto):
    """{member id: Arrears} for the members owing something up to the month `upto`: the months since their last
    paid month, or since their dues began (the first declared base, not before joining). One grouped query."""
    rows = (members.annotate(
        last_paid=Max("dues_payments__month", filter=Q(dues_payments__kind=PaymentKind.REGULAR,
                                                       dues_payments__reversed=False)),
        first_base=Min("dues_bases__starts_on"))
        .values_list("pk", "joined_on", "last_paid", "first_base"))
    out = {}
    for pk, joined, last_paid, first_base in rows:
        if first_base is None:
            continue  # no base declared: nothing can be owed yet (the page says so)
        since = add_months(last_paid, 1) if last_paid else max(first_base, month_of(joined))
        n = months_between(since, upto)
        if n:
            out[pk] = Arrears(n, since)
    return out


def payment_month_problem(month, paid_on):
    """Why a payment on `paid_on` cannot be for `month`, in Chinese, else None (RULES.md: back-payment ≤ 6 months;
    quarterly payment with consent: at most two months ahead)."""
    paid_month = month_of(paid_on)
    if month < add_months(paid_month, -BACK_PAY):
        return _("补交党费不超过 %(n)d 个月：%(d)s 交纳的，最早可补交 %(m)s") % {
            "n": BACK_PAY, "d": paid_on.isoformat(), "m": f"{add_months(paid_month, -BACK_PAY):%Y-%m}"}
    if month > add_months(paid_month, AHEAD):
        return _("预交党费最多到 %(m)s（按季度交纳）") % {"m": f"{add_months(paid_month, AHEAD):%Y-%m}"}
    return None


def record_month(*, members, month, paid_on, by, receipt_prefix=""):
    """Regular payments for `month` by each of `members` (Member rows from due_in, with `due_fen`), at the
    month's amount. Returns (recorded, already paid): a month already paid — by a second click, or by someone
    else meanwhile — is refused by the database's constraint and named, never recorded twice."""
    problem = payment_month_problem(month, paid_on)
    if problem:
        raise ValidationError(problem)
    recorded, already = [], []
    for n, m in enumerate(members, 1):
        if not user_can(by, CHANGE, m.organization):
            raise PermissionDenied
        if m.due_fen is None:
            raise ValidationError(_("%(n)s 尚未登记党费基数") % {"n": m.name})
        try:
            with transaction.atomic():
                recorded.append(Payment.objects.create(
                    member=m, month=month, amount=Decimal(m.due_fen) / 100, paid_on=paid_on, recorded_by=by,
                    receipt_no=f"{receipt_prefix}{n:03d}" if receipt_prefix else ""))
        except IntegrityError:
            already.append(m)
    return recorded, already


def reverse(*, payment, by, reason):
    """Cancel a payment by a reversing entry (the payment stays, marked reversed); the month can be paid again."""
    if not user_can(by, CHANGE, payment.member.organization):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("冲正须写明原因")})
    with transaction.atomic():
        if not Payment.objects.filter(pk=payment.pk, reversed=False, kind__in=[PaymentKind.REGULAR,
                                                                              PaymentKind.VOLUNTARY]).update(reversed=True):
            raise ValidationError(_("该记录已冲正或不能冲正"))
        return Payment.objects.create(member=payment.member, month=payment.month, kind=PaymentKind.REVERSAL,
                                      amount=-payment.amount, paid_on=payment.paid_on, reversal_of=payment,
                                      reason=reason.strip()[:200], recorded_by=by)


def record_voluntary(*, member, amount, paid_on, by, receipt_no=""):
    """A one-off voluntary payment (党费规定: 1000 yuan or more, recorded apart from the monthly dues)."""
    if not user_can(by, CHANGE, member.organization):
        raise PermissionDenied
    if amount < VOLUNTARY_FROM:
        raise ValidationError({"amount": _("一次性自愿交纳 %(n)s 元及以上的单独登记；不足的请按月交纳登记") % {"n": VOLUNTARY_FROM}})
    return Payment.objects.create(member=member, month=month_of(paid_on), kind=PaymentKind.VOLUNTARY, amount=amount,
                                  paid_on=paid_on, receipt_no=receipt_no, recorded_by=by)


def ledger_rows(members, year):
    """党费收缴登记 for `year`: [(member, base in force at the year's end or last, {month number: paid yuan},
    voluntary yuan)] — the payments in one grouped query."""
    paid = {}
    for member_id, month, kind, amount in (Payment.objects.filter(member__in=members, month__year=year, reversed=False)
                                           .exclude(kind=PaymentKind.REVERSAL).order_by()
                                           .values("member", "month", "kind").annotate(total=Sum("amount"))
                                           .values_list("member", "month", "kind", "total")):
        row = paid.setdefault(member_id, ({}, [Decimal(0)]))
        if kind == PaymentKind.VOLUNTARY:
            row[1][0] += amount
        else:
            row[0][month.month] = amount
    end = datetime.date(year, 12, 1)
    bases = {b.member_id: b for b in DuesBase.objects.filter(member__in=members, starts_on__lte=end)
             .order_by("member_id", "starts_on")}  # the last per member wins
    return [(m, bases.get(m.pk), *paid.get(m.pk, ({}, [Decimal(0)]))) for m in members]


def member_year(member, year, today=None):
    """[(month, base, paid payment or None, approved relief or None)] for each month of `year`, up to this month,
    the member owed dues."""
    today = today or timezone.localdate()
    bases = list(member.dues_bases.order_by("starts_on"))
    reliefs = list(member.dues_reliefs.filter(status=ReliefStatus.APPROVED))
    payments = {p.month: p for p in member.dues_payments.filter(month__year=year, kind=PaymentKind.REGULAR,
                                                                reversed=False)}
    out = []
    for i in range(12):
        month = datetime.date(year, i + 1, 1)
        last_day = add_months(month, 1) - datetime.timedelta(days=1)
        if month > today or member.joined_on > last_day or (member.ended_on and member.ended_on < month):
            continue
        base = next((b for b in reversed(bases) if b.starts_on <= month), None)
        relief = next((r for r in reliefs if r.starts_on <= month <= r.ends_on), None)
        out.append((month, base, payments.get(month), relief))
    return out


def base_members(org, user):
    """The members under `org` whose dues `user` may see."""
    return Member.objects.visible_to(user).filter(organization__path__startswith=org.path)


@dataclass
class RollupRow:
    org: Organization
    members: int  # owing dues this month
    due_fen: int
    paid_fen: int
    paid: int  # members who paid the month
    no_base: int
    flagged: int  # six months or more unpaid up to the month before

    @property
    def rate(self):
        return round(self.paid_fen * 100 / self.due_fen, 1) if self.due_fen else None

    @property
    def due(self):
        return Decimal(self.due_fen) / 100

    @property
    def paid_amount(self):
        return Decimal(self.paid_fen) / 100


def rollup(org, user, month):
    """[RollupRow] per organization directly under `org` (and `org` itself for members attached to it): the
    month's dues owed and paid, and who is six months behind — one grouped statement over the subtree."""
    step = len(org.path) + Organization.steplen
    flag_from = add_months(month, -ARREARS_FLAG)
    last_paid = Subquery(Payment.objects.filter(member=OuterRef("pk"), kind=PaymentKind.REGULAR, reversed=False)
                         .order_by().values("member").annotate(m=Max("month")).values("m")[:1])
    first_base = Subquery(DuesBase.objects.filter(member=OuterRef("pk")).order_by("starts_on").values("starts_on")[:1])
    # the same count as `arrears(…, month − 1)`: unpaid since a month no later than flag_from — the month after the
    # last paid one, or (never paid) when dues began; each subquery read once per member
    never, long_ago = datetime.date(1900, 1, 1), datetime.date(9999, 12, 1)
    began = Case(When(Q(first_base__lte=flag_from, joined_on__lt=add_months(flag_from, 1)), then=Value(never)),
                 default=Value(long_ago), output_field=DateField())
    rows = (due_in(base_members(org, user), month)
            .annotate(first_base=first_base)
            .annotate(behind=Coalesce(last_paid, began, output_field=DateField()),
                      child=Substr("organization__path", 1, step))
            .order_by().values("child")
            .annotate(n=Count("pk"), due=Coalesce(Sum("due_fen"), 0), paid_yuan=Sum("payment__amount"),
                      paid_n=Count("payment__id"), no_base=Count("pk", filter=Q(dues_category__isnull=True)),
                      flagged=Count("pk", filter=Q(behind__lt=flag_from)))
            .values_list("child", "n", "due", "paid_yuan", "paid_n", "no_base", "flagged"))
    found = {child: (n, due, int((paid or 0) * 100), paid_n, no_base, flagged)
             for child, n, due, paid, paid_n, no_base, flagged in rows}
    orgs = {o.path: o for o in Organization.objects.filter(path__in=list(found))}
    out = [RollupRow(orgs[path], *r) for path, r in found.items() if path in orgs]
    return sorted(out, key=lambda r: r.org.path)


def request_relief(*, member, kind, starts_on, ends_on, amount, reason, by):
    """The branch files a 减免 after its review (by someone with scope over the member's branch)."""
    if not user_can(by, CHANGE, member.organization):
        raise PermissionDenied
    errors = {}
    starts_on, ends_on = month_of(starts_on), month_of(ends_on)
    if ends_on < starts_on:
        errors["ends_on"] = _("截止月份不能早于起始月份")
    if kind == ReliefKind.REDUCE and (amount is None or amount < 0):
        errors["amount"] = _("减交须填写减交后每月交纳的金额")
    if not (reason or "").strip():
        errors["reason"] = _("须写明减免原因（支部审核意见）")
    if errors:
        raise ValidationError(errors)
    return Relief.objects.create(member=member, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(),
                                 amount=amount if kind == ReliefKind.REDUCE else None, requested_by=by)


def may_decide_relief(user, relief):
    """党费规定: approved one level up — scope over the superior of the member's organization — and never by the
    one who filed it."""
    org = relief.member.organization
    if user.pk == relief.requested_by_id or relief.status != ReliefStatus.PENDING:
        return False
    parent = Organization.objects.filter(path=org.path[:-Organization.steplen]).first() if org.depth > 1 else None
    return parent is not None and user_can(user, CHANGE, parent)


def decide_relief(*, relief, by, approve, note=""):
    if not may_decide_relief(by, relief):
        raise PermissionDenied
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=relief.member_id).first()  # one decision per member at a time
        if approve and Relief.objects.filter(member=relief.member_id, status=ReliefStatus.APPROVED,
                                             starts_on__lte=relief.ends_on, ends_on__gte=relief.starts_on).exists():
            raise ValidationError(_("与已批准的减免月份重叠，请先核对"))
        done = Relief.objects.filter(pk=relief.pk, status=ReliefStatus.PENDING).update(
            status=ReliefStatus.APPROVED if approve else ReliefStatus.REJECTED, decided_by=by,
            decided_at=timezone.now(), decision_note=note[:300])
        if not done:
            raise ValidationError(_("该申请已审批"))
    relief.refresh_from_db()
    return relief
