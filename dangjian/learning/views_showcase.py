"""Pages of the 党建资料展评: rounds, a branch's submission, peers' ratings and the ranking."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import user_can
from dangjian.meetings.attachments import check_attachment
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization, OrgKind

from . import showcase
from .models import Entry, EntryFile, ShowcaseRound


class RoundForm(forms.ModelForm):
    class Meta:
        model = ShowcaseRound
        fields = ["title", "year", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("截止日期不能早于开始日期"))
        if data.get("year") and not 2000 <= data["year"] <= 2100:
            self.add_error("year", _("年度应在 2000 至 2100 之间"))
        return data


@login_required
def rounds(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    can_add = user_can(request.user, CHANGE, org)
    today = timezone.localdate()
    form = RoundForm(request.POST or None, initial={"year": today.year, "opens_on": today, "closes_on": today}) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            r = form.save(commit=False)
            r.organization = org
            showcase.create_round(showcase_round=r, by=request.user)
            return redirect(r)
    visible = ShowcaseRound.objects.visible_to(request.user)
    found = (visible.filter(organization__path__in=[org.path[:i] for i in range(4, len(org.path) + 1, 4)])
             | visible.filter(organization__path__startswith=org.path))
    return render(request, "learning/rounds.html", {"org": org, "rounds": found.select_related("organization").distinct()[:50],
                                                    "form": form})


def _submitters(request, r):
    """The branches under the round this user may submit for (their own, not yet submitted)."""
    done = set(r.entries.values_list("organization_id", flat=True))
    return [o for o in Organization.objects.visible_to(request.user, CHANGE).filter(
        path__startswith=r.organization.path, kind=OrgKind.BRANCH).order_by("path")[:20] if o.pk not in done]


@login_required
def round_detail(request, pk):
    r = get_object_or_404(ShowcaseRound.objects.visible_to(request.user).select_related("organization"), pk=pk)
    today = timezone.localdate()
    return render(request, "learning/round.html", {
        "round": r, "criteria": r.criteria.all(), "ranking": showcase.ranking(r),
        "readable": set(Entry.objects.visible_to(request.user).filter(round=r).values_list("pk", flat=True)),
        "submitters": _submitters(request, r) if r.opens_on <= today <= r.closes_on else []})


@login_required
@require_POST
def round_submit(request, pk):
    r = get_object_or_404(ShowcaseRound.objects.visible_to(request.user), pk=pk)
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=request.POST.get("organization") or 0)
    files = request.FILES.getlist("files")
    try:
        for f in files:
            check_attachment(f)
        entry = showcase.submit(showcase_round=r, organization=org, by=request.user, files=files,
                                note=request.POST.get("note", "")[:300])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(r)
    messages.success(request, _("已提交参评资料（组织生活台账已按提交时生成）"))
    return redirect(entry)


@login_required
def entry_detail(request, pk):
    entry = get_object_or_404(Entry.objects.visible_to(request.user).select_related("round__organization", "organization"),
                              pk=pk)
    rater_org = showcase.rater_org_for(request.user, entry)
    rated = entry.ratings.filter(rater_org=rater_org).exists() if rater_org else True
    ratings = entry.ratings.select_related("criterion", "rater_org").order_by("rater_org__path", "criterion__order")
    return render(request, "learning/entry.html", {
        "entry": entry, "files": entry.files.all(), "criteria": entry.round.criteria.all(), "ratings": ratings,
        "rater_org": rater_org if not rated else None,
        "result": next((row for row in showcase.ranking(entry.round) if row[0].pk == entry.pk), None)})


@login_required
@require_POST
def entry_rate(request, pk):
    entry = get_object_or_404(Entry.objects.visible_to(request.user).select_related("round", "organization"), pk=pk)
    points, comments = {}, {}
    for c in entry.round.criteria.all():
        raw = request.POST.get(f"p_{c.pk}", "")
        if raw.isdigit():
            points[c.pk] = int(raw)
        comments[c.pk] = request.POST.get(f"c_{c.pk}", "")
    try:
        org = showcase.rate(entry=entry, by=request.user, points=points, comments=comments)
        messages.success(request, _("已以“%(o)s”评分") % {"o": org.name})
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(entry)


@login_required
def entry_file(request, pk):
    from dangjian.core.files import serve_upload

    f = get_object_or_404(EntryFile.objects.filter(entry__in=Entry.objects.visible_to(request.user).values("pk")), pk=pk)
    return serve_upload(f.file, filename=f.name)
