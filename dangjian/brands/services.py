"""The rules of brands and projects: who decides (the organization above, never the owner itself), in what order
(no stage skipped, dates in order, the campaign's deadlines), and what may be linked as evidence (only what the
owning organization's subtree recorded — a branch cannot attach another branch's meeting)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import CHANGE
from dangjian.core.rulebook import prefixes
from dangjian.core.scope import user_can
from dangjian.orgs.models import Organization, OrgKind

from .models import (NEXT_STAGE, Brand, Decision, Evidence, Milestone, Project, ProjectKind, ProjectStatus, Review,
                     Stage, Update)


def superior_for(user, org):
    """The organization above `org` through which `user` decides for it (the nearest one they may change), or None.
    The owning organization itself never decides its own brand or project."""
    above = Organization.objects.filter(path__in=prefixes(org.path, org.steplen)[:-1]).order_by("-depth")
    return next((o for o in above if user_can(user, CHANGE, o)), None)


def check_campaign(campaign, org, on):
    """A declaration into a campaign: from an organization under the campaign's, inside its declaration window."""
    if campaign is None:
        return {}
    if not org.path.startswith(campaign.organization.path):
        return {"campaign": _("“%(c)s”由%(o)s发起，本组织不在其范围内") % {"c": campaign.name, "o": campaign.organization.name}}
    if on < campaign.starts_on or on > campaign.declare_by:
        return {"campaign": _("“%(c)s”的申报时间为 %(s)s 至 %(e)s，%(d)s 不在申报期内") % {
            "c": campaign.name, "s": campaign.starts_on, "e": campaign.declare_by, "d": on}}
    return {}


@transaction.atomic
def declare_brand(*, brand, by, today=None):
    """申报: the owning organization files a brand (stage 申报)."""
    today = today or timezone.localdate()
    errors = check_campaign(brand.campaign, brand.organization, brand.declared_on)
    if brand.declared_on > today:
        errors["declared_on"] = _("申报日期不能晚于今天")
    if brand.campaign and brand.campaign.themes.exists() and not brand.campaign.themes.filter(pk=brand.theme_id).exists():
        errors["theme"] = _("“%(c)s”的主题为：%(t)s") % {
            "c": brand.campaign.name, "t": "、".join(t.name for t in brand.campaign.themes.all())}
    if errors:
        raise ValidationError(errors)
    brand.stage = Stage.DECLARED
    brand.created_by = by
    brand.full_clean()
    brand.save()
    return brand


@transaction.atomic
def decide(*, brand, to_stage, on, comment, by, today=None):
    """A transition decided by the organization above: the next stage only (申报→培育→验收→命名), or 撤销 from any
    stage; dated on or after the last decision and not in the future; acceptance within the campaign's deadline."""
    today = today or timezone.localdate()
    brand = Brand.objects.select_for_update(of=("self",)).select_related("organization", "campaign").get(pk=brand.pk)
    deciding = superior_for(by, brand.organization)
    if deciding is None:
        raise PermissionDenied(_("品牌阶段由上级党组织决定"))
    errors = {}
    if brand.stage == Stage.REVOKED:
        errors["to_stage"] = _("品牌已撤销")
    elif to_stage != Stage.REVOKED and NEXT_STAGE.get(brand.stage) != to_stage:
        errors["to_stage"] = _("“%(s)s”之后应为“%(n)s”，不能跳过") % {
            "s": Stage(brand.stage).label, "n": Stage(NEXT_STAGE[brand.stage]).label} if brand.stage in NEXT_STAGE \
            else _("品牌已命名，只能撤销")
    last = brand.decisions.order_by("-decided_on").values_list("decided_on", flat=True).first() or brand.declared_on
    if on < last:
        errors["decided_on"] = _("决定日期不能早于上一环节（%(d)s）") % {"d": last}
    elif on > today:
        errors["decided_on"] = _("决定日期不能晚于今天")
    elif to_stage == Stage.ACCEPTED and brand.campaign and on > brand.campaign.accept_by:
        errors["decided_on"] = _("“%(c)s”的验收截止日期为 %(d)s") % {"c": brand.campaign.name, "d": brand.campaign.accept_by}
    if not (comment or "").strip():
        errors["comment"] = _("请填写意见")
    if errors:
        raise ValidationError(errors)
    Decision.objects.create(brand=brand, from_stage=brand.stage, to_stage=to_stage, decided_on=on, comment=comment.strip(),
                            decided_by=by, deciding_org=deciding)
    brand.stage = to_stage
    brand.save(update_fields=["stage"])
    return brand


