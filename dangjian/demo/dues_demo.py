"""Demo 党费 (Issue member lifecycle: "a year of dues with some arrears"): every member on the roll has a dues base
from January (pay by their roster category, deterministic), most have paid every month so far, a few missed the
last month or two, and one member of the secretary's branch has paid nothing for more than six months — the flag
the branch is asked to look into."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from dangjian.dues.models import DuesBase, Payment
from dangjian.dues.rates import DuesCategory, monthly
from dangjian.members.models import Member


def load_dues(rng, today):
    admin = get_user_model().objects.get(username="admin")
    start = today.replace(month=1, day=1)
    last = today.replace(day=1)  # this month: not collected yet
    months = [datetime.date(today.year, m, 1) for m in range(1, last.month)]
    bases, payments = [], []
    members = list(Member.objects.on_roll().select_related("organization").order_by("pk"))
    truant = next((m for m in members if m.organization.code == "SW03" and m.user_id is None), None)
    for m in members:
        if m.category == "retired":
            category, income = DuesCategory.RETIRED, Decimal(rng.randrange(300000, 700000)) / 100
        else:
            category, income = DuesCategory.SALARIED, Decimal(rng.randrange(280000, 1400000)) / 100
        since = max(start, m.joined_on.replace(day=1))
        bases.append(DuesBase(member=m, starts_on=since, category=category, income=income, declared_by=admin,
                              note="年初核定"))
        amount = monthly(category, income)[1]
        missed = 0 if rng.random() > 0.06 else rng.choice([1, 2])
        for month in months:
            if month < since or m is truant or month >= datetime.date(today.year, max(1, last.month - missed), 1):
                continue
            payments.append(Payment(member=m, month=month, amount=amount, paid_on=month + datetime.timedelta(days=9),
                                    receipt_no=f"{m.organization.code}-{month:%Y%m}-{m.pk % 1000:03d}", recorded_by=admin))
    DuesBase.objects.bulk_create(bases, batch_size=2000)
    Payment.objects.bulk_create(payments, batch_size=5000)
    return len(payments)
