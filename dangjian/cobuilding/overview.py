"""The group view of co-building: a network picture, branch coverage, agreements behind their targets."""
import math

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from dangjian.orgs.models import Organization, OrgKind

from . import progress
from .models import Agreement, AgreementStatus, Party


def coverage(user, today):
    """Share of branches in scope that are a party to at least one agreement in force today (one SQL count)."""
    in_force = Party.objects.filter(organization=OuterRef("pk"), agreement__status=AgreementStatus.IN_FORCE,
                                    agreement__starts_on__lte=today, agreement__ends_on__gte=today)
    branches = Organization.objects.visible_to(user).filter(kind=OrgKind.BRANCH).active()
    total = branches.count()
    paired = branches.filter(Exists(in_force)).count()
    return paired, total


def network_svg(agreements):
    """Parties on a circle, a line per pairing — drawn by the app as SVG (no chart library, no CDN)."""
    nodes, edges = {}, []
    for a in agreements:
        names = [p.name for p in a.parties.all()]
        for n in names:
            nodes.setdefault(n, len(nodes))
        edges += [(names[i], names[j], a.status == AgreementStatus.IN_FORCE)
                  for i in range(len(names)) for j in range(i + 1, len(names))]
    if not nodes:
        return ""
    size, r = 640, 230
    pos = {n: (size / 2 + r * math.cos(2 * math.pi * i / len(nodes) - math.pi / 2),
               size / 2 + r * math.sin(2 * math.pi * i / len(nodes) - math.pi / 2)) for n, i in nodes.items()}
    lines = "".join(f'<line x1="{pos[a][0]:.0f}" y1="{pos[a][1]:.0f}" x2="{pos[b][0]:.0f}" y2="{pos[b][1]:.0f}" '
                    f'stroke="{"#c8161d" if live else "#bbb"}" stroke-width="2"/>' for a, b, live in edges)
    from django.utils.html import escape

    dots = "".join(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="7" fill="#c8161d"/><text x="{x:.0f}" y="{y - 12:.0f}" '
                   f'text-anchor="middle" font-size="13">{escape(n)}</text>' for n, (x, y) in pos.items())
    return f'<svg viewBox="-90 0 {size + 180} {size}" role="img" aria-label="{_("结对关系图")}" class="network">{lines}{dots}</svg>'


def overview_context(user, today):
    agreements = list(Agreement.objects.visible_to(user).prefetch_related("parties__organization", "parties__external"))
    behind = []
    in_force = [a for a in agreements if a.status == AgreementStatus.IN_FORCE]
    judged = progress.progress_for_many(in_force, today)  # a constant number of queries for all of them
    for a in in_force:
        late = [r for r in judged[a.pk] if r.status in (progress.BEHIND, progress.MISSED)]
        if late:
            behind.append((a, late))
    paired, total = coverage(user, today)
    return {"agreements": agreements, "svg": network_svg(agreements), "paired": paired, "total": total,
            "coverage": round(100 * paired / total) if total else None, "behind": behind}
