"""党费 (RULES.md "党费", 党费规定): the rate at every boundary, the same figure from SQL as from the rule, the base
from the month a pay change starts, a month paid once however often it is submitted, reversal instead of deletion,
six months unpaid flagged (never acted on), and the scope like everything else."""
import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import roles
from dangjian.dues import services
from dangjian.factories import UserFactory, grant
from dangjian.dues.models import DuesBase, Payment
from dangjian.dues.rates import DuesCategory, monthly
from dangjian.members.models import Member

THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.mark.parametrize("category,income,rate,amount", [
    ("salaried", "3000", "0.005", "15.00"), ("salaried", "3000.01", "0.01", "30.00"),
    ("salaried", "5000", "0.01", "50.00"), ("salaried", "5000.01", "0.015", "75.00"),
    ("salaried", "5100", "0.015", "76.50"), ("salaried", "10000", "0.015", "150.00"),
    ("salaried", "10000.01", "0.02", "200.00"), ("salaried", "1111.11", "0.005", "5.56"),  # 5.55555, half up once
    ("annual", "20000", "0.02", "400.00"), ("salaried", "0", "0.005", "0.00"),
    ("retired", "5000", "0.005", "25.00"), ("retired", "5000.01", "0.01", "50.00"),
    ("student", "0", None, "0.20"), ("unemployed", "800", None, "0.20"), ("relief", "0", None, "0.20"),
    ("farmer", "0.5", None, "0.50"),
])
def test_the_monthly_amount_follows_the_rules_at_each_boundary(category, income, rate, amount):
    got_rate, got_amount = monthly(category, Decimal(income))
    assert (str(got_rate) if got_rate is not None else None, str(got_amount)) == (rate and str(Decimal(rate)), amount)


def test_sql_gives_the_same_amount_as_the_rule_for_every_member(world):
    rng = random.Random(2026)
    members = world.members.a1 + world.members.a2 + world.members.b1
    for m in members:
        category = rng.choice([c for c in DuesCategory.values if c != "farmer"])
        income = Decimal(rng.choice([3000, 5000, 10000, rng.randint(0, 2_000_000) / 100])).quantize(Decimal("0.01"))
        services.declare_base(member=m, starts_on=datetime.date(2025, 1, 1), category=category, income=income,
                              by=world.users.group_admin)
    rows = services.due_in(Member.objects.filter(pk__in=[m.pk for m in members]), datetime.date(2025, 6, 1))
    got = {m.pk: Decimal(m.due_fen) / 100 for m in rows}
    want = {b.member_id: b.monthly[1] for b in DuesBase.objects.all()}
    assert got == want and len(got) == len(members)


def test_a_pay_change_applies_from_its_month_and_a_probationary_member_owes_from_admission(world):
    me, admin = world.members.me, world.users.group_admin
    services.declare_base(member=me, starts_on=datetime.date(2025, 1, 15), category="salaried",
                          income=Decimal("4000"), by=admin)
    services.declare_base(member=me, starts_on=datetime.date(2025, 5, 1), category="salaried",
                          income=Decimal("6000"), by=admin)

    def due(month):
        row = services.due_in(Member.objects.filter(pk=me.pk), month).first()
        return row and Decimal(row.due_fen) / 100

    assert due(datetime.date(2025, 4, 1)) == Decimal("40.00") and due(datetime.date(2025, 5, 1)) == Decimal("90.00")
    Member.objects.filter(pk=me.pk).update(joined_on=datetime.date(2025, 3, 31))  # the 支部大会 on the 31st
    assert due(datetime.date(2025, 2, 1)) is None and due(datetime.date(2025, 3, 1)) == Decimal("40.00")


