"""Calendar periods: months, quarters, years, and the rule periods that fall inside a chosen one."""
import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUARTER_NAMES = [gettext_lazy("第一季度"), gettext_lazy("第二季度"), gettext_lazy("第三季度"), gettext_lazy("第四季度")]


@dataclass(frozen=True)
class Span:
    kind: str  # month / quarter / year
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self):
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": self.start.year, "m": self.start.month}
        if self.kind == "quarter":
            return _("%(y)d年%(q)s") % {"y": self.start.year, "q": QUARTER_NAMES[(self.start.month - 1) // 3]}
        return _("%(y)d年") % {"y": self.start.year}

    @property
    def short_label(self):
        if self.kind == "month":
            return _("%(m)d月") % {"m": self.start.month}
        if self.kind == "quarter":
            return str(QUARTER_NAMES[(self.start.month - 1) // 3])
        return _("本年度")

    @property
    def code(self):
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"


def month(year, m):
    return Span("month", datetime.date(year, m, 1), datetime.date(year, m, calendar.monthrange(year, m)[1]))


def quarter(year, q):
    first = 3 * (q - 1) + 1
    return Span("quarter", datetime.date(year, first, 1), month(year, first + 2).end)


def year(y):
    return Span("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))


def containing(kind, day):
    if kind == "month":
        return month(day.year, day.month)
    if kind == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return year(day.year)


def parse(code, today):
    """'2026Q3', '2026-07', '2026' → Span; anything else → the current quarter."""
    try:
        if "Q" in code:
            y, q = code.split("Q")
            if 1 <= int(q) <= 4:
                return quarter(int(y), int(q))
        elif "-" in code:
            y, m = code.split("-")
            return month(int(y), int(m))
        elif code.isdigit() and len(code) == 4:
            return year(int(code))
    except (ValueError, AttributeError):
        pass
    return containing("quarter", today)


def rule_spans(rule_period, chosen):
    """The spans of a rule's period that make up `chosen`: months of a quarter, quarters of a year; a yearly
    rule inside a month or quarter is judged over its whole year."""
    if rule_period == "year" or (rule_period == "quarter" and chosen.kind == "month"):
        return [containing(rule_period, chosen.start)]
    spans, day = [], chosen.start
    while day <= chosen.end:
        span = containing(rule_period, day)
        spans.append(span)
        day = span.end + datetime.timedelta(days=1)
    return spans


def recent_quarters(today, n=6):
    spans, day = [], today
    for _i in range(n):
        q = containing("quarter", day)
        spans.append(q)
        day = q.start - datetime.timedelta(days=1)
    return spans
