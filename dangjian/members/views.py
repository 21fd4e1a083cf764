from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE, VIEW_CHANGELOG, VIEW_IDCARD
from dangjian.core.scope import grant_paths, user_can
from dangjian.core.views import ObjectEditView, ObjectListView, OutOfScope, changelog_for
from dangjian.meetings.services import attendance_rate
from dangjian.orgs.models import Organization

from . import services
from .filtersets import MemberFilterSet
from .forms import EndMembershipForm, MemberForm, PostForm, TransferForm
from .models import Member
from .tally import ROSTER_TOPIC


def can_see_id(user, member):
    return user.is_superuser or member.user_id == user.pk or user_can(user, VIEW_IDCARD, member.organization)


class MemberListView(ObjectListView):
    queryset = Member.objects.all()
    filterset_class = MemberFilterSet
    template_name = "members/list.html"
    content_template = "members/_content.html"
    partial_template = "members/_table.html"
    cache_topic = ROSTER_TOPIC

    def known_count(self, filterset):
        return filterset.tally_count()

    def extra_context(self, filterset, page):
        user = self.request.user
        # the filter has checked the organization against the scope already (an invalid one lists nothing)
        chosen = filterset.form.cleaned_data.get("org") if filterset.is_valid() else None
        idcard_paths = grant_paths(user, VIEW_IDCARD)
        # The parent of each row's organization, so two "机关党支部" can be told apart: one query for the page.
        step = Organization.steplen
        parents = dict(Organization.objects.filter(
            path__in={m.organization.path[:-step] for m in page.object_list if m.organization.depth > 1})
            .values_list("path", "name"))
        # The choice labels translated once per page and the detail link built once: per row, the template engine
        # would translate each label and resolve the URL again (a third of the table's rendering).
        labels = {f: {k: str(v) for k, v in Member._meta.get_field(f).flatchoices}
                  for f in ("gender", "status", "category", "end_reason")}
        url = reverse("members:detail", args=[0])[:-2]
        for m in page.object_list:  # one page of rows, a prefix check each — no queries
            m.id_visible = user.is_superuser or m.user_id == user.pk or any(
                m.organization.path.startswith(p) for p in idcard_paths
            )
            m.organization_parent = parents.get(m.organization.path[:-step], "")
            m.url = f"{url}{m.pk}/"
            m.labels = {f: choices.get(getattr(m, f), "") for f, choices in labels.items()}
        return {
            "chosen_org": chosen,
            "can_add": user.is_superuser or bool(grant_paths(user, "add")),
            "can_export": user.is_superuser or bool(grant_paths(user, "export")),
        }


@login_required
def detail(request, pk):
    user = request.user
    member = get_object_or_404(
        Member.objects.visible_to(user).select_related("organization", "party_group", "user"), pk=pk
    )
    can_change = Member.objects.visible_to(user, CHANGE).filter(pk=pk).exists()
    show_log = user_can(user, VIEW_CHANGELOG, member.organization)
    log = list(changelog_for(member, user, extra_objects=list(member.posts.all()))) if show_log else []
    return render(request, "members/detail.html", {
        "member": member,
        "id_visible": can_see_id(user, member),
        "can_change": can_change,
        "timeline": services.timeline_for(member),
        "posts": member.posts.all(),
        "seats": member.committee_seats.select_related("committee__organization").filter(committee__ended_on__isnull=True),
        "changelog": log,
        "show_changelog": show_log,
        "attendance": attendance_rate(member, timezone.localdate().year),
    })


class MemberEditView(ObjectEditView):
    queryset = Member.objects.all()
    form_class = MemberForm
    template_name = "members/form.html"

    def form_kwargs(self):
        org_id = self.request.GET.get("org")
        org = None
        if org_id and org_id.isdigit():
            org = Organization.objects.visible_to(self.request.user, "add").filter(pk=org_id).first()
        return {"initial_org": org}

    def save(self, form):
        member = form.save()
        source = form.cleaned_data.get("transfer_in_from")
        if source:
            services.record_transfer_in(member=member, external_org=source, on=form.cleaned_data["transfer_in_on"],
                                        by=self.request.user)
        return member


def _member_for_change(request, pk):
    return get_object_or_404(Member.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)


@login_required
def transfer(request, pk):
    member = _member_for_change(request, pk)
    form = TransferForm(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        internal = form.cleaned_data["kind"] == TransferForm.INTERNAL
        try:
            services.transfer_member(
                member=member, on=form.cleaned_data["transferred_on"], by=request.user,
                to_org=form.cleaned_data["to_org"] if internal else None,
                external_org="" if internal else form.cleaned_data["external_org"],
                reason=form.cleaned_data["reason"],
            )
        except OutOfScope:
            form.add_error(None, _("转入组织不在您的管辖范围内，请由共同的上级组织办理"))
        else:
            messages.success(request, _("已办理 %(n)s 的组织关系转接") % {"n": member.name})
            return redirect(member)
    return render(request, "members/action_form.html", {"form": form, "member": member, "title": _("组织关系转接")})


@login_required
def end(request, pk):
    member = _member_for_change(request, pk)
    form = EndMembershipForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        services.end_membership(
            member=member, on=form.cleaned_data["ended_on"], reason=form.cleaned_data["end_reason"],
            note=form.cleaned_data["end_note"], by=request.user,
        )
        messages.success(request, _("已登记 %(n)s 党籍终止") % {"n": member.name})
        return redirect(member)
    return render(request, "members/action_form.html", {"form": form, "member": member, "title": _("党籍终止")})


@login_required
def add_post(request, pk):
    member = _member_for_change(request, pk)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post.member = member
        post.save()
        messages.success(request, _("已登记岗位：%(p)s") % {"p": post})
        return redirect(member)
    return render(request, "members/action_form.html", {"form": form, "member": member, "title": _("登记党员岗位")})
