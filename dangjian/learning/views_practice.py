"""Pages of 党务实操 (procedures, drills, the guided checklist on a meeting) and 党建论坛."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.views import form_errors_text
from dangjian.core.scope import user_can
from dangjian.meetings.attachments import check_attachment
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organization

from . import practice
from .models import AgendaItem, Drill, ForumSession, ProcedureStep


class DrillForm(forms.ModelForm):
    class Meta:
        model = Drill
        fields = ["procedure", "performer", "held_on", "note"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Procedure

        self.fields["procedure"].queryset = Procedure.objects.filter(pk__in=[p.pk for p in practice.procedures_for(org).values()])
        self.fields["performer"].queryset = (Member.objects.on_roll().filter(organization__path__startswith=org.path,
                                                                           committee_seats__committee__ended_on__isnull=True)
                                             .distinct().order_by("name_initials", "name"))
        self.fields["performer"].help_text = gettext_lazy("本组织及下级现任书记、委员")

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天"))
        return day


class ForumForm(forms.ModelForm):
    class Meta:
        model = ForumSession
        fields = ["theme", "held_on", "is_monthly_meeting", "voting_closes_on"]
        widgets = {"held_on": DateInput(), "voting_closes_on": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("voting_closes_on") and data.get("held_on") and data["voting_closes_on"] < data["held_on"]:
            self.add_error("voting_closes_on", _("评选截止不能早于论坛日期"))
        return data


class AgendaForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "presenter", "file"]

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f:
            check_attachment(f)
        return f


def _org(request, org_pk, action="view"):
    org = get_object_or_404(Organization.objects.visible_to(request.user, action), pk=org_pk)
    if not user_can(request.user, action, org):
        raise Http404
    return org


@login_required
def drills(request, org_pk):
    org = _org(request, org_pk)
    can_add = user_can(request.user, CHANGE, org)
    form = DrillForm(request.POST or None, org=org, initial={"held_on": timezone.localdate()}) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            drill = form.save(commit=False)
            drill.organization, drill.created_by = org, request.user
            drill.save()
            messages.success(request, _("已登记演练，请评委逐步评分"))
            return redirect(drill)
    found = practice.with_results(Drill.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
                                  .select_related("procedure", "performer", "organization"))[:100]
    return render(request, "learning/drills.html", {
        "org": org, "drills": [(d, d.percent) for d in found], "form": form,
        "procedures": [(p, list(p.steps.all())) for p in practice.procedures_for(org).values()]})


@login_required
def drill_detail(request, pk):
    drill = get_object_or_404(Drill.objects.visible_to(request.user).select_related("procedure", "performer", "organization"),
                              pk=pk)
    assessors, percent, per_step = practice.drill_result(drill)
    steps = list(drill.procedure.steps.all())
    may_score = (user_can(request.user, CHANGE, drill.organization) and drill.performer.user_id != request.user.pk
                 and not drill.scores.filter(assessor=request.user).exists())
    history = [(d, d.percent) for d in practice.with_results(
        Drill.objects.visible_to(request.user).filter(performer=drill.performer).select_related("procedure"))]
    return render(request, "learning/drill.html", {
        "drill": drill, "steps": [(s, per_step.get(s.pk)) for s in steps], "assessors": assessors, "percent": percent,
        "may_score": may_score, "history": history,
        "comments": drill.scores.exclude(comment="").select_related("step")})


@login_required
@require_POST
def drill_score(request, pk):
    drill = get_object_or_404(Drill.objects.visible_to(request.user, CHANGE).select_related("performer"), pk=pk)
    scores = {}
    for step in drill.procedure.steps.all():
        raw = request.POST.get(f"s_{step.pk}", "")
        if raw.isdigit():
            scores[step.pk] = (int(raw), request.POST.get(f"c_{step.pk}", ""))
    try:
        practice.score_drill(drill=drill, by=request.user, scores=scores)
        messages.success(request, _("已提交评分"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(drill)


@login_required
@require_POST
def meeting_step(request, meeting_pk, step_pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user, CHANGE).select_related("organization"),
                                pk=meeting_pk)
    step = get_object_or_404(ProcedureStep, pk=step_pk)
    try:
        practice.check_step(meeting=meeting, step=step, by=request.user)
    except (ValidationError, PermissionDenied):
        raise Http404 from None
    return redirect(meeting.get_absolute_url() + "#procedure")


def meeting_procedure_panel(request, meeting):
    """The 组织生活会's record follows its procedure: each step with its standard and source, ticked as it is done."""
    from .models import MeetingStep

    procedure = practice.procedure_for_meeting(meeting)
    if procedure is None:
        return None
    done = dict(MeetingStep.objects.filter(meeting=meeting).values_list("step_id", "done_at"))
    return {"template": "learning/_meeting_procedure.html", "procedure": procedure,
            "steps": [(s, done.get(s.pk)) for s in procedure.steps.all()], "meeting": meeting,
            "can_tick": user_can(request.user, CHANGE, meeting.organization)}


