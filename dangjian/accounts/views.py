from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from dangjian.members.models import Member, Status
from dangjian.orgs.models import Committee, Organization, OrgKind


@login_required
def home(request):
    """The morning page: how big my scope is and what needs attention (terms due for 换届)."""
    user = request.user
    orgs = Organization.objects.visible_to(user).active()
    org_counts = orgs.aggregate(
        total=Count("id"),
        branches=Count("id", filter=Q(kind=OrgKind.BRANCH)),
        groups=Count("id", filter=Q(kind=OrgKind.GROUP)),
    )
    member_counts = Member.objects.visible_to(user).on_roll().aggregate(
        total=Count("id"), probationary=Count("id", filter=Q(status=Status.PROBATIONARY))
    )
    today = timezone.localdate()
    terms = (
        Committee.objects.visible_to(user)
        .current()
        .filter(due_on__lte=today + timezone.timedelta(days=183))
        .select_related("organization")
        .order_by("due_on")[:20]
    )
    roots = list(orgs.order_by("depth", "path")[:1])
    return render(
        request,
        "home.html",
        {
            "org_counts": org_counts,
            "member_counts": member_counts,
            "terms": terms,
            "today": today,
            "top_org": roots[0] if roots else None,
            "me": Member.objects.filter(user=user).select_related("organization").first(),
        },
    )
