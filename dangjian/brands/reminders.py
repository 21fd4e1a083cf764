"""What brands and projects remind a branch of (the reminders app asks, once for all branches of the daily job):
a milestone due within a week or overdue, a campaign's acceptance deadline within two weeks while a brand of the
branch is not accepted yet, and a declaration window closing within a week while the branch has declared nothing."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.orgs.models import Organization

from .models import Brand, Campaign, Milestone, ProjectStatus, Stage


def facts(branch_ids, today):
    """{branch id: [(key, title, due_on, url, level)]} — three queries whatever the number of branches."""
    out = {}
    if not branch_ids:
        return out
    week, fortnight = today + datetime.timedelta(days=7), today + datetime.timedelta(days=14)
    for m in (Milestone.objects.filter(project__organization__in=branch_ids, done_on__isnull=True, due_on__lte=week,
                                       project__status__in=[ProjectStatus.APPROVED, ProjectStatus.RUNNING])
              .select_related("project")):
        late = m.due_on < today
        title = (_("项目“%(p)s”的节点“%(m)s”应于 %(d)s 完成，已逾期") if late
                 else _("项目“%(p)s”的节点“%(m)s”应于 %(d)s 完成")) % {"p": m.project.title, "m": m.title, "d": m.due_on}
        out.setdefault(m.project.organization_id, []).append(
            (f"milestone:{m.pk}:{m.due_on}", title, m.due_on, reverse("brands:project", args=[m.project_id]),
             "warning" if late else "info"))
    for b in (Brand.objects.filter(organization__in=branch_ids, campaign__accept_by__gte=today,
                                   campaign__accept_by__lte=fortnight, stage__in=[Stage.DECLARED, Stage.CULTIVATING])
              .select_related("campaign")):
        out.setdefault(b.organization_id, []).append(
            (f"accept:{b.pk}:{b.campaign.accept_by}",
             _("“%(c)s”验收截止 %(d)s：品牌“%(b)s”尚未验收") % {"c": b.campaign.name, "d": b.campaign.accept_by, "b": b.name},
             b.campaign.accept_by, reverse("brands:brand", args=[b.pk]), "warning"))
    closing = list(Campaign.objects.filter(declare_by__gte=today, declare_by__lte=week, starts_on__lte=today)
                   .select_related("organization"))
    if closing:
        declared = set(Brand.objects.filter(campaign__in=closing, organization__in=branch_ids)
                       .values_list("campaign_id", "organization_id"))
        for org_id, path in Organization.objects.filter(pk__in=branch_ids).values_list("pk", "path"):
            for c in closing:
                if path.startswith(c.organization.path) and (c.pk, org_id) not in declared:
                    out.setdefault(org_id, []).append(
                        (f"declare:{c.pk}:{org_id}", _("“%(c)s”申报将于 %(d)s 截止，本支部尚未申报品牌") % {
                            "c": c.name, "d": c.declare_by}, c.declare_by, reverse("brands:campaign", args=[c.pk]), "info"))
    return out
