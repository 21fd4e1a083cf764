"""Compliance with the rulebook, computed in SQL.

For an organization and a chosen period, each rule is judged over the spans of its own period inside the
chosen one (the three months of a quarter for a monthly rule). Counts are sums over the meeting tally
(MeetingTally: held, quorate meetings per organization, kind and month, kept by triggers on MeetingOrganization,
so a joint activity counts for every organization that took part), joined once per rule; the verdict —
met / due / overdue — is a CASE expression, so a roll-up over 5,000 branches is one query per rule.
"""
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, CharField, Count, FilteredRelation, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.roles import VIEW
from dangjian.core import generations, rulebook
from dangjian.core.scope import user_can
from dangjian.orgs.models import CommitteeMember, Organization

from .defaults import ensure_default_rules
from .models import Condition, Rule
from .periods import rule_spans

MET, DUE, OVERDUE, EXEMPT, NOT_APPLICABLE = "met", "due", "overdue", "exempt", "n/a"
STATUS_LABELS = {MET: gettext_lazy("已达标"), DUE: gettext_lazy("待召开"), OVERDUE: gettext_lazy("已逾期"),
                 EXEMPT: gettext_lazy("本期免于考核"), NOT_APPLICABLE: gettext_lazy("不适用")}


def rules_for(org):
    """Effective, enabled rules for one organization of its kind."""
    return [r for r in rules_for_any_kind(org) if r.enabled and r.org_kind == org.kind]


def defaults_present():
    if not Rule.objects.filter(organization__isnull=True).exists():
        ensure_default_rules(Rule)


def rules_for_any_kind(org):
    """Per key, the override nearest to `org` (itself or an ancestor), else the national default."""
    defaults_present()
    return sorted(rulebook.nearest(Rule.objects.all(), org).values(), key=lambda r: RULE_ORDER.get(r.key, 99))


RULE_ORDER = {("general_assembly", ""): 0, ("committee", ""): 1, ("group", ""): 2, ("lecture", ""): 3,
              ("lecture", "secretary_lectured"): 4, ("theme_day", ""): 5, ("life_meeting", ""): 6, ("evaluation", ""): 7}


def _held(rule, span):
    """Held, quorate meetings of the rule's kind in `span`, from the joined tally rows (months of the span)."""
    column = "lectured" if rule.condition == Condition.SECRETARY_LECTURED else "held"
    return Coalesce(Sum(f"tally__{column}", filter=Q(tally__month__gte=span.start, tally__month__lte=span.end)), 0)


