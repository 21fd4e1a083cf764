"""星级党小组 (seed 003: "双积分+双评星" — members' points and the 星级党小组 competition are one project).

A group's score for a year is read from what the branches published (the figures members were shown), never
recomputed: 80 % the average of its members' published points, 20 % its monthly 党小组会 (months held with a
quorate meeting, from the meeting tally, over the months of the year so far). Stars on the organization scale
(models.StarScale "group": RULES.md's 95/85/75/65/60 unless a 党委 sets its own). One grouped query for any number
of groups."""
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Sum
from django.utils import timezone

from dangjian.meetings.models import MeetingTally
from dangjian.orgs.models import Organization, OrgKind

from .engine import Scales
from .models import Publication, PublishedResult, ScaleOf

MEMBER_WEIGHT, MEETING_WEIGHT = Decimal("0.8"), Decimal("20")


@dataclass(frozen=True)
class Group:
    pk: int
    name: str
    path: str


@dataclass
class GroupRow:
    rank: int
    group: Group
    members: int
    average: Decimal
    months_held: int
    months_due: int
    score: Decimal
    stars: int


def latest_publications(year):
    """Each organization's latest publication of `year` (a republication replaces the earlier one); the year's,
    not a quarter's: 星级党小组 is awarded on the year."""
    newer = Publication.objects.filter(organization=OuterRef("organization"), year=year, quarter__isnull=True,
                                       pk__gt=OuterRef("pk"))
    return Publication.objects.filter(year=year, quarter__isnull=True).filter(~Exists(newer))


def ranking(groups, year, today=None):
    """[GroupRow] for the groups of the `groups` queryset whose branch has published `year`, best first."""
    today = today or timezone.localdate()
    due = 12 if year < today.year else (today.month if year == today.year else 0)
    averages = {g: (n, avg) for g, n, avg in PublishedResult.objects.filter(
        publication__in=latest_publications(year), party_group__in=groups.values("pk"))
        .values("party_group").annotate(n=Count("id"), avg=Avg("points")).values_list("party_group", "n", "avg")}
    held = dict(MeetingTally.objects.filter(
        organization__in=groups.values("pk"), kind="group", held__gt=0,
        month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, 12, 31))
        .values("organization").annotate(n=Count("month")).values_list("organization", "n"))
    rows, tenth, scales = [], Decimal("0.1"), Scales(ScaleOf.GROUP)
    for pk, name, path in groups.values_list("pk", "name", "path"):
        if pk not in averages:
            continue
        n, avg = averages[pk]
        avg = Decimal(avg).quantize(tenth, ROUND_HALF_UP)
        months = min(held.get(pk, 0), due)
        meetings = MEETING_WEIGHT * months / due if due else MEETING_WEIGHT
        score = (avg * MEMBER_WEIGHT + meetings).quantize(tenth, ROUND_HALF_UP)
        rows.append(GroupRow(0, Group(pk, name, path), n, avg, months, due, score, scales.stars(score, path)))
    rows.sort(key=lambda r: (-r.score, r.group.path))
    rank, last = 0, None
    for i, row in enumerate(rows, 1):
        if row.score != last:
            rank, last = i, row.score
        row.rank = rank
    return rows


def groups_under(org, user):
    return Organization.objects.visible_to(user).filter(path__startswith=org.path, kind=OrgKind.GROUP)


@dataclass
class BranchRow:
    branch: Organization
    publication: object = None  # its latest year publication, None if it has not published
    members: int = 0
    average: Decimal = None
    by_stars: list = None  # members per stars, 不合格 (0) to ★★★★★ (5)


def branch_overview(branches, year):
    """[BranchRow] for the `branches`: each branch's published year as its members were shown it — how many, the
    average, how many at each star — from one grouped query over the published results (a 党委 of thousands of
    branches reads it as fast as one)."""
    pubs = {p.organization_id: p for p in latest_publications(year).filter(organization__in=[b.pk for b in branches])
            .select_related("published_by")}
    rows = {b.pk: BranchRow(b, pubs.get(b.pk), by_stars=[0] * 6) for b in branches}
    totals = {}
    for org, stars, n, points in (PublishedResult.objects.filter(publication__in=[p.pk for p in pubs.values()])
                                  .values("publication__organization", "stars").order_by()
                                  .annotate(n=Count("id"), points=Sum("points"))
                                  .values_list("publication__organization", "stars", "n", "points")):
        row = rows[org]
        row.by_stars[min(stars, 5)] += n
        row.members += n
        totals[org] = totals.get(org, 0) + points
    for pk, total in totals.items():
        rows[pk].average = (Decimal(total) / rows[pk].members).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return list(rows.values())
