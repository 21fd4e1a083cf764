"""The member tally (MemberTally): members on the roll per organization, 党小组 and status (core.tallies)."""
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from dangjian.core.tallies import Tally


def counted():
    """{(organization id, group id, status): (n,)} counted from the roster by the ORM, for the check."""
    from .models import Member

    rows = (Member.objects.on_roll().annotate(group=Coalesce("party_group_id", 0)).order_by()
            .values_list("organization_id", "group", "status").annotate(n=Count("id")))
    return {(org, group, status): (n,) for org, group, status, n in rows.iterator(chunk_size=5000)}


def kept():
    from .models import MemberTally

    rows = MemberTally.objects.exclude(n=0).values_list("organization_id", "group_id", "status", "n")
    return {(org, group, status): (n,) for org, group, status, n in rows.iterator(chunk_size=5000)}


MEMBERS = Tally(
    name="members_tally", label="党员人数计数", source="members_member", target="members_membertally",
    keys=lambda vendor, row: {"organization_id": f"{row}.organization_id",
                              "group_id": f"COALESCE({row}.party_group_id, 0)", "status": f"{row}.status"},
    counts=lambda vendor, row: {"n": "1"}, when="{row}.ended_on IS NULL", counted=counted, kept=kept)


def roll_counts(user, org=None):
    """{status: members on the roll} in `user`'s scope (within `org`'s subtree if given), from the tally — or
    None when the tally cannot answer exactly: the user's own record lies outside their grants (visible_to adds
    that one row) or `org` is not under a grant. The roster's page count and the home page's figures read it
    instead of counting 100,000 members on every request."""
    from dangjian.core.scope import grant_paths, own_record

    from .models import MemberTally

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    paths = None if user.is_superuser else tuple(grant_paths(user, "view"))
    mine = None if user.is_superuser else own_record(user)
    if mine is not None and not mine["path"].startswith(paths or ("\0",)):
        return None
    tallies = MemberTally.objects.all()
    if org is not None:
        if paths is not None and not org.path.startswith(paths or ("\0",)):
            return None
        tallies = tallies.filter(organization__path__startswith=org.path)
    elif paths is not None:
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(organization__path__startswith=path)
        tallies = tallies.filter(within)
    return dict(tallies.order_by().values_list("status").annotate(n=Sum("n")))