def test_a_month_is_paid_once_however_often_it_is_submitted_and_a_wrong_payment_is_reversed_not_deleted(world, login):
    admin, me = world.users.group_admin, world.members.me
    client = login(world.users.secretary)
    url = reverse("dues:month", args=[world.orgs.a1.pk]) + f"?month={THIS_MONTH:%Y-%m}"
    before = client.get(url)
    assert before.context["no_base"] == 4 and before.context["due"] == 0 and "尚未登记党费基数" in before.content.decode()
    for m in world.members.a1:
        services.declare_base(member=m, starts_on=THIS_MONTH, category="salaried", income=Decimal("5100"), by=admin)
    page = client.get(url)
    assert page.context["due"] == Decimal("306.00") and page.context["unpaid"] == 4
    form = {"paid_on": timezone.localdate().isoformat(), "receipt_prefix": "DF-", "pay": [m.pk for m in world.members.a1]}
    assert client.post(url, form).status_code == 302
    client.post(url, form)  # the second click: nothing more
    payments = Payment.objects.filter(month=THIS_MONTH)
    assert payments.count() == 4 and {p.amount for p in payments} == {Decimal("76.50")}
    assert sorted(p.receipt_no for p in payments) == ["DF-001", "DF-002", "DF-003", "DF-004"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it, not only the page
        Payment.objects.create(member=me, month=THIS_MONTH, amount=Decimal("76.50"), paid_on=timezone.localdate())
    mine = payments.get(member=me)
    assert client.post(reverse("dues:reverse", args=[mine.pk]), {"reason": ""}).status_code == 302
    assert not Payment.objects.get(pk=mine.pk).reversed  # a reason is required
    client.post(reverse("dues:reverse", args=[mine.pk]), {"reason": "金额登记错误"})
    mine.refresh_from_db()
    assert mine.reversed and mine.reversal.amount == Decimal("-76.50") and Payment.objects.count() == 5
    assert client.get(url).context["unpaid"] == 1  # the month is open again for that member
    services.record_month(members=list(services.due_in(Member.objects.filter(pk=me.pk), THIS_MONTH)),
                          month=THIS_MONTH, paid_on=timezone.localdate(), by=admin)
    assert client.get(url).context["unpaid"] == 0


def test_six_months_unpaid_is_flagged_for_the_branch_and_paying_clears_it(world, login):
    me, admin = world.members.me, world.users.group_admin
    start = services.add_months(THIS_MONTH, -7)
    services.declare_base(member=me, starts_on=start, category="retired", income=Decimal("3000"), by=admin)
    upto = services.add_months(THIS_MONTH, -1)
    owing = services.arrears(Member.objects.filter(pk=me.pk), upto)[me.pk]
    assert owing.months == 7 and owing.flagged and owing.since == start
    page = login(world.users.secretary).get(reverse("dues:month", args=[world.orgs.a1.pk]))
    assert page.context["flagged"] == 1 and "连续 7 个月未交" in page.content.decode()
    assert Member.objects.get(pk=me.pk).ended_on is None  # a flag, never a removal
    for i in range(6):  # back-payment of the months since
        Payment.objects.create(member=me, month=services.add_months(start, i), amount=Decimal("15.00"),
                               paid_on=timezone.localdate())
    assert services.arrears(Member.objects.filter(pk=me.pk), upto)[me.pk].months == 1
    assert not services.arrears(Member.objects.filter(pk=me.pk), upto)[me.pk].flagged


def test_dues_are_read_in_scope_a_member_sees_their_own_and_changes_nothing(world, login):
    admin, me = world.users.group_admin, world.members.me
    services.declare_base(member=me, starts_on=THIS_MONTH, category="salaried", income=Decimal("2000"), by=admin)
    secretary = login(world.users.secretary)
    assert secretary.get(reverse("dues:month", args=[world.orgs.a2.pk])).status_code == 404
    assert secretary.get(reverse("dues:member", args=[world.members.a2[0].pk])).status_code == 404
    member = login(world.users.member)
    own = member.get(reverse("dues:me"), follow=True)
    assert own.status_code == 200 and "10.00" in own.content.decode()  # 2000 × 0.5 %
    assert member.get(reverse("dues:member", args=[world.members.a1[1].pk])).status_code == 404
    member.post(reverse("dues:month", args=[world.orgs.a1.pk]),
                {"paid_on": timezone.localdate().isoformat(), "pay": [me.pk]})
    member.post(reverse("dues:member", args=[me.pk]), {"starts_on": f"{THIS_MONTH:%Y-%m}", "category": "student",
                                                      "income": "0"})
    assert not Payment.objects.exists() and DuesBase.objects.get(member=me).category == "salaried"


def test_a_bad_base_is_a_message_next_to_the_field(world, login):
    client = login(world.users.secretary)
    url = reverse("dues:member", args=[world.members.me.pk])
    page = client.post(url, {"starts_on": "2026-13", "category": "farmer", "income": "5"})
    errors = page.context["form"].errors
    assert "请按“年-月”填写月份" in errors["starts_on"][0] and "0.2 元至 1 元" in errors["income"][0]
    assert not DuesBase.objects.exists()


def test_the_calculator_page_and_api_answer_the_same(world, login):
    from rest_framework.test import APIClient

    page = login(world.users.member).get(reverse("dues:calculator"), {"category": "salaried", "income": "5100"})
    assert page.context["result"]["amount"] == Decimal("76.50")
    api = APIClient()
    api.force_authenticate(world.users.member)
    body = api.get("/api/dues/calculator/", {"category": "在职", "income": "5100"}).json()
    assert body == {"category": "salaried", "category_name": "在职（月薪）", "income": "5100.00", "rate": "0.015",
                    "rate_percent": "1.50", "amount": "76.50"}
    assert api.get("/api/dues/calculator/", {"category": "学生", "income": "0"}).json()["rate"] is None
    bad = api.get("/api/dues/calculator/", {"category": "工人", "income": "1e9999"})
    assert bad.status_code == 400 and "交纳类别无效" in bad.json()["category"][0]
    assert api.get("/api/dues/calculator/", {"category": "在职", "income": "12.345"}).status_code == 400


def test_the_collection_report_rolls_up_the_tree_and_agrees_with_the_branch_pages(world, login):
    admin = world.users.group_admin
    month = services.add_months(THIS_MONTH, -1)
    for m in world.members.a1 + world.members.a2:
        services.declare_base(member=m, starts_on=services.add_months(month, -8), category="salaried",
                              income=Decimal("4000"), by=admin)
    paid = world.members.a1[:3]
    services.record_month(members=list(services.due_in(Member.objects.filter(pk__in=[m.pk for m in paid]), month)
                                       .select_related("organization")), month=month, paid_on=timezone.localdate(), by=admin)
    truant = world.members.a2[0]  # nothing paid in eight months: flagged; the others of A2 paid two months ago
    for m in world.members.a2[1:]:
        Payment.objects.create(member=m, month=services.add_months(month, -2), amount=Decimal("40"), paid_on=month)
    page = login(admin).get(reverse("dues:report", args=[world.orgs.a.pk]), {"month": f"{month:%Y-%m}"})
    rows = {r.org: r for r in page.context["rows"]}
    a1, a2 = rows[world.orgs.a1], rows[world.orgs.a2]
    assert (a1.members, a1.paid, a1.due, a1.paid_amount, a1.rate) == (4, 3, Decimal("160.00"), Decimal("120.00"), 75.0)
    assert (a2.members, a2.paid, a2.flagged) == (3, 0, 1) and a1.flagged == 1  # A1's fourth: never paid either
    owing = services.arrears(Member.objects.filter(organization__in=[world.orgs.a1, world.orgs.a2]),
                             services.add_months(month, -1))
    assert {pk for pk, a in owing.items() if a.flagged} == {truant.pk, world.members.a1[3].pk}
    assert page.context["total"].due == Decimal("280.00")
    assert login(world.users.secretary).get(reverse("dues:report", args=[world.orgs.a.pk])).status_code == 404


def test_a_voluntary_payment_stands_apart_and_the_year_ledger_lists_the_months_paid(world, login):
    import io

    from openpyxl import load_workbook

    admin, me = world.users.group_admin, world.members.me
    services.declare_base(member=me, starts_on=THIS_MONTH.replace(month=1), category="salaried",
                          income=Decimal("5100"), by=admin)
    client = login(world.users.secretary)
    url = reverse("dues:member", args=[me.pk])
    small = client.post(url, {"form": "voluntary", "amount": "500", "paid_on": timezone.localdate().isoformat()})
    assert "1000 元及以上" in small.context["gift"].errors["amount"][0] and not Payment.objects.exists()
    client.post(url, {"form": "voluntary", "amount": "2000", "paid_on": timezone.localdate().isoformat()})
    assert not services.due_in(Member.objects.filter(pk=me.pk), THIS_MONTH).get().paid  # not the month's dues
    services.record_month(members=list(services.due_in(Member.objects.filter(pk=me.pk), THIS_MONTH)
                                       .select_related("organization")),
                          month=THIS_MONTH, paid_on=timezone.localdate(), by=admin)
    assert Payment.objects.get(kind="voluntary").amount == Decimal("2000.00")
    sheet = client.get(reverse("dues:ledger", args=[world.orgs.a1.pk]), {"year": THIS_MONTH.year})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(min_row=3, values_only=True))
    mine = next(r for r in rows if r[0] == me.name)
    assert mine[2] == "在职（月薪）" and mine[4] == 76.5 and mine[4 + THIS_MONTH.month] == 76.5
    assert mine[17] == 76.5 and mine[18] == 2000
    assert {r[0] for r in rows} == {m.name for m in world.members.a1}
    from docx import Document

    word = client.get(reverse("dues:ledger", args=[world.orgs.a1.pk]), {"year": THIS_MONTH.year, "format": "docx"})
    table = Document(io.BytesIO(word.content)).tables[0]
    cells = next(r.cells for r in table.rows if r.cells[0].text == me.name)
    assert cells[2].text == "在职（月薪）" and cells[4].text == "76.5" and cells[18].text == "2000"
    assert login(world.users.member).get(reverse("dues:ledger", args=[world.orgs.a1.pk])).status_code == 404


