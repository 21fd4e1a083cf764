"""A member's points for a year, derived from the records (Issue 双积分+双评星: "derived, never typed").

Two computations of the same rules, which the tests hold equal for every member:
- `year_points(members, year)`: the totals for any number of members in one SQL statement — a UNION ALL of one
  grouped piece per rule and subtree (core.rulebook.groups), capped per month/quarter/year by LEAST/GREATEST over
  the grouped count, summed per member. The board, the ranking and the API read it.
- `ledger(member, year)`: one member's lines — each record, the rule that scored it, the points it counted and the
  cap that cut it — for the member's own page.

Points are integers in tenths inside SQL (0.5 points is 5), so both databases add them exactly.
Attendance is one row per meeting and member, so a joint activity of several organizations counts once.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connections
from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Greatest, Least, Round, Substr, TruncMonth, TruncQuarter, TruncYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.cobuilding.models import Activity
from dangjian.core import rulebook
from dangjian.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from dangjian.orgs.models import Organization

from .defaults import ensure_default_point_rules, ensure_default_star_scales
from .models import CapPeriod, ItemStatus, ManualItem, PointRule, ScaleOf, Source, StarScale

TENTH = Decimal("0.1")
TRUNC = {CapPeriod.MONTH: TruncMonth, CapPeriod.QUARTER: TruncQuarter, CapPeriod.YEAR: TruncYear}


def defaults_present():
    if not PointRule.objects.filter(organization__isnull=True).exists():
        ensure_default_point_rules(PointRule)


def rules_for(org):
    """{key: rule} in force for members of `org` (its own overrides, its ancestors', else the defaults)."""
    defaults_present()
    return {k: r for k, r in rulebook.nearest(PointRule.objects.all(), org).items() if r.enabled}


class Scales:
    """The star scales in force (models.StarScale), read once — a handful of rows — and resolved per organization
    path in memory: the scale of the organization or its nearest ancestor, else the default. A board of thousands
    asks it per row without a query per row."""

    def __init__(self, of=ScaleOf.MEMBER):
        if not StarScale.objects.filter(organization__isnull=True, of=of).exists():
            ensure_default_star_scales(StarScale)
        rows = list(StarScale.objects.filter(of=of).select_related("organization"))
        self.default = next(r for r in rows if r.organization_id is None)
        self.by_path = {r.organization.path: r for r in rows if r.organization_id}
        self._found = {}

    def for_path(self, path):
        if not self.by_path:
            return self.default
        if path not in self._found:
            step = Organization.steplen
            self._found[path] = next((self.by_path[path[:i]] for i in range(len(path), 0, -step)
                                      if path[:i] in self.by_path), self.default)
        return self._found[path]

    def stars(self, points, path=""):
        """Stars for `points` under the scale applying at `path`; 0 is 不合格 (后进 for organizations)."""
        return self.for_path(path).stars(points)


def tenths(points):
    return int(points * 10)


def _year(year, until=None):
    """The dates a year's points count: the whole year, or up to `until` (a quarter's end: 截至本季度累计)."""
    end = datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1), min(end, until) if until else end


def quarter_end(year, quarter):
    """The last day of `quarter` (1–4) of `year`; None for the whole year."""
    if not quarter:
        return None
    return datetime.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - datetime.timedelta(days=1)


MEETING_ROLES = {Source.HOST: "host", Source.LECTURER: "lecturer_member"}


def _records(rule, year, until=None):
    """The records `rule` scores in `year` (up to `until`), as (queryset, member field, date field)."""
    start, end = _year(year, until)
    if rule.source == Source.TRAINING:  # a course of a training class, attended (学习培训)
        from dangjian.learning.models import CourseAttendance

        return (CourseAttendance.objects.filter(course__held_on__gte=start, course__held_on__lte=end), "member",
                "course__held_on")
    if rule.source == Source.QUIZ:  # a contest passed: its first attempt scoring 60 or more, once per contest
        from dangjian.learning.models import Attempt

        passing = Attempt.objects.filter(submitted_at__isnull=False, score__gte=60)
        earlier = passing.filter(contest=OuterRef("contest"), member=OuterRef("member"), pk__lt=OuterRef("pk"))
        return (passing.filter(~Exists(earlier), submitted_at__date__gte=start, submitted_at__date__lte=end), "member",
                "submitted_at")
    if rule.source in MEETING_ROLES:  # the member's role in the meeting itself: hosted it, lectured at it
        who = MEETING_ROLES[rule.source]
        qs = Meeting.objects.filter(status=MeetingStatus.HELD, held_on__gte=start, held_on__lte=end,
                                    **{f"{who}__isnull": False})
        return (qs.filter(kind=rule.meeting_kind) if rule.meeting_kind else qs), who, "held_on"
    status = AttendanceStatus.ABSENT if rule.source == Source.ABSENT else AttendanceStatus.PRESENT
    qs = Attendance.objects.filter(status=status, meeting__status=MeetingStatus.HELD,
                                   meeting__held_on__gte=start, meeting__held_on__lte=end)
    if rule.source == Source.COBUILDING:  # the meeting is the record of a co-building agreement's joint activity
        # an uncorrelated IN (read once, hashed), not an EXISTS per attendance row: on tables the planner has not
        # analyzed yet (a fresh demo) the correlated form was planned as a nested loop that ran for minutes
        qs = qs.filter(meeting_id__in=Activity.objects.filter(meeting__isnull=False).values("meeting_id"))
    if rule.meeting_kind:
        qs = qs.filter(meeting__kind=rule.meeting_kind)
    return qs, "member", "meeting__held_on"


