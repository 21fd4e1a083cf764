"""The points board of an organization: its members on the roll, their year points and stars, ranked.

The totals come from engine.year_points (one SQL statement for all of them); ranking and filtering a branch's few
dozen rows happen here. A 党委 of thousands is not one board: the page asks for a branch instead (BOARD_LIMIT)."""
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from dangjian.members.models import EndReason, Member, Transfer, TransferKind

from . import engine

BOARD_LIMIT = 3000


@dataclass
class Row:
    rank: int
    member: Member
    points: object
    stars: int
    published: object = None  # the PublishedResult of the latest publication, if any
    arrived: object = None  # the internal Transfer that brought the member here this year, if any

    @property
    def changed(self):
        return self.published is not None and self.published.points != self.points

    @property
    def star_text(self):
        return "★" * self.stars if self.stars else "不合格"


def members_of(org, user):
    """The members on the roll under `org` that `user` may see, with what the board shows of them."""
    return (Member.objects.visible_to(user).on_roll().filter(organization__path__startswith=org.path)
            .select_related("organization", "party_group"))


def rows(members, year, totals=None, until=None):
    """[Row] ranked by points (ties share a rank), then by name; `totals` when already computed for them; `until`:
    the year up to that day (a quarter's figures)."""
    people = list(members)
    if totals is None:
        # A branch's few dozen: their ids, not the scoped query again inside each of the statement's pieces
        # (planning that cost more than running it: 14 ms of a 20-member board's 18). Hundreds: the query (a list
        # of 1,428 ids in every piece plans slower still).
        few = Member.objects.filter(pk__in=[m.pk for m in people]) if len(people) <= 300 else members
        totals = engine.year_points(few, year, until=until)
    people.sort(key=lambda m: (-totals.get(m.pk, 0), m.name_initials, m.pk))
    scales = engine.Scales()
    out, rank, last = [], 0, None
    for i, m in enumerate(people, 1):
        points = totals.get(m.pk, 0)
        if points != last:
            rank, last = i, points
        out.append(Row(rank, m, points, scales.stars(points, m.organization.path)))
    return out


def star_counts(board):
    """[(label, count)] from 不合格 to ★★★★★, for the distribution chart."""
    counts = [0] * 6
    for row in board:
        counts[row.stars] += 1
    return [("不合格" if n == 0 else "★" * n, c) for n, c in enumerate(counts)]


def mark_arrivals(board, year, user):
    """Members who came from another organization this year keep the points they earned there (attendance is the
    member's); the board says where they came from and when."""
    by_member = {r.member.pk: r for r in board}
    moves = (Transfer.objects.visible_to(user).filter(kind=TransferKind.INTERNAL, transferred_on__year=year,
                                                     member_id__in=list(by_member))
             .select_related("from_org").order_by("transferred_on", "id"))
    for t in moves:  # the latest move wins
        by_member[t.member_id].arrived = t


@dataclass
class Departure:
    member: Member
    on: object
    where: str
    points: object


def departures(org, user, year):
    """[Departure] — members who left `org`'s subtree during `year` (转出 to another organization in or out of the
    system, or whose membership ended), with the points they earned up to then. Shown beside the ranking, not in
    it: they are no longer on this roll. Only those the user may see (a move to a branch outside the user's scope
    shows on that branch's board)."""
    gone = list(Member.objects.visible_to(user).filter(organization__path__startswith=org.path, ended_on__year=year)
                .select_related("organization"))
    moved = list(Transfer.objects.visible_to(user).filter(
        kind=TransferKind.INTERNAL, transferred_on__year=year, from_org__path__startswith=org.path)
        .exclude(Q(member__organization__path__startswith=org.path) | Q(member__in=[m.pk for m in gone]))
        .select_related("member", "to_org").order_by("transferred_on", "id"))
    totals = engine.year_points(Member.objects.filter(pk__in=[m.pk for m in gone] + [t.member_id for t in moved]),
                                year) if gone or moved else {}
    out = {}
    for m in gone:
        where = (_("转出至 %(o)s") % {"o": m.end_note or _("系统外组织")} if m.end_reason == EndReason.TRANSFERRED_OUT
                 else m.get_end_reason_display())
        out[m.pk] = Departure(m, m.ended_on, where, totals.get(m.pk, 0))
    for t in moved:  # the last move out of this subtree
        out[t.member_id] = Departure(t.member, t.transferred_on, _("转至 %(o)s") % {"o": t.to_org.name},
                                     totals.get(t.member_id, 0))
    return sorted(out.values(), key=lambda d: (d.on, d.member.pk))