def _existed(span):
    """Existed for the whole span. A partial period is exempt by default (RULES.md)."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=span.start)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=span.end))


def judged(orgs, rule, chosen, today=None):
    """Annotate `orgs` with c0..cN (held counts per span) and `verdict` for `rule` over `chosen`."""
    today = today or timezone.localdate()
    spans = [s for s in rule_spans(rule.period, chosen) if s.start <= today]
    annotations = {f"c{i}": _held(rule, s) for i, s in enumerate(spans)}
    if spans:  # one LEFT JOIN of the kind's tally rows over the whole chosen period, summed per span
        orgs = orgs.annotate(tally=FilteredRelation("tallies", condition=Q(
            tallies__kind=rule.meeting_kind, tallies__month__gte=spans[0].start, tallies__month__lte=spans[-1].end)))
    overdue, due = Q(pk__in=[]), Q(pk__in=[])
    for i, s in enumerate(spans):
        short = Q(**{f"c{i}__lt": rule.min_count}) & _existed(s)
        if s.end < today:
            overdue |= short
        else:
            due |= short
    qs = orgs.annotate(**annotations).annotate(verdict=Case(
        When(overdue, then=Value(OVERDUE)), When(due, then=Value(DUE)), default=Value(MET), output_field=CharField()))
    if rule.requires_committee:
        # one uncorrelated IN (a hash semi-join): a correlated EXISTS per organization was a third of the roll-up
        qs = qs.filter(pk__in=committees_of_three(chosen).values("committee__organization"))
    return qs, spans


def committees_of_three(chosen):
    """Committees with at least 3 seats in office during `chosen` (a 支委会 exists: 支部条例 art. 6) — the
    committee of that period, not today's, so a closed period's verdict does not change at the next election."""
    return (
        CommitteeMember.objects.filter(committee__elected_on__lte=chosen.end)
        .filter(Q(committee__ended_on__isnull=True) | Q(committee__ended_on__gte=chosen.start))
        .values("committee", "committee__organization").annotate(seats=Count("id")).filter(seats__gte=3)
    )


@dataclass
class RuleResult:
    rule: Rule
    status: str
    sentence: str
    spans: list = field(default_factory=list)  # (span, count, ok) for the page

    @property
    def label(self):
        return STATUS_LABELS[self.status]


def compliance_for(org, chosen, today=None):
    """Each effective rule for `org` over `chosen`, with the verdict and a sentence that explains it."""
    return compliance_for_many([org], chosen, today)[org.pk]


def compliance_for_many(orgs, chosen, today=None):
    """{organization id: [RuleResult]} for many organizations with one query per rule (the daily reminders judge
    every branch with a committee account at once: 5,000 branches are 8 queries, not 40,000)."""
    today = today or timezone.localdate()
    orgs = {o.pk: o for o in orgs}
    results = {pk: [] for pk in orgs}
    by_root = {}
    for o in orgs.values():
        by_root.setdefault(o.path[:Organization.steplen], []).append(o.pk)
    for root_path, ids in by_root.items():
        root = Organization.objects.get(path=root_path)
        for rule, include, exclude in rule_groups(root):
            if not rule.enabled:
                continue
            # which of these organizations this rule governs (its kind, its subtree, no nearer override)
            governed = [pk for pk in ids if orgs[pk].kind == rule.org_kind and orgs[pk].path.startswith(include)
                        and not orgs[pk].path.startswith(tuple(exclude) or ("\0",))]
            if not governed:
                continue
            rows = {}
            for chunk in range(0, len(governed), 2000):
                qs, spans = judged(Organization.objects.filter(pk__in=governed[chunk:chunk + 2000]), rule, chosen, today)
                rows.update({r["pk"]: r for r in qs.values("pk", *[f"c{i}" for i in range(len(spans))], "verdict")})
            for pk in governed:
                results[pk].append(_result(orgs[pk], rule, chosen, spans, rows.get(pk), today))
    for rows in results.values():
        rows.sort(key=lambda r: RULE_ORDER.get(r.rule.key, 99))
    return results


def _result(org, rule, chosen, spans, row, today):
    title = rule.title
    if row is None:  # filtered out: the rule needs a committee the branch does not have
        return RuleResult(rule, NOT_APPLICABLE, _("未设支部委员会（正式党员不足7名），不适用“%(t)s”") % {"t": title})
    if not spans:
        return RuleResult(rule, MET, _("%(p)s尚未开始") % {"p": chosen.label})
    counts = [row[f"c{i}"] for i in range(len(spans))]
    detail = [(s, n, n >= rule.min_count) for s, n in zip(spans, counts)]
    exempt = [s for s in spans if not _existed_py(org, s)]
    status = row["verdict"]
    if len(exempt) == len(spans):
        status = EXEMPT
    return RuleResult(rule, status, _sentence(org, rule, status, detail, exempt, today), detail)


def _existed_py(org, span):
    return (org.founded_on is None or org.founded_on <= span.start) and (
        org.dissolved_on is None or org.dissolved_on >= span.end)


def _sentence(org, rule, status, detail, exempt, today):
    title = rule.title
    if status == EXEMPT:
        return _("该组织在本期内成立或撤销，本期不作要求")
    if status == MET:
        # Only the spans the organization existed for: a month before it was founded is not "held".
        judged = [(s, n) for s, n, _ok in detail if s not in exempt]
        total = sum(n for _s, n in judged)
        skipped = ""
        if exempt:
            skipped = _("（%(p)s该组织尚未成立或已撤销，不作要求）") % {"p": "、".join(s.short_label for s in exempt)}
        if len(judged) == 1:
            return _("%(p)s已召开%(t)s %(n)d 次（要求至少 %(m)d 次）") % {
                "p": judged[0][0].label, "t": title, "n": total, "m": rule.min_count} + skipped
        return _("%(p)s均已召开%(t)s，共 %(n)d 次") % {"p": "、".join(s.short_label for s, _n in judged),
                                                    "t": title, "n": total} + skipped
    missed = [s for s, _n, ok in detail if not ok and s not in exempt]
    past = [s for s in missed if s.end < today]
    if past:
        return _("%(p)s未召开%(t)s（要求每%(unit)s至少 %(m)d 次）") % {
            "p": "、".join(s.short_label for s in past), "t": title, "unit": UNIT[rule.period], "m": rule.min_count}
    current = missed[-1]
    left = (current.end - today).days
    return _("%(p)s尚未召开%(t)s，距%(unit)s末还有 %(d)d 天") % {
        "p": current.short_label, "t": title, "unit": UNIT[rule.period], "d": left}


UNIT = {"month": gettext_lazy("月"), "quarter": gettext_lazy("季度"), "year": gettext_lazy("年")}


@dataclass
class RollupRow:
    key: tuple
    title: str
    period: str
    met: int = 0
    due: int = 0
    overdue: int = 0

    @property
    def total(self):
        return self.met + self.due + self.overdue

    @property
    def rate(self):
        return round(100 * self.met / self.total) if self.total else None


def rule_groups(root):
    """(rule, include path, exclude paths) so every organization under `root` is judged by its nearest rule."""
    defaults_present()
    return rulebook.groups(Rule.objects.all(), root)


def subtree_for(rule, include, exclude, orgs):
    qs = orgs.filter(kind=rule.org_kind, path__startswith=include)
    for path in exclude:
        qs = qs.exclude(path__startswith=path)
    return qs


# Every table the roll-up reads. Tests: a roll-up's SQL reads no other table; each has its trigger (a migration).
CACHE_TOPIC = "compliance"
CACHE_TABLES = ("meetings_meetingtally", "meetings_rule", "orgs_organization", "orgs_committee", "orgs_committeemember")


def rollup_for(user, root, chosen, today=None):
    """The roll-up of `root` as `user` may see it. When the user's own grant covers `root`, every organization
    below is in their scope, so the figures are the same for all such users: they are kept in the shared cache
    until a write to what they are computed from (core.generations) — a group's roll-up is eight grouped queries
    over every branch, read on each visit to the page and by each admin's reminders. Otherwise (a partial scope)
    they are computed for the user."""
    today = today or timezone.localdate()
    if not user_can(user, VIEW, root):
        return rollup(root, chosen, Organization.objects.visible_to(user), today)
    counts = generations.cached(
        CACHE_TOPIC, ("rollup", root.pk, chosen.start, chosen.end, today),
        lambda: [(r.key, r.met, r.due, r.overdue) for r in rollup(root, chosen, Organization.objects.all(), today)])
    rows = {}
    for rule, _include, _exclude in rule_groups(root):
        rows.setdefault(rule.key, RollupRow(rule.key, rule.title, rule.get_period_display()))
    for key, met, due, overdue in counts:
        if key in rows:
            rows[key].met, rows[key].due, rows[key].overdue = met, due, overdue
    return sorted(rows.values(), key=lambda r: RULE_ORDER.get(r.key, 99))


def rollup(root, chosen, orgs, today=None):
    """Per rule: how many organizations under `root` (within `orgs`, the user's scope) are met / due / overdue."""
    today = today or timezone.localdate()
    rows = {}
    for rule, include, exclude in rule_groups(root):
        row = rows.setdefault(rule.key, RollupRow(rule.key, rule.title, rule.get_period_display()))
        if not rule.enabled:
            continue
        qs, _spans = judged(subtree_for(rule, include, exclude, orgs), rule, chosen, today)
        for verdict, n in verdict_counts(qs):
            setattr(row, verdict, getattr(row, verdict) + n)
    return sorted(rows.values(), key=lambda r: RULE_ORDER.get(r.key, 99))


def verdict_counts(judged_orgs):
    """[(verdict, number of organizations)] for a `judged` queryset, counted by the database: the per-organization
    verdicts (a grouped query) wrapped in one GROUP BY verdict, so three rows come back instead of 10,000, and
    without Django's aggregate-over-aggregate machinery (its query building cost more than the query)."""
    sql, params = judged_orgs.order_by().values("verdict").query.sql_with_params()
    with connections[judged_orgs.db].cursor() as cursor:
        cursor.execute(f"SELECT verdict, COUNT(*) FROM ({sql}) judged GROUP BY verdict", params)
        return cursor.fetchall()


def failing(root, chosen, orgs, key, status, today=None):
    """Organizations under `root` with `status` for the rule `key`, for the drill-down and its export."""
    today = today or timezone.localdate()
    matching = Q(pk__in=[])
    for rule, include, exclude in rule_groups(root):
        if rule.key != tuple(key) or not rule.enabled:
            continue
        qs, _spans = judged(subtree_for(rule, include, exclude, orgs), rule, chosen, today)
        matching |= Q(pk__in=qs.filter(verdict=status).values("pk"))
    return Organization.objects.filter(matching).order_by("path")