def _governed(prefix, include, exclude, root):
    """The members `rule` governs: its subtree minus nearer overrides. The root's own rule with no override below
    governs every member under the root — all of `members`, by how the roots were found — so it needs no condition
    (and each piece no join to the members and organizations: the planner's time for the statement halves)."""
    if include == root.path and not exclude:
        return Q()
    q = Q(**{f"{prefix}organization__path__startswith": include})
    for path in exclude:
        q &= ~Q(**{f"{prefix}organization__path__startswith": path})
    return q


def _piece(rule, include, exclude, root, members, year, scan, until):
    """A queryset of (mid, pts) rows — member id and points in tenths — for `rule` over its subtree."""
    if rule.source == Source.BASE:
        return (members.filter(_governed("", include, exclude, root)).order_by()
                .values(mid=F("pk")).annotate(pts=Value(tenths(rule.points), output_field=IntegerField())))
    qs, who, when = _records(rule, year, until)
    mine = F(f"{who}_id")
    if scan and connections[members.db].vendor == "sqlite":
        # `+ 0` keeps SQLite from driving the join by the member index (a lookup per member per rule); it walks
        # the year's meetings of the rule's kind instead, as PostgreSQL's hash join does anyway
        mine = ExpressionWrapper(mine + 0, output_field=IntegerField())
    qs = qs.alias(mine=mine).filter(mine__in=members.values("pk")).filter(_governed(f"{who}__", include, exclude, root))
    qs = qs.order_by()
    per = ExpressionWrapper(Count("pk") * tenths(rule.points), output_field=IntegerField())
    if not rule.capped:
        return qs.values(mid=F(who)).annotate(pts=per)
    cap = tenths(rule.cap)
    bounded = Least(per, Value(cap)) if rule.points >= 0 else Greatest(per, Value(-cap))
    return qs.values(mid=F(who), bucket=TRUNC[rule.cap_period](when)).annotate(pts=bounded)


def year_points(members, year, scan=False, until=None):
    """{member id: points (Decimal)} for every member of the `members` queryset, in one statement. Members no rule
    scores (a rulebook with the base switched off, no records) are absent from the result: read it with .get(pk, 0).
    `scan`: the members are most of the database (a whole group) — read the year's records rather than each
    member's. `until`: only the records up to that day (a quarter's publication: the year so far)."""
    defaults_present()
    members = members.order_by()
    roots = members.values_list(Substr("organization__path", 1, Organization.steplen), flat=True).distinct()
    pieces = []
    for root in Organization.objects.filter(path__in=list(roots)):
        for rule, include, exclude in rulebook.groups(PointRule.objects.all(), root):
            if rule.enabled and rule.source != Source.MANUAL:  # manual items: the approved ones, below
                pieces.append(_piece(rule, include, exclude, root, members, year, scan, until).query.sql_with_params())
    # approved manual items (表彰、先锋岗、违纪扣分…): no rulebook, their own approved points
    start, end = _year(year, until)
    approved = (ManualItem.objects.filter(status=ItemStatus.APPROVED, on__gte=start, on__lte=end,
                                          member__in=members.values("pk")).order_by()
                .values(mid=F("member")).annotate(pts=Cast(Round(Sum("points") * 10), IntegerField())))
    pieces.append(approved.query.sql_with_params())
    sql = " UNION ALL ".join(f"SELECT mid, pts FROM ({s}) p{i}" for i, (s, _p) in enumerate(pieces))
    params = [p for _s, ps in pieces for p in ps]
    with connections[members.db].cursor() as cursor:
        cursor.execute(f"SELECT mid, SUM(pts) FROM ({sql}) lines GROUP BY mid", params)
        return {mid: (Decimal(int(total)) / 10).quantize(TENTH) for mid, total in cursor.fetchall()}


