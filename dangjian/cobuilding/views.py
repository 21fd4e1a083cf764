from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import progress, services
from .forms import ActivityForm, AgreementForm, OutputForm
from .models import Agreement, Category, Output


def _agreement(request, pk, action="view"):
    return get_object_or_404(Agreement.objects.visible_to(request.user, action), pk=pk)


@login_required
def agreement_list(request):
    agreements = Agreement.objects.visible_to(request.user).prefetch_related("parties__organization", "parties__external")
    return render(request, "cobuilding/list.html", {"agreements": agreements})


@login_required
def create(request):
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("title", "level", "starts_on", "ends_on", "signed_on", "status", "document")}
        try:
            agreement = services.create_agreement(by=request.user, fields=fields, organizations=form.cleaned_data["org_codes"],
                                                  externals=list(form.cleaned_data["externals"]), targets=form.cleaned_data["targets"])
        except ValidationError as e:
            form.add_error(None, e.messages[0])
        else:
            messages.success(request, _("已登记共建协议：%(t)s") % {"t": agreement.title})
            return redirect(agreement)
    return render(request, "cobuilding/form.html", {"form": form})


@login_required
def detail(request, pk):
    agreement = _agreement(request, pk)
    can_change = Agreement.objects.visible_to(request.user, "manage_org").filter(pk=pk).exists()
    return render(request, "cobuilding/detail.html", {
        "agreement": agreement,
        "parties": agreement.parties.select_related("organization", "external"),
        "progress": progress.progress_for(agreement, timezone.localdate()),
        "activities": agreement.activities.prefetch_related("parties__organization", "parties__external"),
        "outputs": agreement.outputs.select_related("party__organization", "party__external"),
        "linkable": services.linkable_meetings(agreement) if can_change else [],
        "can_change": can_change,
        "activity_form": ActivityForm(agreement=agreement), "output_form": OutputForm(agreement=agreement),
    })


@login_required
@require_POST
def add_activity(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    form = ActivityForm(request.POST, agreement=agreement)
    if form.is_valid():
        data = dict(form.cleaned_data)
        parties = list(data.pop("parties"))
        services.record_activity(agreement=agreement, by=request.user, parties=parties, **data)
        messages.success(request, _("已登记共建活动"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect(agreement)


@login_required
@require_POST
def link_meeting(request, pk, meeting_pk):
    agreement = _agreement(request, pk, "manage_org")
    meeting = get_object_or_404(services.linkable_meetings(agreement), pk=meeting_pk)
    orgs = set(meeting.participations.values_list("organization_id", flat=True))
    parties = [p for p in agreement.parties.all() if p.organization_id in orgs]
    services.record_activity(agreement=agreement, by=request.user, parties=parties, meeting=meeting,
                             title=meeting.topic, held_on=meeting.held_on, category=Category.ACTIVITY,
                             summary=f"{meeting.get_kind_display()}（组织生活记录）")
    messages.success(request, _("已计入共建活动：%(m)s") % {"m": meeting.topic})
    return redirect(agreement)


@login_required
@require_POST
def add_output(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    form = OutputForm(request.POST, request.FILES, agreement=agreement)
    if form.is_valid():
        Output.objects.create(agreement=agreement, **{k: v for k, v in form.cleaned_data.items() if k != "file"},
                              file=form.cleaned_data.get("file") or "")
        messages.success(request, _("已登记共建成果"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect(agreement)


@login_required
@require_POST
def renew(request, pk):
    agreement = _agreement(request, pk, "manage_org")
    new = services.renew(agreement, by=request.user)
    messages.success(request, _("已生成下一年度的协议草稿，目标已复制"))
    return redirect(new)
