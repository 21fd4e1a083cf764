"""The member tally (MemberTally): members on the roll per organization, 党小组 and status (core.tallies)."""
from django.db.models import Count
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