def owner_of(target):
    return target.organization if isinstance(target, (Brand, Project)) else target.project.organization


def linkable(user, target):
    """What the owning organization's subtree recorded and may be linked: held meetings it took part in, the
    activities and outputs of agreements it is a party to (the newest first)."""
    from dangjian.cobuilding.models import Activity, Output
    from dangjian.meetings.models import Meeting

    org = owner_of(target)
    meetings = (Meeting.objects.filter(status="held", participations__organization__path__startswith=org.path)
                .distinct().order_by("-held_on", "-pk"))
    activities = (Activity.objects.filter(agreement__parties__organization__path__startswith=org.path)
                  .distinct().order_by("-held_on", "-pk"))
    outputs = (Output.objects.filter(agreement__parties__organization__path__startswith=org.path)
               .distinct().order_by("-produced_on", "-pk"))
    return meetings, activities, outputs


@transaction.atomic
def add_evidence(*, target, by, title="", on=None, meeting=None, activity=None, output=None, file=None):
    """Link a record (or attach a file) as evidence of a brand, a project or a milestone."""
    org = owner_of(target)
    if not user_can(by, CHANGE, org):
        raise PermissionDenied
    sources = [x for x in (meeting, activity, output, file) if x]
    if len(sources) != 1:
        raise ValidationError(_("请选择一项记录或上传一个文件"))
    meetings, activities, outputs = linkable(by, target)
    if meeting and not meetings.filter(pk=meeting.pk).exists():
        raise ValidationError({"meeting": _("只能关联本组织（含下级）已召开的组织生活记录")})
    if activity and not activities.filter(pk=activity.pk).exists():
        raise ValidationError({"activity": _("只能关联本组织参加的共建协议下的活动")})
    if output and not outputs.filter(pk=output.pk).exists():
        raise ValidationError({"output": _("只能关联本组织参加的共建协议下的成果")})
    brand = target if isinstance(target, Brand) else None
    project = target if isinstance(target, Project) else getattr(target, "project", None)
    milestone = target if isinstance(target, Milestone) else None
    same = Evidence.objects.filter(brand=brand, project=project, milestone=milestone)
    if (meeting and same.filter(meeting=meeting).exists() or activity and same.filter(activity=activity).exists()
            or output and same.filter(output=output).exists()):
        raise ValidationError(_("该记录已关联"))
    if meeting:
        title, on = title or f"{meeting.get_kind_display()}：{meeting.topic}", meeting.held_on
    elif activity:
        title, on = title or f"共建活动：{activity.title}", activity.held_on
    elif output:
        title, on = title or f"共建成果：{output.title}", output.produced_on
    if not title or on is None:
        raise ValidationError(_("上传文件时请填写说明和日期"))
    return Evidence.objects.create(brand=brand, project=project, milestone=milestone, meeting=meeting, activity=activity,
                                   output=output, file=file or "", title=title[:200], on=on, added_by=by)


@transaction.atomic
def open_project(*, project, by, team=(), today=None):
    """立项 by the owning organization (a branch); campaign window as for brands."""
    today = today or timezone.localdate()
    errors = check_campaign(project.campaign, project.organization, project.started_on)
    if project.started_on > today:
        errors["started_on"] = _("立项日期不能晚于今天")
    if project.owner_id and not project.owner.organization.path.startswith(project.organization.path):
        errors["owner"] = _("负责人须为本组织党员")
    if errors:
        raise ValidationError(errors)
    project.status = ProjectStatus.APPROVED
    project.created_by = by
    project.full_clean()
    project.save()
    project.team.set(team)
    return project


PROJECT_NEXT = {ProjectStatus.APPROVED: ProjectStatus.RUNNING, ProjectStatus.RUNNING: ProjectStatus.CLOSED}


