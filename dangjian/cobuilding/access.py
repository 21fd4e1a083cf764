"""Read access granted by an agreement, not by the tree (互相观摩点评).

While an agreement is in force (status 生效, every internal party has confirmed it, and today inside its
period), a user whose scope covers one internal party may read the organization-life records of the OTHER
internal parties' subtrees — only the 三会一课 and 主题党日 held inside the agreement's period. Nothing else of
theirs, and nothing once the agreement ends. This app registers it with core.scope as a source for
meetings.Meeting (apps.py); the meetings app never imports it.
"""
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dangjian.core.scope import grant_paths

REVIEWABLE_KINDS = ["general_assembly", "committee", "group", "lecture", "theme_day"]


def review_grants(user, today=None):
    """[(agreement, reviewer party, [other party org paths])] for the in-force agreements this user is party to
    (cached on the user object for the request, like the tree grants)."""
    from .models import Party

    today = today or timezone.localdate()
    cached = getattr(user, "_dangjian_review_grants", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    paths = tuple(grant_paths(user, "view"))
    if not paths or user.is_superuser:
        return []
    unconfirmed = Party.objects.filter(agreement=OuterRef("agreement"), organization__isnull=False,
                                       confirmed_at__isnull=True)
    mine = Party.objects.visible_to(user).filter(
        organization__isnull=False, agreement__status="in_force",
        agreement__starts_on__lte=today, agreement__ends_on__gte=today).filter(~Exists(unconfirmed)).select_related(
        "agreement", "organization")
    out = []
    for party in mine:
        others = [p.organization.path for p in Party.objects.filter(agreement=party.agreement, organization__isnull=False)
                  .exclude(pk=party.pk).select_related("organization")
                  if not p.organization.path.startswith(paths)]  # already visible through the tree
        if others:
            out.append((party.agreement, party, others))
    user._dangjian_review_grants = (today, out)
    return out


def reviewable_q(user, today=None):
    """A Q on Meeting for the records this user may read through agreements (empty Q matches nothing)."""
    q = Q(pk__in=[])
    for agreement, _party, paths in review_grants(user, today):
        where = Q()
        for path in paths:
            where |= Q(participations__organization__path__startswith=path)
        q |= where & Q(kind__in=REVIEWABLE_KINDS, held_on__gte=agreement.starts_on, held_on__lte=agreement.ends_on)
    return q


def reviewer_party_for(user, meeting, today=None):
    """The party through which `user` may review `meeting`, or None."""
    if meeting.kind not in REVIEWABLE_KINDS:
        return None
    org_paths = list(meeting.participations.values_list("organization__path", flat=True))
    for agreement, party, paths in review_grants(user, today):
        in_period = agreement.starts_on <= meeting.held_on <= agreement.ends_on
        if in_period and any(o.startswith(tuple(paths)) for o in org_paths):
            return party
    return None


def reviewable_source(user, action):
    """The scope source for meetings.Meeting: a Q, or None when no agreement grants this user anything."""
    if action != "view" or not review_grants(user):
        return None
    return reviewable_q(user)


def meeting_reviews_panel(request, meeting):
    """The 观摩点评 section of a meeting page: the reviews, and the form for a reviewing party."""
    party = reviewer_party_for(request.user, meeting)
    reviews = list(meeting.reviews.select_related("reviewer_party__organization", "reviewer_party__external"))
    if party is None and not reviews:
        return None
    return {"template": "cobuilding/_meeting_reviews.html", "review_party": party, "reviews": reviews}
