from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.accounts.roles import MANAGE_ORG, MOVE_ORG, VIEW_CHANGELOG
from dangjian.core import generations
from dangjian.core.scope import grant_paths, user_can
from dangjian.core.views import ObjectEditView, ObjectListView, OutOfScope, changelog_for, ensure_in_scope
from dangjian.members.models import Member
from dangjian.members.tally import ROSTER_TOPIC

from . import services
from .filtersets_external import ExternalOrganizationFilterSet
from .forms import CommitteeForm, ExternalOrganizationForm, MoveForm, OrganizationForm
from .models import ExternalOrganization, Organization, OrgKind
from .rules import member_counts, structural_warnings


def visible(user, action="view"):
    return Organization.objects.visible_to(user, action)


def tree_roots(user):
    """The topmost organizations a user may see: the grant organizations, or their own for a member."""
    qs = visible(user)
    if user.is_superuser:
        return qs.filter(depth=1)
    paths = grant_paths(user, "view")
    if paths:
        return qs.filter(path__in=paths)
    # A member without a grant: their own organization (the topmost one they can see), as a filter rather
    # than a slice, so the caller can still order it.
    first = qs.order_by("depth", "path").values_list("pk", flat=True).first()
    return qs.filter(pk=first) if first else qs.none()


@login_required
def tree(request):
    roots = services.with_member_counts(tree_roots(request.user)).order_by("order", "path")
    return render(request, "orgs/tree.html", {"roots": roots})


@login_required
def children(request, pk):
    """htmx: the next level under a node (the tree is loaded lazily: 5,000 branches do not fit in one page)."""
    org = get_object_or_404(visible(request.user), pk=pk)
    kids = visible(request.user).filter(path__startswith=org.path, depth=org.depth + 1).order_by("order", "code")
    return render(request, "orgs/_children.html", {"nodes": services.children_with_member_counts(org, kids)})


@login_required
def detail(request, pk):
    user = request.user
    org = get_object_or_404(visible(user), pk=pk)
    committee = org.current_committee()
    # The subtree's member counts (the same for everyone who sees the page): kept until the roster changes.
    own_counts, child_counts = generations.cached(
        ROSTER_TOPIC, ("org_counts", org.pk), lambda: (member_counts(org), services.child_member_counts(org)))
    context = {
        "org": org,
        "crumbs": [o for o in org.ancestors_and_self()[:-1] if user_can(user, "view", o)],
        "warnings": structural_warnings(org, counts=own_counts),
        "committee": committee,
        "seats": committee.seats.select_related("member") if committee else [],
        "past_committees": org.committees.exclude(pk=committee.pk if committee else None).order_by("-term_number"),
        "children": services.children_with_member_counts(
            org, visible(user).filter(path__startswith=org.path, depth=org.depth + 1).order_by("order", "code"),
            child_counts),
        "members": Member.objects.visible_to(user).on_roll().filter(organization=org).select_related("party_group")[:20],
        "direct_count": Member.objects.visible_to(user).on_roll().filter(organization=org).count(),
        "can_manage": user_can(user, MANAGE_ORG, org),
        "can_move": user_can(user, MOVE_ORG, org) and org.depth > 1,
    }
    url, kinds = reverse("orgs:detail", args=[0])[:-2], {k: str(v) for k, v in OrgKind.choices}
    for child in context["children"]:  # the link and the kind's label built once, not resolved per row
        child.url, child.kind_label = f"{url}{child.pk}/", kinds.get(child.kind, child.kind)
    # Link a committee member's file only where the viewer may open it: no dead links for any persona.
    context["readable_members"] = set(Member.objects.visible_to(user).filter(
        pk__in=[s.member_id for s in context["seats"]]).values_list("pk", flat=True)) if committee else set()
    if org.kind == "group":
        context["members"] = Member.objects.visible_to(user).on_roll().filter(party_group=org)[:50]
        context["direct_count"] = Member.objects.visible_to(user).on_roll().filter(party_group=org).count()
    if user_can(user, VIEW_CHANGELOG, org):
        context["changelog"] = changelog_for(org, user, extra_objects=list(org.committees.all()))
        context["show_changelog"] = True
    return render(request, "orgs/detail.html", context)