@login_required
def forums(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    can_add = user_can(request.user, CHANGE, org)
    form = ForumForm(request.POST or None, initial={"held_on": timezone.localdate()}) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            session = form.save(commit=False)
            session.organization, session.created_by = org, request.user
            session.save()
            return redirect(session)
    sessions = ForumSession.objects.visible_to(request.user).filter(
        organization__path__in=[org.path[:i] for i in range(4, len(org.path) + 1, 4)]
    ) | ForumSession.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
    return render(request, "learning/forums.html", {"org": org, "sessions": sessions.select_related("organization")
                                                    .distinct()[:50], "form": form})


@login_required
def forum_detail(request, pk):
    session = get_object_or_404(ForumSession.objects.visible_to(request.user).select_related("organization"), pk=pk)
    items = list(session.items.prefetch_related("comments__user"))
    votes = practice.tally(session)
    mine = session.votes.filter(user=request.user).values_list("item_id", flat=True).first()
    can_change = user_can(request.user, CHANGE, session.organization)
    return render(request, "learning/forum.html", {
        "session": session, "items": [(i, votes.get(i.pk, 0)) for i in items], "my_vote": mine,
        "can_change": can_change, "agenda_form": AgendaForm() if can_change else None,
        "voting_open": not session.voting_closes_on or timezone.localdate() <= session.voting_closes_on})


@login_required
@require_POST
def agenda_add(request, pk):
    session = get_object_or_404(ForumSession.objects.visible_to(request.user, CHANGE), pk=pk)
    form = AgendaForm(request.POST, request.FILES)
    if form.is_valid():
        item = form.save(commit=False)
        item.session, item.order = session, session.items.count() + 1
        item.save()
        messages.success(request, _("已添加议程"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(session)


@login_required
@require_POST
def forum_comment(request, item_pk):
    item = get_object_or_404(AgendaItem.objects.filter(
        session__in=ForumSession.objects.visible_to(request.user).values("pk")), pk=item_pk)
    try:
        practice.comment(item=item, by=request.user, text=request.POST.get("text", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(item.session)


@login_required
@require_POST
def forum_vote(request, item_pk):
    item = get_object_or_404(AgendaItem.objects.filter(
        session__in=ForumSession.objects.visible_to(request.user).values("pk")).select_related("session"), pk=item_pk)
    try:
        practice.vote(session=item.session, item=item, by=request.user, today=timezone.localdate())
        messages.success(request, _("已投票"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(item.session)


@login_required
def agenda_file(request, pk):
    from dangjian.core.files import serve_upload

    item = get_object_or_404(AgendaItem.objects.filter(
        session__in=ForumSession.objects.visible_to(request.user).values("pk")), pk=pk)
    return serve_upload(item.file)