@transaction.atomic
def move_project(*, project, to_status, on, by, today=None):
    """立项 → 实施 → 结项, or 终止 before 结项 — decided by the organization above."""
    today = today or timezone.localdate()
    project = Project.objects.select_for_update(of=("self",)).select_related("organization").get(pk=project.pk)
    if superior_for(by, project.organization) is None:
        raise PermissionDenied(_("项目状态由上级党组织决定"))
    if project.status in (ProjectStatus.CLOSED, ProjectStatus.STOPPED):
        raise ValidationError({"to_status": _("项目已%(s)s") % {"s": project.get_status_display()}})
    if to_status != ProjectStatus.STOPPED and PROJECT_NEXT.get(project.status) != to_status:
        raise ValidationError({"to_status": _("“%(s)s”之后应为“%(n)s”") % {
            "s": project.get_status_display(), "n": ProjectStatus(PROJECT_NEXT[project.status]).label}})
    if on < project.started_on or on > today:
        raise ValidationError({"on": _("日期应在立项日期（%(d)s）至今天之间") % {"d": project.started_on}})
    project.status = to_status
    if to_status in (ProjectStatus.CLOSED, ProjectStatus.STOPPED):
        project.closed_on = on
    project.save(update_fields=["status", "closed_on"])
    Update.objects.create(project=project, on=on, by=by, text=_("状态变更为：%(s)s") % {"s": project.get_status_display()})
    return project


def complete_milestone(*, milestone, on, by, today=None):
    today = today or timezone.localdate()
    if not user_can(by, CHANGE, milestone.project.organization):
        raise PermissionDenied
    if on > today or on < milestone.project.started_on:
        raise ValidationError(_("完成日期应在立项日期（%(d)s）至今天之间") % {"d": milestone.project.started_on})
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def review(*, project, kind, score, comment, on, by, today=None):
    """年中评估 / 年终评价 by the organization above, once each; the year-end one after the mid-year one."""
    today = today or timezone.localdate()
    deciding = superior_for(by, project.organization)
    if deciding is None:
        raise PermissionDenied(_("项目评价由上级党组织作出"))
    errors = {}
    if project.reviews.filter(kind=kind).exists():
        errors["kind"] = _("已作出%(k)s") % {"k": dict(Review._meta.get_field("kind").choices)[kind]}
    mid = project.reviews.filter(kind="midyear").first()
    if kind == "final" and mid and on < mid.reviewed_on:
        errors["reviewed_on"] = _("年终评价不能早于年中评估（%(d)s）") % {"d": mid.reviewed_on}
    if on > today or on < project.started_on:
        errors["reviewed_on"] = _("日期应在立项日期（%(d)s）至今天之间") % {"d": project.started_on}
    if score is None or not 0 <= score <= 100:
        errors["score"] = _("得分应在 0 至 100 之间")
    if not (comment or "").strip():
        errors["comment"] = _("请填写评价意见")
    if errors:
        raise ValidationError(errors)
    return Review.objects.create(project=project, kind=kind, score=score, comment=comment.strip(), reviewed_on=on,
                                 reviewed_by=by, reviewing_org=deciding)


def project_flags(org, year, projects=None):
    """"一支部一项目、一年度一项目" under `org`: the branches with no project in `year`, and those with more than one
    书记突破项目 — two grouped queries over the (year, organization) index, not a loop over branches. `projects`: the
    reader's scoped queryset (what they cannot see counts as nothing known)."""
    branches = Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
    live = (Project.objects.all() if projects is None else projects).filter(year=year).exclude(status=ProjectStatus.STOPPED)
    without = branches.exclude(pk__in=live.values("organization_id"))
    doubled = (live.filter(kind=ProjectKind.BREAKTHROUGH, organization__path__startswith=org.path).order_by()
               .values("organization_id").annotate(n=Count("pk")).filter(n__gt=1))
    return without, Organization.objects.filter(pk__in=doubled.values("organization_id"))


def is_cultivated():
    return Q(stage__in=[Stage.CULTIVATING, Stage.ACCEPTED, Stage.NAMED])
