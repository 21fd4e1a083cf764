"""Pages of 党建品牌、党建项目 and 创建活动. Reads go through visible_to; a write needs the change grant on the owning
organization (the branch edits its own), a decision or evaluation the grant of an organization above it."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import CHANGE
from dangjian.core.views import form_errors_text
from dangjian.core.scope import grant_paths, user_can
from dangjian.core.versioning import StaleEdit, claim_version, conflict_details
from dangjian.orgs.models import Organization

from . import portfolio as portfolios
from . import services
from .forms import (BrandForm, CampaignForm, DecisionForm, EvidenceForm, IndicatorForm, MilestoneForm, ProjectForm,
                    ProjectMoveForm, ReviewForm, UpdateForm)
from .models import Brand, Campaign, Evidence, Milestone, Project


def _errors_to_form(form, e):
    for f, errs in e.message_dict.items() if hasattr(e, "error_dict") else [(None, e.messages)]:
        form.add_error(f if f in form.fields else None, errs)


def _year(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@login_required
def index(request):
    top = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if top is None or not (request.user.is_superuser or grant_paths(request.user, "view")):
        return redirect("home")
    return redirect("brands:portfolio", top.pk)


@login_required
def portfolio(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    year, today = _year(request), timezone.localdate()
    p = portfolios.build(org, Brand.objects.visible_to(request.user), Project.objects.visible_to(request.user), year, today,
                         campaigns=Campaign.objects.visible_to(request.user))
    brands = (Brand.objects.visible_to(request.user).filter(organization__path__startswith=org.path)
              .select_related("organization", "theme"))
    stage, theme = request.GET.get("stage", ""), request.GET.get("theme", "")
    if stage:
        brands = brands.filter(stage=stage)
    if theme.isdigit():
        brands = brands.filter(theme_id=int(theme))
    projects = (Project.objects.visible_to(request.user).filter(organization__path__startswith=org.path, year=year)
                .select_related("organization"))
    return render(request, "brands/portfolio.html", {
        "org": org, "p": p, "year": year, "in_tree": user_can(request.user, "view", org), "brands": brands.order_by("organization__path", "name")[:200],
        "projects": projects.order_by("organization__path", "title")[:200], "stage": stage, "theme": theme,
        "can_add": user_can(request.user, CHANGE, org), "can_export": user_can(request.user, "export", org)})


@login_required
def export(request, org_pk):
    from dangjian.core.ledgers import ledger_response

    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not user_can(request.user, "export", org):
        raise Http404
    year = _year(request)
    rows = portfolios.rows(Brand.objects.visible_to(request.user), Project.objects.visible_to(request.user), org, year)
    return ledger_response(f"{org.name}{year}年党建品牌与项目", portfolios.HEADERS, rows)


@login_required
def declare(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
    brand = Brand(organization=org, declared_on=timezone.localdate())
    form = BrandForm(request.POST or None, instance=brand, owner=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                brand = services.declare_brand(brand=form.save(commit=False), by=request.user)
                brand.agreements.set(form.cleaned_data["agreements"])
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            messages.success(request, _("已申报党建品牌：%(n)s") % {"n": brand.name})
            return redirect(brand)
    return render(request, "brands/form.html", {"form": form, "owner": org, "title": _("申报党建品牌")})


@login_required
def brand_detail(request, pk):
    """The brand's page — what a branch could show a visitor: the story, the measures, the decisions, the evidence
    timeline and the photos. Partners of a 品牌联建 agreement read it (read-only)."""
    brand = get_object_or_404(Brand.objects.visible_to(request.user).select_related("organization", "theme", "campaign"),
                              pk=pk)
    can_change = user_can(request.user, CHANGE, brand.organization)
    deciding = services.superior_for(request.user, brand.organization)
    evidence = list(brand.evidence.select_related("meeting", "activity", "output"))
    return render(request, "brands/brand.html", {
        "brand": brand, "in_tree": user_can(request.user, "view", brand.organization),
        "readable_meetings": _readable_meetings(request.user, evidence), "decisions": brand.decisions.select_related("deciding_org"), "evidence": evidence,
        "photos": [e for e in evidence if e.is_photo], "can_change": can_change, "deciding": deciding,
        "partners": brand.agreements.all(),
        "decision_form": DecisionForm(brand=brand, initial={"decided_on": timezone.localdate()}) if deciding else None,
        "evidence_form": EvidenceForm(linkable=services.linkable(request.user, brand)) if can_change else None})


def _readable_meetings(user, evidence):
    """The linked meetings this reader may open (a 品牌联建 partner reads the brand, not every record behind it)."""
    from dangjian.meetings.models import Meeting

    ids = [e.meeting_id for e in evidence if e.meeting_id]
    return set(Meeting.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _versioned_edit(request, obj, form_class):
    """Edit a brand or a project of the branch: the second save over a stale version is refused with what changed."""
    form = form_class(request.POST or None, instance=obj, owner=obj.organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                claim_version(obj, form.cleaned_data.get("version") or obj.version)
                obj = form.save()
        except StaleEdit as e:
            form.add_error(None, [e.message] + conflict_details(form, e.current))
        else:
            messages.success(request, _("已保存"))
            return redirect(obj)
    return render(request, "brands/form.html", {"form": form, "owner": obj.organization, "title": str(obj), "back": obj})


@login_required
def brand_edit(request, pk):
    brand = get_object_or_404(Brand.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)
    return _versioned_edit(request, brand, BrandForm)


@login_required
@require_POST
def decide(request, pk):
    brand = get_object_or_404(Brand.objects.visible_to(request.user).select_related("organization"), pk=pk)
    form = DecisionForm(request.POST, brand=brand)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(brand)
    try:
        services.decide(brand=brand, to_stage=form.cleaned_data["to_stage"], on=form.cleaned_data["decided_on"],
                        comment=form.cleaned_data["comment"], by=request.user)
        messages.success(request, _("已登记决定"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(brand)


def _add_evidence(request, target, back, milestones=None):
    if not user_can(request.user, CHANGE, services.owner_of(target)):
        raise Http404
    form = EvidenceForm(request.POST, request.FILES, linkable=services.linkable(request.user, target), milestones=milestones)
    if form.is_valid():
        data = dict(form.cleaned_data)
        milestone = data.pop("milestone", None)
        try:
            services.add_evidence(target=milestone or target, by=request.user, **data)
            messages.success(request, _("已添加佐证材料"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(back)


@login_required
@require_POST
def brand_evidence(request, pk):
    brand = get_object_or_404(Brand.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)
    return _add_evidence(request, brand, brand)


@login_required
def evidence_file(request, pk):
    from dangjian.core.files import serve_upload

    e = get_object_or_404(Evidence, pk=pk)
    owner = Brand.objects.visible_to(request.user).filter(pk=e.brand_id) if e.brand_id else \
        Project.objects.visible_to(request.user).filter(pk=e.project_id)
    if not owner.exists():
        raise Http404
    return serve_upload(e.file, as_attachment=not e.is_photo)


@login_required
def campaign_new(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
    campaign = Campaign(organization=org, created_by=request.user)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, _("已发起：%(n)s") % {"n": campaign.name})
        return redirect(campaign)
    return render(request, "brands/form.html", {"form": form, "owner": org, "title": _("发起创建活动")})


@login_required
def campaign_detail(request, pk):
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("organization"), pk=pk)
    brands = (Brand.objects.visible_to(request.user).filter(campaign=campaign)
              .select_related("organization", "theme").order_by("organization__path", "name"))
    projects = (Project.objects.visible_to(request.user).filter(campaign=campaign)
                .select_related("organization").order_by("organization__path", "title"))
    mine = [o for o in Organization.objects.visible_to(request.user, CHANGE)
            .filter(path__startswith=campaign.organization.path).order_by("depth", "path")[:20]]
    return render(request, "brands/campaign.html", {
        "campaign": campaign, "brands": brands[:300], "in_tree": user_can(request.user, "view", campaign.organization), "projects": projects[:300], "today": timezone.localdate(),
        "declarable": mine if campaign.starts_on <= timezone.localdate() <= campaign.declare_by else []})


@login_required
def project_new(request, org_pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, CHANGE), pk=org_pk)
    today = timezone.localdate()
    project = Project(organization=org, year=today.year, started_on=today)
    form = ProjectForm(request.POST or None, instance=project, owner=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.open_project(project=form.save(commit=False), by=request.user,
                                            team=form.cleaned_data["team"])
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            messages.success(request, _("已立项：%(n)s") % {"n": project.title})
            return redirect(project)
    return render(request, "brands/form.html", {"form": form, "owner": org, "title": _("党建项目立项")})


@login_required
def project_detail(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("organization", "owner", "theme"),
                                pk=pk)
    can_change = user_can(request.user, CHANGE, project.organization)
    deciding = services.superior_for(request.user, project.organization)
    today = timezone.localdate()
    milestones = list(project.milestones.prefetch_related("evidence"))
    evidence = list(project.evidence.filter(milestone__isnull=True).select_related("meeting", "activity", "output"))
    return render(request, "brands/project.html", {
        "project": project, "milestones": milestones, "today": today, "updates": project.updates.all()[:30],
        "reviews": project.reviews.select_related("reviewing_org"), "indicators": project.indicators.all(),
        "team": project.team.all(), "evidence": evidence, "readable_meetings": _readable_meetings(request.user, evidence),
        "can_change": can_change, "deciding": deciding,
        "milestone_form": MilestoneForm() if can_change else None,
        "indicator_form": IndicatorForm() if can_change else None,
        "update_form": UpdateForm(initial={"on": today}) if can_change else None,
        "evidence_form": EvidenceForm(linkable=services.linkable(request.user, project),
                                      milestones=project.milestones.all()) if can_change else None,
        "move_form": ProjectMoveForm(initial={"on": today}) if deciding else None,
        "review_form": ReviewForm(initial={"reviewed_on": today}) if deciding else None})


@login_required
def project_edit(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)
    return _versioned_edit(request, project, ProjectForm)


def _changeable_project(request, pk):
    return get_object_or_404(Project.objects.visible_to(request.user, CHANGE).select_related("organization"), pk=pk)


@login_required
@require_POST
def milestone_add(request, pk):
    project = _changeable_project(request, pk)
    form = MilestoneForm(request.POST, instance=Milestone(project=project))
    if form.is_valid():
        form.save()
        messages.success(request, _("已添加节点"))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(project)


@login_required
@require_POST
def indicator_save(request, pk):
    from .models import Indicator

    project = _changeable_project(request, pk)
    existing = Indicator.objects.filter(project=project, name=request.POST.get("name", "").strip()).first()
    form = IndicatorForm(request.POST, instance=existing or Indicator(project=project))
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存指标"))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label if k in form.fields else ''}：{''.join(v)}"
                                         for k, v in form.errors.items()))
    return redirect(project)


@login_required
@require_POST
def milestone_done(request, pk):
    milestone = get_object_or_404(Milestone.objects.visible_to(request.user, CHANGE).select_related("project__organization"),
                                  pk=pk)
    try:
        on = datetime.date.fromisoformat(request.POST.get("on", ""))
        services.complete_milestone(milestone=milestone, on=on, by=request.user)
        messages.success(request, _("已登记完成：%(t)s") % {"t": milestone.title})
    except ValueError:
        messages.error(request, _("请填写完成日期"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(milestone.project)


@login_required
@require_POST
def update_add(request, pk):
    from .models import Update

    project = _changeable_project(request, pk)
    form = UpdateForm(request.POST)
    if form.is_valid() and form.cleaned_data["on"] <= timezone.localdate():
        Update.objects.create(project=project, by=request.user, **form.cleaned_data)
        messages.success(request, _("已登记进展"))
    else:
        messages.error(request, _("请填写进展情况和不晚于今天的日期"))
    return redirect(project)


@login_required
@require_POST
def project_evidence(request, pk):
    project = _changeable_project(request, pk)
    return _add_evidence(request, project, project, milestones=project.milestones.all())


@login_required
@require_POST
def project_move(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("organization"), pk=pk)
    form = ProjectMoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择状态并填写日期"))
        services.move_project(project=project, to_status=form.cleaned_data["to_status"], on=form.cleaned_data["on"],
                              by=request.user)
        messages.success(request, _("已变更项目状态"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(project)


@login_required
@require_POST
def project_review(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("organization"), pk=pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([form_errors_text(form)])
        d = form.cleaned_data
        services.review(project=project, kind=d["kind"], score=d["score"], comment=d["comment"], on=d["reviewed_on"],
                        by=request.user)
        messages.success(request, _("已登记评价"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect(project)
