"""Rulebooks as data, overridden by subtree: a rule with an organization replaces the rule with the same key for
that organization's subtree, the nearest one winning; a rule without one is the default. The meeting rulebook
(三会一课) and the point rules (党员积分) both work this way; each model has `organization` and a `key`."""
from django.db.models import F, Q

from .scope import ScopedQuerySet


class RulebookQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """The defaults (no organization) are readable by everyone signed in; overrides by scope."""
        scoped = super().visible_to(user, action)
        if action == "view" and user is not None and user.is_authenticated:
            return self.filter(Q(pk__in=scoped.values("pk")) | Q(organization__isnull=True))
        return scoped


def prefixes(path, steplen=4):
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def nearest(rules, org):
    """{key: rule} — per key, the rule of `org` or its nearest ancestor, else the default."""
    candidates = rules.filter(Q(organization__isnull=True) | Q(organization__path__in=prefixes(org.path, org.steplen)))
    best = {}
    for rule in candidates.select_related("organization"):
        depth = rule.organization.depth if rule.organization_id else 0
        if rule.key not in best or depth > best[rule.key][0]:
            best[rule.key] = (depth, rule)
    return {key: rule for key, (_depth, rule) in best.items()}


def groups(rules, root):
    """[(rule, include path, exclude paths)] so that every organization under `root` is governed by its nearest
    rule: the rule applying at `root` for its whole subtree minus the overrides below, and each override for its
    subtree minus the deeper ones. A set-based computation filters by these paths instead of resolving per row."""
    applying_at_root = {r.key: r for r in rules.filter(
        Q(organization__isnull=True) | Q(organization__path__in=prefixes(root.path, root.steplen)))
        .select_related("organization").order_by(F("organization__depth").asc(nulls_first=True))}
    inner = list(rules.filter(organization__path__startswith=root.path).exclude(organization=root)
                 .select_related("organization"))
    found = []
    for key, rule in applying_at_root.items():
        overrides = [r for r in inner if r.key == key]
        found.append((rule, root.path, [o.organization.path for o in overrides]))
        for o in overrides:
            deeper = [x.organization.path for x in overrides
                      if x is not o and x.organization.path.startswith(o.organization.path)]
            found.append((o, o.organization.path, deeper))
    return found