def test_a_relief_is_filed_by_the_branch_approved_one_level_up_and_only_then_changes_what_is_due(world, login):
    """党费规定: reduction or exemption needs branch review and approval one level up — never by the one who filed
    it, never by the branch itself; an overlapping second approval is refused."""
    from dangjian.dues.models import Relief

    me = world.members.me
    services.declare_base(member=me, starts_on=THIS_MONTH, category="salaried", income=Decimal("5100"),
                          by=world.users.group_admin)

    def due():
        return Decimal(services.due_in(Member.objects.filter(pk=me.pk), THIS_MONTH).get().due_fen) / 100

    secretary = login(world.users.secretary)
    url = reverse("dues:member", args=[me.pk])
    month = f"{THIS_MONTH:%Y-%m}"
    bad = secretary.post(url, {"form": "relief", "kind": "reduce", "starts_on": month, "ends_on": month, "reason": "重病"})
    assert "减交须填写" in bad.context["relief_form"].errors["amount"][0]
    secretary.post(url, {"form": "relief", "kind": "reduce", "starts_on": month, "ends_on": month, "amount": "10",
                         "reason": "家庭成员重病，支部委员会审核同意"})
    relief = Relief.objects.get()
    assert relief.status == "pending" and due() == Decimal("76.50")  # pending changes nothing
    secretary.post(reverse("dues:decide_relief", args=[relief.pk]), {"decision": "approve"})  # the branch itself
    relief.refresh_from_db()
    assert relief.status == "pending"
    committee = UserFactory(username="a_committee")
    grant(committee, world.orgs.a, roles.ORG_ADMIN)  # the 党委 above the branch
    assert login(world.users.secretary).get(reverse("dues:report", args=[world.orgs.a1.pk])).context["pending"] == []
    assert login(committee).get(reverse("dues:report", args=[world.orgs.a.pk])).context["pending"] == [relief]
    page = login(committee).get(url)
    assert [can for _r, can in page.context["reliefs"]] == [True]
    login(committee).post(reverse("dues:decide_relief", args=[relief.pk]), {"decision": "approve", "note": "同意"})
    relief.refresh_from_db()
    assert relief.status == "approved" and relief.decided_by == committee and due() == Decimal("10.00")
    # a second, overlapping exemption filed by the 党委's own admin: it may not decide it; another may, but not overlap
    other = services.request_relief(member=me, kind="exempt", starts_on=THIS_MONTH, ends_on=THIS_MONTH, amount=None,
                                    reason="再次申请", by=committee)
    assert not services.may_decide_relief(committee, other)
    with pytest.raises(ValidationError):
        services.decide_relief(relief=other, by=world.users.group_admin, approve=True)
    assert due() == Decimal("10.00")


