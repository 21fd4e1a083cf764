"""The group view of co-building: a network picture, branch coverage, agreements behind their targets."""
import math
import os.path

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


NETWORK_NODES = 40  # more dots than this are not a picture a person can read


def network_edges(agreements):
    """Nodes and edges of the pairing picture, from one query of plain values. With more parties than
    NETWORK_NODES, organizations are drawn as the unit one level below everything paired (压测二级单位3 ⇄
    压测二级单位7, ×12), so a group with a thousand pairings still sees who pairs with whom."""
    rows = list(Party.objects.filter(agreement__in=agreements.values("pk")).order_by("agreement", "pk").values_list(
        "agreement", "agreement__status", "organization__path", "organization__name", "external__name"))
    names = {org or ext for _a, _s, _p, org, ext in rows}
    grouped = len(names) > NETWORK_NODES
    if grouped:
        paths = [path for _a, _s, path, _o, _e in rows if path]
        common = os.path.commonprefix(paths) if paths else ""
        cut = len(common) - len(common) % Organization.steplen + Organization.steplen  # one level below it
        unit = dict(Organization.objects.filter(path__in={x[:cut] for x in paths}).values_list("path", "name"))
    parties = {}  # agreement → (in force, {node names})
    for agreement, status, path, org, ext in rows:
        name = (unit.get(path[:cut], org) if path else ext) if grouped else (org or ext)
        live, ends = parties.setdefault(agreement, (status == AgreementStatus.IN_FORCE, set()))
        ends.add(name)
    weights = {}
    for live, ends in parties.values():
        ends = sorted(ends)
        for i in range(len(ends)):
            for j in range(i + 1, len(ends)):
                was, n = weights.get((ends[i], ends[j]), (False, 0))
                weights[(ends[i], ends[j])] = (was or live, n + 1)
    nodes = {}
    for (x, y), _w in sorted(weights.items(), key=lambda kv: -kv[1][1]):
        for n in (x, y):
            if n not in nodes and len(nodes) < NETWORK_NODES:
                nodes[n] = len(nodes)
    for _live, ends in parties.values():  # parties paired with nobody yet still appear, while there is room
        for n in sorted(ends):
            if n not in nodes and len(nodes) < NETWORK_NODES:
                nodes[n] = len(nodes)
    edges = [(x, y, live, n) for (x, y), (live, n) in weights.items() if x in nodes and y in nodes]
    everyone = {n for _live, ends in parties.values() for n in ends}
    return nodes, edges, grouped, len(everyone) - len(nodes)


def network_svg(agreements):
    """Parties on a circle, a line per pairing (labelled with the count when several) — drawn by the app as SVG
    (no chart library, no CDN)."""
    from django.utils.html import escape

    nodes, edges, grouped, left_out = network_edges(agreements)
    if not nodes:
        return ""
    size, r = 640, 230
    pos = {n: (size / 2 + r * math.cos(2 * math.pi * i / len(nodes) - math.pi / 2),
               size / 2 + r * math.sin(2 * math.pi * i / len(nodes) - math.pi / 2)) for n, i in nodes.items()}
    heaviest = max((n for *_e, n in edges), default=1)
    # width by the number of pairings, relative to the heaviest; translucent, so where many cross reads as density
    lines = "".join(f'<line x1="{pos[a][0]:.0f}" y1="{pos[a][1]:.0f}" x2="{pos[b][0]:.0f}" y2="{pos[b][1]:.0f}" '
                    f'stroke="{"#c8161d" if live else "#bbb"}" stroke-opacity="{0.9 if len(edges) < 30 else 0.35}" '
                    f'stroke-width="{1 + 5 * n / heaviest:.1f}"><title>{escape(a)} ⇄ {escape(b)}：{n}</title></line>'
                    for a, b, live, n in edges)
    font = 13 if len(nodes) <= 20 else 10
    dots = "".join(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6" fill="#c8161d"/><text x="{x:.0f}" y="{y - 10:.0f}" '
                   f'text-anchor="middle" font-size="{font}">{escape(n)}</text>' for n, (x, y) in pos.items())
    note = _("共建方较多，按所属单位汇总显示；线越粗，结对越多") if grouped else ""
    if left_out:
        note += _("（只画出结对最多的 %(n)d 个，另有 %(m)d 个未画出）") % {"n": len(nodes), "m": left_out}
    note = f'<p class="muted">{note}</p>' if note else ""
    return f'{note}<svg viewBox="-90 0 {size + 180} {size}" role="img" aria-label="{_("结对关系图")}" class="network">{lines}{dots}</svg>'


BEHIND_SHOWN = 20


def overview_context(user, today):
    agreements = Agreement.objects.visible_to(user)
    in_force = agreements.filter(status=AgreementStatus.IN_FORCE)
    behind = []
    # a constant number of queries for all of them
    for _pk, rows in sorted(progress.progress_for_many(in_force, today).items()):
        late = [r for r in rows if r.status in (progress.BEHIND, progress.MISSED)]
        if late:
            behind.append((late[0].target.agreement, late))
    paired, total = coverage(user, today)
    return {"agreement_count": agreements.count(), "svg": network_svg(agreements), "paired": paired, "total": total,
            "coverage": round(100 * paired / total) if total else None, "behind": behind[:BEHIND_SHOWN],
            "behind_count": len(behind), "behind_more": max(0, len(behind) - BEHIND_SHOWN)}
