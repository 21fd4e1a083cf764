"""The points board of an organization: its members on the roll, their year points and stars, ranked.

The totals come from engine.year_points (one SQL statement for all of them); ranking and filtering a branch's few
dozen rows happen here. A 党委 of thousands is not one board: the page asks for a branch instead (BOARD_LIMIT)."""
from dataclasses import dataclass

from dangjian.members.models import Member

from . import engine

BOARD_LIMIT = 3000


@dataclass
class Row:
    rank: int
    member: Member
    points: object
    stars: int
    published: object = None  # the PublishedResult of the latest publication, if any

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


def rows(members, year, totals=None):
    """[Row] ranked by points (ties share a rank), then by name; `totals` when already computed for them."""
    people = list(members)
    if totals is None:
        # A branch's few dozen: their ids, not the scoped query again inside each of the statement's pieces
        # (planning that cost more than running it: 14 ms of a 20-member board's 18). Hundreds: the query (a list
        # of 1,428 ids in every piece plans slower still).
        few = Member.objects.filter(pk__in=[m.pk for m in people]) if len(people) <= 300 else members
        totals = engine.year_points(few, year)
    people.sort(key=lambda m: (-totals.get(m.pk, 0), m.name_initials, m.pk))
    out, rank, last = [], 0, None
    for i, m in enumerate(people, 1):
        points = totals.get(m.pk, 0)
        if points != last:
            rank, last = i, points
        out.append(Row(rank, m, points, engine.stars(points)))
    return out


def star_counts(board):
    """[(label, count)] from 不合格 to ★★★★★, for the distribution chart."""
    counts = [0] * 6
    for row in board:
        counts[row.stars] += 1
    return [("不合格" if n == 0 else "★" * n, c) for n, c in enumerate(counts)]