def _sheet(rows, headers=None):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from dangjian.dues.importer import HEADERS

    wb = Workbook()
    wb.active.append(headers or HEADERS)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("工资表.xlsx", out.getvalue())


def test_a_payroll_sheet_is_imported_whole_or_not_at_all_with_each_rows_error(world, login):
    a1, b1 = world.members.a1, world.members.b1
    client = login(world.users.secretary)
    url = reverse("dues:import", args=["bases"])
    bad = client.post(url, {"file": _sheet([
        [a1[0].id_number, a1[0].name, "在职", 5100, "2026-05"],
        [a1[1].id_number, a1[1].name, "工人", 5100, ""],
        [a1[2].id_number, a1[2].name, "在职", "5100.123", ""],
        [b1[0].id_number, b1[0].name, "在职", 4000, ""],  # another subtree: not found for this secretary
        [a1[3].id_number, "别人", "农民", 5, "2026-13"],
        [a1[0].id_number, a1[0].name, "离退休", 3000, "2026-05"],
    ])})
    errors = [str(e) for e in bad.context["result"].errors]
    assert any("第3行【交纳类别】" in e and "无效" in e for e in errors)
    assert any("第4行【月收入（元）】" in e and "两位小数" in e for e in errors)
    assert any("第5行【身份证号】" in e and "找不到" in e for e in errors)
    assert any("第6行【姓名】" in e for e in errors) and any("第6行【月收入（元）】" in e and "0.2 元至 1 元" in e for e in errors)
    assert any("第6行【起始月份】" in e for e in errors) and any("第7行【起始月份】" in e and "重复" in e for e in errors)
    assert not DuesBase.objects.exists()
    good = client.post(url, {"file": _sheet([[m.id_number, m.name, "在职", 3000 + i * 1000, "2026-01"]
                                             for i, m in enumerate(a1)] + [[a1[0].id_number, "", "离退休", 2000, "2026-06"]])})
    assert good.status_code == 302 and DuesBase.objects.count() == 5
    first = DuesBase.objects.get(member=a1[0], starts_on=datetime.date(2026, 1, 1))
    assert first.ends_on == datetime.date(2026, 5, 31) and first.note == "工资表导入"
    assert client.get(reverse("dues:import_template", args=["bases"])).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert "请上传 Excel" in client.post(url, {"file": SimpleUploadedFile("x.txt", b"hello")}).context["problem"]


