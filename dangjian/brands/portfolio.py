"""The 党委's portfolio: every brand and project in its subtree by stage and theme, what is overdue, and coverage of
"一支部一品牌" — grouped SQL counts over the (stage, organization) and (year, organization) indexes, never a loop over
branches (5,000 branches with a brand and a project each: `make bench`)."""
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.orgs.models import Organization, OrgKind

from . import services
from .models import Campaign, Milestone, ProjectStatus, Stage, Theme


@dataclass
class Portfolio:
    org: object
    year: int
    stages: list = field(default_factory=list)  # [(value, label)]
    themes: list = field(default_factory=list)  # [(theme, [count per stage], total)]
    stage_totals: list = field(default_factory=list)
    statuses: list = field(default_factory=list)  # [(value, label, count)]
    branches: int = 0
    branded: int = 0
    without_project: list = field(default_factory=list)
    without_project_count: int = 0
    doubled: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    overdue_count: int = 0
    campaigns: list = field(default_factory=list)  # [(campaign, declared, accepted or named, days to acceptance)]

    @property
    def coverage(self):
        return round(100 * self.branded / self.branches, 1) if self.branches else 0


def build(org, brands, projects, year, today, shown=50, campaigns=None):
    """`brands`, `projects` and `campaigns` are the caller's scoped querysets (visible_to); the subtree is `org`'s."""
    p = Portfolio(org=org, year=year)
    brands = brands.filter(organization__path__startswith=org.path)
    projects = projects.filter(organization__path__startswith=org.path, year=year)
    p.stages = [(s, label) for s, label in Stage.choices]
    counts = {}
    for theme, stage, n in brands.order_by().values_list("theme", "stage").annotate(n=Count("pk")):
        counts.setdefault(theme, {})[stage] = n
    for t in Theme.objects.filter(pk__in=list(counts)):
        row = [counts[t.pk].get(s, 0) for s, _l in p.stages]
        p.themes.append((t, row, sum(row)))
    p.stage_totals = [sum(r[1][i] for r in p.themes) for i in range(len(p.stages))]
    by_status = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    p.statuses = [(s, label, by_status.get(s, 0)) for s, label in ProjectStatus.choices]
    branches = Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
    p.branches = branches.count()
    p.branded = brands.filter(services.is_cultivated(), organization__kind=OrgKind.BRANCH).order_by() \
        .values("organization_id").distinct().count()
    without, doubled = services.project_flags(org, year, projects)
    p.without_project_count = without.count()
    p.without_project = list(without.order_by("path")[:shown])
    p.doubled = list(doubled.order_by("path"))
    late = (Milestone.objects.filter(project__in=projects.filter(status__in=[ProjectStatus.APPROVED, ProjectStatus.RUNNING]),
                                     done_on__isnull=True, due_on__lt=today))
    p.overdue_count = late.count()
    p.overdue = list(late.select_related("project__organization").order_by("due_on")[:shown])
    # the campaigns of the organization, those above it and those below it: the running ones and the latest past
    campaigns = (Campaign.objects.all() if campaigns is None else campaigns).filter(Q(organization__path__in=[org.path[:i] for i in range(4, len(org.path) + 1, 4)])
                                        | Q(organization__path__startswith=org.path))
    shown = list(campaigns.select_related("organization").order_by("-ends_on")[:8])
    progress = {c: (n, done) for c, n, done in brands.filter(campaign__in=shown).order_by().values("campaign").annotate(
        n=Count("pk"), done=Count("pk", filter=Q(stage__in=[Stage.ACCEPTED, Stage.NAMED])))
        .values_list("campaign", "n", "done")}
    for c in shown:
        declared, done = progress.get(c.pk, (0, 0))
        p.campaigns.append((c, declared, done, (c.accept_by - today).days))
    return p


def rows(brands, projects, org, year):
    """The portfolio as spreadsheet rows: every brand, then every project of the year."""
    out = []
    for b in (brands.filter(organization__path__startswith=org.path).select_related("organization", "theme", "campaign")
              .order_by("organization__path", "name")):
        out.append(["党建品牌", b.organization.name, b.name, b.theme.name, b.get_stage_display(),
                    b.campaign.name if b.campaign else "", b.declared_on, b.slogan])
    for pr in (projects.filter(organization__path__startswith=org.path, year=year)
               .select_related("organization", "theme", "campaign").order_by("organization__path", "title")):
        out.append([pr.get_kind_display(), pr.organization.name, pr.title, pr.theme.name if pr.theme else "",
                    pr.get_status_display(), pr.campaign.name if pr.campaign else "", pr.started_on, pr.goal[:100]])
    return out


HEADERS = ["类别", "组织", "名称", "主题", "阶段/状态", "创建活动", "申报/立项日期", "口号/目标"]