@dataclass
class Line:
    on: datetime.date
    item: str  # 积分项目
    category: str  # its category, for people
    source: str  # Source, or "manual"
    points: Decimal  # what the line counted, after its cap
    raw: Decimal  # what the rule gives a record
    record: object = None  # the meeting (or the approved manual item) that earned or cost it
    note: str = ""

    @property
    def cut(self):
        return self.points != self.raw

    @property
    def url(self):
        """The record's page: a meeting's or a manual item's (a course or a contest is named, not linked: its page
        belongs to the organizer's scope)."""
        if isinstance(self.record, ManualItem):
            return reverse("points:item", args=[self.record.pk])
        if self.source in (Source.TRAINING, Source.QUIZ):
            return ""
        return reverse("meetings:detail", args=[self.record.pk]) if self.record is not None else ""

    @property
    def record_label(self):
        if isinstance(self.record, ManualItem):
            return self.record.reason
        if self.source == Source.TRAINING:
            return f"{self.record.training_class.title}：{self.record.title}"
        if self.source == Source.QUIZ:
            return self.record.title
        return f"{self.record.get_kind_display()}：{self.record.topic}" if self.record is not None else ""


@dataclass
class Ledger:
    member: object
    year: int
    lines: list = field(default_factory=list)

    @property
    def total(self):
        return sum((line.points for line in self.lines), Decimal(0)).quantize(TENTH)

    @cached_property
    def stars(self):
        return Scales().stars(self.total, self.member.organization.path)


def _bucket(on, period):
    if period == CapPeriod.MONTH:
        return (on.year, on.month)
    if period == CapPeriod.QUARTER:
        return (on.year, (on.month - 1) // 3)
    return (on.year,)


def ledger(member, year, until=None):
    """Every line of `member`'s points for `year` (up to `until`), in date order, each with its record and the cap
    that cut it."""
    rules = rules_for(member.organization)
    start, _end = _year(year)
    found = []
    if (Source.BASE, "") in rules:
        found.append((start, 0, rules[(Source.BASE, "")], None))
    for rule in rules.values():
        if rule.source in (Source.BASE, Source.MANUAL):
            continue
        qs, who, _when = _records(rule, year, until)
        if rule.source in MEETING_ROLES:
            found += [(m.held_on, m.pk, rule, m) for m in qs.filter(**{who: member})]
        elif rule.source == Source.TRAINING:
            found += [(a.course.held_on, a.course.pk, rule, a.course)
                      for a in qs.filter(member=member).select_related("course__training_class")]
        elif rule.source == Source.QUIZ:
            found += [(timezone.localtime(a.submitted_at).date(), a.pk, rule, a.contest)
                      for a in qs.filter(member=member).select_related("contest")]
        else:
            found += [(a.meeting.held_on, a.meeting.pk, rule, a.meeting)
                      for a in qs.filter(member=member).select_related("meeting")]
    # a meeting's attendance, then its host, then the co-building activity it recorded
    order = {Source.BASE: 0, Source.PRESENT: 1, Source.ABSENT: 1, Source.HOST: 2, Source.LECTURER: 2, Source.COBUILDING: 3,
             Source.TRAINING: 1, Source.QUIZ: 1}
    found.sort(key=lambda x: (x[0], x[1], order[x[2].source]))
    out, used = Ledger(member, year), {}
    for on, _pk, rule, record in found:
        raw = rule.points
        counted, note = raw, ""
        if rule.capped:
            key = (rule.pk, _bucket(on, rule.cap_period))
            before = used.get(key, Decimal(0))
            room = rule.cap - abs(before)
            counted = (min(raw, room) if raw >= 0 else -min(-raw, room)) if room > 0 else Decimal(0)
            used[key] = before + counted
            if counted != raw:
                note = _("已达%(p)s上限 %(c)s 分") % {"p": rule.get_cap_period_display(), "c": rule.cap}
        out.lines.append(Line(on, rule.item, rule.get_category_display(), rule.source, counted, raw, record, note))
    start, end = _year(year, until)
    for item in ManualItem.objects.filter(member=member, status=ItemStatus.APPROVED, on__gte=start, on__lte=end):
        out.lines.append(Line(item.on, item.get_category_display(), _("人工申报（已审批）"), "manual", item.points,
                              item.points, item))
    out.lines.sort(key=lambda line: line.on)  # stable: a day's meeting lines keep their order
    return out
