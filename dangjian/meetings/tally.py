"""The meeting tally (MeetingTally): held, quorate meetings per organization, kind and month, kept by triggers
on MeetingOrganization (core.tallies), so a joint activity counts for every organization that took part."""
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from dangjian.core.tallies import Tally


def _keys(vendor, row):
    month = (f"date_trunc('month', {row}.held_on)::date" if vendor == "postgresql"
             else f"strftime('%Y-%m-01', {row}.held_on)")
    return {"organization_id": f"{row}.organization_id", "kind": f"{row}.kind", "month": month}


def _counts(vendor, row):
    return {"held": "1", "lectured": f"CASE WHEN {row}.secretary_lectured THEN 1 ELSE 0 END"}


def counted():
    """The tally as counted from the meetings by the ORM, independently of the triggers and of recompute's SQL:
    {(organization id, kind, month): (held, lectured)}."""
    from .models import MeetingOrganization

    rows = (MeetingOrganization.objects.filter(held=True, quorate=True, held_on__isnull=False)
            .annotate(month=TruncMonth("held_on")).order_by()
            .values_list("organization_id", "kind", "month")
            .annotate(n=Count("id"), lectured=Count("id", filter=Q(secretary_lectured=True))))
    return {(org, kind, month): (n, lectured) for org, kind, month, n, lectured in rows.iterator(chunk_size=5000)}


def kept():
    from .models import MeetingTally

    rows = MeetingTally.objects.exclude(held=0, lectured=0).values_list("organization_id", "kind", "month", "held", "lectured")
    return {(org, kind, month): (n, lectured) for org, kind, month, n, lectured in rows.iterator(chunk_size=5000)}


MEETINGS = Tally(
    name="meetings_tally", label="组织生活计数", source="meetings_meetingorganization", target="meetings_meetingtally",
    keys=_keys, counts=_counts, when="{row}.held AND {row}.quorate AND {row}.held_on IS NOT NULL",
    counted=counted, kept=kept)
