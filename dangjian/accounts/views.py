from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.dates import add_months
from dangjian.core.scope import grant_paths
from dangjian.core.views import OutOfScope, ensure_in_scope

from dangjian.members.models import Member, Status
from dangjian.members.tally import roll_counts
from dangjian.orgs.models import Committee, Organization, OrgKind

from .forms import AccountGrantForm
from .models import Grant
from .roles import MANAGE_GRANTS

User = get_user_model()
HOME_TERMS = 20  # the most urgent; the page says how many more there are and where to see them all


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
    by_status = roll_counts(user)  # the member tally; None → count the rows
    if by_status is not None:
        member_counts = {"total": sum(by_status.values()), "probationary": by_status.get(Status.PROBATIONARY, 0)}
    else:
        member_counts = Member.objects.visible_to(user).on_roll().aggregate(
            total=Count("id"), probationary=Count("id", filter=Q(status=Status.PROBATIONARY)))
    today = timezone.localdate()
    due_terms = (
        Committee.objects.visible_to(user)
        .current()
        .filter(due_on__lte=add_months(today, 6))
    )
    terms = due_terms.select_related("organization").order_by("due_on")[:HOME_TERMS]
    terms_total = due_terms.count()
    roots = list(orgs.order_by("depth", "path")[:1])
    return render(
        request,
        "home.html",
        {
            "org_counts": org_counts,
            "member_counts": member_counts,
            "terms": terms,
            "terms_total": terms_total,
            "terms_shown": HOME_TERMS,
            "today": today,
            "top_org": roots[0] if roots else None,
            "me": Member.objects.filter(user=user).select_related("organization").first(),
        },
    )


@login_required
def grants(request):
    """账号与授权: the grants inside the subtrees this user administers, and a form to add one."""
    if not (request.user.is_superuser or grant_paths(request.user, MANAGE_GRANTS)):
        raise PermissionDenied
    form = AccountGrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            g = grant_role(by=request.user, **{k: form.cleaned_data.get(k) for k in (
                "username", "full_name", "password", "organization", "role", "member")},
                existing_user=form.cleaned_data["existing_user"])
        except OutOfScope:
            form.add_error("organization", _("不在您的管辖范围内"))
        else:
            messages.success(request, _("已授权：%(g)s") % {"g": g})
            return redirect("grants")
    rows = (
        Grant.objects.visible_to(request.user, MANAGE_GRANTS)
        .select_related("user", "organization")
        .order_by("organization__path", "user__username")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/grants.html", {"form": form, "page": page})


@login_required
def revoke(request, pk):
    g = get_object_or_404(Grant.objects.visible_to(request.user, MANAGE_GRANTS), pk=pk)
    if request.method == "POST":
        if g.user_id == request.user.pk:
            messages.error(request, _("不能撤销自己的授权"))
        else:
            g.delete()
            messages.success(request, _("已撤销授权：%(g)s") % {"g": g})
    return redirect("grants")


@transaction.atomic
def grant_role(*, by, username, full_name, password, organization, role, member=None, existing_user=None):
    user = existing_user
    if user is None:
        user = User.objects.create_user(username=username, password=password, first_name=full_name or "")
    g, _created = Grant.objects.get_or_create(user=user, organization=organization, role=role)
    if member is not None:
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    ensure_in_scope(Grant, by, MANAGE_GRANTS, g.pk)
    return g
