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
    # only agreements with a party outside the user's tree grant anything (a group admin's own pairings do not)
    outside = Party.objects.filter(agreement=OuterRef("agreement"), organization__isnull=False)
    for path in paths:
        outside = outside.exclude(organization__path__startswith=path)
    mine = Party.objects.visible_to(user).filter(
        organization__isnull=False, agreement__status="in_force",
        agreement__starts_on__lte=today, agreement__ends_on__gte=today).filter(~Exists(unconfirmed), Exists(outside)
                                                                               ).select_related("agreement", "organization")
    mine = list(mine)
    # every party of those agreements in one query, not one query per agreement
    everyone = {}
    for agreement_id, party_id, path in Party.objects.filter(
            agreement__in={p.agreement_id for p in mine}, organization__isnull=False).values_list(
            "agreement_id", "pk", "organization__path"):
        everyone.setdefault(agreement_id, []).append((party_id, path))
    out = []
    for party in mine:
        others = [path for party_id, path in everyone.get(party.agreement_id, [])
                  if party_id != party.pk and not path.startswith(paths)]  # already visible through the tree
        if others:
            out.append((party.agreement, party, others))
    user._dangjian_review_grants = (today, out)
    return out


def reviewable_q(user, today=None):
    """A Q on Meeting for the records this user may read through agreements (empty Q matches nothing).

    Agreements of the same period are merged and their paths reduced to the minimal prefixes, so the condition
    grows with the distinct subtrees reviewed, not with the number of agreements (hundreds of agreements once
    made SQLite refuse the query as "Expression tree is too large")."""
    by_period = {}
    for agreement, _party, paths in review_grants(user, today):
        by_period.setdefault((agreement.starts_on, agreement.ends_on), set()).update(paths)
    where = Q(pk__in=[])
    for (starts, ends), paths in by_period.items():
        minimal = []
        for path in sorted(paths):
            if not any(path.startswith(m) for m in minimal):
                minimal.append(path)
        subtrees = Q()
        for path in minimal:
            subtrees |= Q(organization__path__startswith=path)
        where |= subtrees & Q(kind__in=REVIEWABLE_KINDS, held_on__gte=starts, held_on__lte=ends)
    # on the participation rows (which carry the meeting's kind and date), so both databases start from the
    # reviewed subtrees' organizations and their (organization, kind, held_on) index, not from a year of meetings
    from dangjian.meetings.models import MeetingOrganization

    return Q(pk__in=MeetingOrganization.objects.filter(where).values("meeting_id"))


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
