from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.views.decorators.http import require_POST
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.scope import grant_paths, user_can
from dangjian.orgs.models import Organization, OrgKind

from . import checks, services
from .forms import CandidateForm, StepForm
from .models import Candidate, Interval
from .steps import BY_CODE, FIELDS, STEPS, Stage


@login_required
def index(request):
    top = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if top is None or not (request.user.is_superuser or grant_paths(request.user, "view")):
        return redirect("home")
    return redirect("recruitment:board", top.pk)


@login_required
def board(request, org_pk):
    """发展党员 under an organization: how many at each stage per branch (one grouped query), and for a branch each
    person with what is due next and what is overdue."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    candidates = Candidate.objects.visible_to(request.user).filter(organization__path__startswith=org.path,
                                                                   stopped_on__isnull=True)
    step = len(org.path) + Organization.steplen
    counts = {}
    for child, stage, n in (candidates.annotate(child=Substr("organization__path", 1, step)).order_by()
                            .values("child", "stage").annotate(n=Count("id")).values_list("child", "stage", "n")):
        counts.setdefault(child, {})[stage] = n
    children = {o.path: o for o in Organization.objects.filter(path__in=list(counts))}
    rollup = [(children[p], [counts[p].get(s, 0) for s in Stage.values]) for p in sorted(counts) if p in children]
    people = []
    if org.kind == OrgKind.BRANCH or candidates.count() <= 300:
        for c in candidates.select_related("organization").prefetch_related("steps").order_by("stage", "name"):
            dues = services.next_due(c, services.done_of_prefetched(c))
            people.append((c, dues, any(d.overdue for d in dues)))
    return render(request, "recruitment/board.html", {
        "org": org, "stages": Stage.choices, "rollup": rollup,
        "totals": [sum(r[1][i] for r in rollup) for i in range(len(Stage.values))], "people": people,
        "can_add": org.kind == OrgKind.BRANCH and user_can(request.user, CHANGE, org),
        "registers": REGISTERS.items() if user_can(request.user, "export", org) else [],
        "intervals": [(key, *checks.interval(org, key)) for key in Interval.Key]})


@login_required
def new(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk, kind=OrgKind.BRANCH)
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.start(organization=org, by=request.user, **data)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else ("applied_on" if field == "done_on" else None), errors)
        else:
            messages.success(request, _("已登记入党申请人：%(n)s") % {"n": candidate.name})
            return redirect("recruitment:file", candidate.pk)
    return render(request, "recruitment/new.html", {"org": org, "form": form})


@login_required
def file(request, pk):
    """A person's file: the 25 steps with what was recorded for each, what is due next, and the form for a step."""
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user).select_related("organization", "member"),
                                  pk=pk)
    done = services.done_of(candidate)
    can_record = user_can(request.user, CHANGE, candidate.organization) and not candidate.stopped_on
    dues = services.next_due(candidate, done)
    available = {d.step.code for d in dues} | ({"extension"} if done.get("approval") and not done.get("extension")
                                               and not done.get("conversion") else set())
    form = StepForm(request.POST or None, request.FILES or None, org=candidate.organization, available=available)
    if request.method == "POST" and can_record and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("step")
        try:
            services.record(candidate=candidate, code=code, data=data, by=request.user)
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已登记：%(s)s") % {"s": BY_CODE[code].title})
            return redirect("recruitment:file", candidate.pk)
    timeline = [(s, done.get(s.code, [])) for s in STEPS]
    return render(request, "recruitment/file.html", {
        "candidate": candidate, "timeline": timeline, "dues": dues, "form": form, "can_record": can_record,
        "step_fields": FIELDS,
        "probation_ends": checks.probation_ends(done) if done.get("admission") else None})


REGISTERS = {Stage.APPLICANT: "入党申请人名册", Stage.ACTIVIST: "入党积极分子名册", Stage.PROSPECT: "发展对象名册"}


@login_required
def register(request, org_pk, stage):
    """The registers an inspection asks for (RULES.md "Standardization and ledgers"): 入党申请人, 积极分子 and 发展对象
    under an organization, in Excel or Word (?format=docx) — each person with the dates of their steps so far. An
    export: the export grant."""
    from django.http import Http404

    from dangjian.core.ledgers import ledger_response
    from dangjian.members import idcard

    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if stage not in REGISTERS or not user_can(request.user, "export", org):
        raise Http404
    people = (Candidate.objects.visible_to(request.user).filter(organization__path__startswith=org.path, stage=stage,
                                                                stopped_on__isnull=True)
              .select_related("organization").prefetch_related("steps__people").order_by("organization__path", "name"))
    rows = []
    for c in people:
        steps = {r.step: r for r in c.steps.all()}

        def on(code):
            return steps[code].done_on if code in steps else None

        def names(code):
            return "、".join(sorted(p.name for p in steps[code].people.all())) if code in steps else ""

        gender = {"M": "男", "F": "女"}.get(idcard.gender_of(c.id_number), "")
        rows.append([c.name, gender, c.birth_date, c.unit, c.organization.name, on("application"), on("activist"),
                     on("prospect"), names("mentors"), names("sponsors")])
    return ledger_response(f"{org.name}{REGISTERS[stage]}", [
        "姓名", "性别", "出生日期", "工作单位", "所在党支部", "递交申请", "确定积极分子", "确定发展对象", "培养联系人",
        "入党介绍人"], rows, as_word=request.GET.get("format") == "docx")


@login_required
def attachment(request, pk):
    """A step's material (申请书, 政审材料…) goes out through the scope check, like every upload."""
    from dangjian.core.files import serve_upload

    from .models import StepRecord

    return serve_upload(get_object_or_404(StepRecord.objects.visible_to(request.user), pk=pk).attachment)


@login_required
@require_POST
def stop(request, pk):
    """终止发展, with a date and a reason (the file stays)."""
    import datetime

    candidate = get_object_or_404(Candidate.objects.visible_to(request.user).select_related("organization"), pk=pk)
    try:
        on = datetime.date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        on = None
    try:
        services.stop(candidate=candidate, on=on, reason=request.POST.get("reason", ""), by=request.user)
        messages.success(request, _("已终止发展：%(n)s") % {"n": candidate.name})
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect("recruitment:file", candidate.pk)