def test_back_payment_reaches_six_months_and_advance_payment_a_quarter(world):
    """RULES.md: back-payment ≤ 6 months; quarterly payment with consent (at most two months ahead)."""
    paid_on = datetime.date(2026, 8, 15)
    assert services.payment_month_problem(datetime.date(2026, 2, 1), paid_on) is None  # six months back
    assert "最早可补交 2026-02" in services.payment_month_problem(datetime.date(2026, 1, 1), paid_on)
    assert services.payment_month_problem(datetime.date(2026, 10, 1), paid_on) is None
    assert "2026-10" in services.payment_month_problem(datetime.date(2026, 11, 1), paid_on)
    me = world.members.me
    services.declare_base(member=me, starts_on=datetime.date(2025, 1, 1), category="student", income=Decimal(0),
                          by=world.users.group_admin)
    with pytest.raises(ValidationError):
        services.record_month(members=list(services.due_in(Member.objects.filter(pk=me.pk), datetime.date(2026, 1, 1))
                                           .select_related("organization")),
                              month=datetime.date(2026, 1, 1), paid_on=paid_on, by=world.users.group_admin)
    assert not Payment.objects.exists()


def test_a_collection_statement_is_imported_whole_or_not_at_all(world, login):
    from dangjian.dues.importer import PAYMENT_HEADERS

    a1 = world.members.a1
    for m in a1:
        services.declare_base(member=m, starts_on=services.add_months(THIS_MONTH, -3), category="salaried",
                              income=Decimal("5100"), by=world.users.group_admin)
    month, today = f"{THIS_MONTH:%Y-%m}", timezone.localdate().isoformat()
    old = f"{services.add_months(THIS_MONTH, -7):%Y-%m}"
    client = login(world.users.secretary)
    url = reverse("dues:import", args=["payments"])
    Payment.objects.create(member=a1[3], month=THIS_MONTH, amount=Decimal("76.50"), paid_on=timezone.localdate())
    bad = client.post(url, {"file": _sheet([
        [a1[0].id_number, a1[0].name, month, 76.5, today, "WX001"],
        [a1[1].id_number, a1[1].name, month, 70, today, "WX002"],
        [a1[2].id_number, a1[2].name, old, 76.5, today, "WX003"],
        [a1[3].id_number, a1[3].name, month, 76.5, today, "WX004"],
        [a1[0].id_number, a1[0].name, month, 76.5, today, "WX005"],
    ], PAYMENT_HEADERS)})
    errors = [str(e) for e in bad.context["result"].errors]
    assert any("第3行【金额（元）】与该月应交 76.50 元不符" in e for e in errors), errors
    assert any("第4行【所属月份】补交党费不超过 6 个月" in e for e in errors)
    assert any("第5行【所属月份】该月已交纳" in e for e in errors) and any("第6行【所属月份】" in e and "重复" in e for e in errors)
    assert Payment.objects.count() == 1
    good = client.post(url, {"file": _sheet([[m.id_number, m.name, month, 76.5, today, f"WX{m.pk}"] for m in a1[:3]],
                                            PAYMENT_HEADERS)})
    assert good.status_code == 302 and Payment.objects.count() == 4
    assert Payment.objects.get(member=a1[0]).receipt_no == f"WX{a1[0].pk}"
