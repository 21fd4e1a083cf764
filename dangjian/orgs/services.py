"""Writes to the organization tree that take more than one row: elect a committee, move a subtree."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from dangjian.core.views import ensure_in_scope
from dangjian.members.models import MemberTally

from .models import Committee, CommitteeMember, Organization, OrgKind, validate_parent


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery — one SQL expression, no GROUP BY games."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def with_member_counts(orgs):
    """Annotate each organization with the on-roll members of its whole subtree (a sum over the member tally)."""
    sums = (MemberTally.objects.filter(organization__path__startswith=OuterRef("path")).order_by()
            .annotate(one=Value(1)).values("one").annotate(total=Sum("n")).values("total"))
    return orgs.annotate(member_count=Coalesce(Subquery(sums), 0))


def child_member_counts(parent):
    """{child path: members on the roll in its subtree} from ONE grouped query over the member tally: its rows
    are grouped by the first (depth+1) steps of their organization's path — the child they fall under — instead
    of one count per child over 100,000 members."""
    length = (parent.depth + 1) * Organization.steplen
    return dict(
        MemberTally.objects.filter(organization__path__startswith=parent.path, organization__depth__gt=parent.depth)
        .annotate(prefix=Substr("organization__path", 1, length))
        .values("prefix")
        .annotate(total=Sum("n"))
        .order_by()
        .values_list("prefix", "total")
    )


def children_with_member_counts(parent, children, counts=None):
    """Children of `parent`, each with `member_count` for its subtree (`counts`: child_member_counts, if read)."""
    counts = child_member_counts(parent) if counts is None else counts
    children = list(children)
    # A 党小组's members belong to its branch (Member.organization) and name the group in party_group:
    # counted by that link, or every group would show 0 while its page lists its members.
    groups = [c.pk for c in children if c.kind == OrgKind.GROUP]
    in_group = dict(MemberTally.objects.filter(group_id__in=groups).values("group_id")
                    .annotate(total=Sum("n")).order_by().values_list("group_id", "total")) if groups else {}
    for child in children:
        child.member_count = in_group.get(child.pk, 0) if child.kind == OrgKind.GROUP else counts.get(child.path, 0)
    return children


@transaction.atomic
def create_organization(*, parent, instance, by):
    validate_parent(instance.kind, parent)
    org = Organization.objects.add_child(parent, instance=instance)
    ensure_in_scope(Organization, by, "manage_org", org.pk)
    return org


@transaction.atomic
def move_organization(*, org, new_parent, by):
    """Move `org` and its subtree under `new_parent`; both ends must be in the mover's scope."""
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能移动到自身或其下级组织之下"))
    validate_parent(org.kind, new_parent)
    ensure_in_scope(Organization, by, "move_org", org.pk)
    ensure_in_scope(Organization, by, "move_org", new_parent.pk)
    Organization.objects.move(org, new_parent, "last-child")
    org.refresh_from_db()
    ensure_in_scope(Organization, by, "move_org", org.pk)
    return org


@transaction.atomic
def elect_committee(*, organization, term_number, elected_on, term_years, seats, by):
    """Record a new term (届次): the previous current committee ends on the election date."""
    Committee.objects.filter(organization=organization, ended_on__isnull=True).update(ended_on=elected_on)
    committee = Committee.objects.create(
        organization=organization, term_number=term_number, elected_on=elected_on, term_years=term_years
    )
    for i, (member, position) in enumerate(seats):  # a handful of rows; created one by one for the change log
        CommitteeMember.objects.create(committee=committee, member=member, position=position, order=i)
    ensure_in_scope(Committee, by, "manage_org", committee.pk)
    return committee


@transaction.atomic
def update_committee(*, committee, term_number, elected_on, term_years, seats, by):
    """Correct the current term: its dates, and who holds which seat (补选 or a change of position)."""
    committee.term_number, committee.elected_on, committee.term_years = term_number, elected_on, term_years
    committee.save()
    keep = {member.pk: position for member, position in seats}
    for seat in committee.seats.all():
        if seat.member_id not in keep:
            seat.delete()  # one by one, so the change log shows who left
    for i, (member, position) in enumerate(seats):
        CommitteeMember.objects.update_or_create(committee=committee, member=member,
                                                 defaults={"position": position, "order": i})
    ensure_in_scope(Committee, by, "manage_org", committee.pk)
    return committee