@login_required
def create(request, parent_pk):
    parent = get_object_or_404(visible(request.user, MANAGE_ORG), pk=parent_pk)
    form = OrganizationForm(request.POST or None, user=request.user, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organization(parent=parent, instance=form.save(commit=False), by=request.user)
        except (OutOfScope, ValidationError) as e:
            form.add_error(None, e.messages[0] if isinstance(e, ValidationError) else _("不在您的管辖范围内"))
        else:
            messages.success(request, _("已新建组织：%(name)s") % {"name": org.name})
            return redirect(org)
    return render(request, "orgs/form.html", {"form": form, "parent": parent, "org": None})


@login_required
def edit(request, pk):
    org = get_object_or_404(visible(request.user, MANAGE_ORG), pk=pk)
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            ensure_in_scope(Organization, request.user, MANAGE_ORG, org.pk)
        messages.success(request, _("已保存：%(name)s") % {"name": org.name})
        return redirect(org)
    return render(request, "orgs/form.html", {"form": form, "org": org, "parent": None})


@login_required
def move(request, pk):
    org = get_object_or_404(visible(request.user, MOVE_ORG), pk=pk)
    if org.depth == 1:
        raise PermissionDenied
    form = MoveForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.move_organization(org=org, new_parent=form.cleaned_data["new_parent_code"], by=request.user)
        except OutOfScope:
            form.add_error(None, _("目标组织不在您的管辖范围内"))
        except ValidationError as e:
            form.add_error(None, e.messages[0])
        else:
            messages.success(request, _("已将 %(name)s 及其下级组织移动到新的上级组织下") % {"name": org.name})
            return redirect(org)
    return render(request, "orgs/move.html", {"form": form, "org": org})


@login_required
def committee_create(request, pk):
    org = get_object_or_404(visible(request.user, MANAGE_ORG), pk=pk)
    form = CommitteeForm(request.POST or None, user=request.user, organization=org)
    if request.method == "POST" and form.is_valid():
        services.elect_committee(
            organization=org,
            term_number=form.cleaned_data["term_number"],
            elected_on=form.cleaned_data["elected_on"],
            term_years=int(form.cleaned_data["term_years"]),
            seats=form.cleaned_data["seats"],
            by=request.user,
        )
        messages.success(request, _("已登记新一届委员会"))
        return redirect(org)
    return render(request, "orgs/committee_form.html", {"form": form, "org": org})


class ExternalListView(ObjectListView):
    queryset = ExternalOrganization.objects.select_related("owner")
    filterset_class = ExternalOrganizationFilterSet
    template_name = "orgs/external_list.html"

    def extra_context(self, filterset, page):
        user = self.request.user
        return {"can_add": user.is_superuser or bool(grant_paths(user, MANAGE_ORG))}


class ExternalEditView(ObjectEditView):
    queryset = ExternalOrganization.objects.all()
    form_class = ExternalOrganizationForm
    template_name = "orgs/external_form.html"

    def edit_action(self, update):
        return MANAGE_ORG

    def success_url(self, obj):
        return reverse("orgs:external_list")


@login_required
def committee_edit(request, pk):
    org = get_object_or_404(visible(request.user, MANAGE_ORG), pk=pk)
    committee = org.current_committee()
    if committee is None:
        return redirect("orgs:committee_create", org.pk)
    form = CommitteeForm(request.POST or None, instance=committee, user=request.user, organization=org)
    if request.method == "POST" and form.is_valid():
        services.update_committee(
            committee=committee, term_number=form.cleaned_data["term_number"], elected_on=form.cleaned_data["elected_on"],
            term_years=int(form.cleaned_data["term_years"]), seats=form.cleaned_data["seats"], by=request.user)
        messages.success(request, _("已更新本届委员会"))
        return redirect(org)
    return render(request, "orgs/committee_form.html", {"form": form, "org": org, "editing": True})


@login_required
def pick(request):
    """htmx: the organizations matching what was typed, for an OrgPickerWidget's list."""
    from .picker import PICK_ACTIONS, options

    action = request.GET.get("action", "view")
    if action not in PICK_ACTIONS:
        action = "view"
    kinds = [k for k in OrgKind.values if k != OrgKind.GROUP] if request.GET.get("units") else None
    # htmx sends the typed text under the input's own name (organization, to_org, …): take whichever it is
    text = next((v for k, v in request.GET.items() if k not in ("action", "units")), "")
    return render(request, "orgs/_pick_options.html", {"options": options(request.user, action, text, kinds)})


@login_required
def party_groups(request):
    """htmx: the 党小组 under the organization whose code was chosen, in the user's scope for `action`."""
    from dangjian.accounts.roles import ADD, CHANGE

    action = CHANGE if request.GET.get("action") == CHANGE else ADD
    code = (request.GET.get("organization") or "").strip()
    scope = Organization.objects.visible_to(request.user, action)
    org = scope.exclude(kind=OrgKind.GROUP).filter(code=code).first() if code else None
    groups = scope.filter(kind=OrgKind.GROUP, path__startswith=org.path).order_by("path") if org else []
    selected = request.GET.get("party_group")
    return render(request, "orgs/_group_options.html", {
        "groups": groups, "selected": int(selected) if selected and selected.isdigit() else None})
