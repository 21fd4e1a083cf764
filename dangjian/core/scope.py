"""The one scoping mechanism: `Model.objects.visible_to(user, action)`.

A model opts in by naming the organization path its rows hang from (`scope_path`, e.g.
"organization__path") and, optionally, what a member may see of their own (`self_scope_q(own_record)`). A record
addressed to a whole subtree (`scope_reaches_below = True`: a 党委's campaign or forum) is read by the users of the
organizations below it too — writing stays with its own organization's scope.
A grant covers the subtree of its organization: one `path LIKE 'prefix%'` per grant,
served by the index on the materialized path — never a walk of the tree in Python.
"""
from django.db import models
from django.db.models import Q

from dangjian.accounts.roles import ROLE_ACTIONS, SELF_ACTIONS

# Grants that do not come from the tree (an agreement's mutual review, a peer-review round): each is a
# source registered by the app that owns it, at app ready, for one model label. The scoped model asks every
# source through `sources_q` — so no lower app imports a higher one to learn about its grants.
_SOURCES = {}


def register_source(model_label, name, q_for):
    """Register `q_for(user, action)` → a Q on the model (or None for nothing) as a further scope source."""
    _SOURCES.setdefault(model_label, {})[name] = q_for


def sources_q(model, user, action):
    """The OR of every registered source's Q for `model`, or None when no source grants anything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    q = None
    for q_for in _SOURCES.get(model._meta.label, {}).values():
        extra = q_for(user, action)
        if extra is not None:
            q = extra if q is None else q | extra
    return q


# Panels other apps add to a page of this one (the same inversion as scope sources): a panel function
# (request, obj) → {"template": ..., **context} or None.
_PANELS = {}


def register_panel(page, name, panel):
    _PANELS.setdefault(page, {})[name] = panel


def panels_for(page, request, obj):
    return [p for p in (panel(request, obj) for panel in _PANELS.get(page, {}).values()) if p]


def grant_paths(user, action):
    """Minimal set of organization paths on which `user` may perform `action` (cached per user object)."""
    cache = getattr(user, "_dangjian_grant_cache", None)
    if cache is None:
        from dangjian.accounts.models import Grant

        cache = {"grants": list(Grant.objects.filter(user=user).values_list("role", "organization__path"))}
        user._dangjian_grant_cache = cache
    key = ("paths", action)
    if key not in cache:
        paths = sorted({path for role, path in cache["grants"] if action in ROLE_ACTIONS.get(role, ())})
        minimal = []
        for path in paths:  # sorted, so a covering prefix always comes first
            if not any(path.startswith(p) for p in minimal):
                minimal.append(path)
        cache[key] = minimal
    return cache[key]


def prime_grants(users):
    """Load the grants of many users with one query into each one's grant cache, so that a background job
    walking thousands of users (the daily reminders) asks grant_paths / visible_to / user_can without one
    query per user. The same cache grant_paths fills by itself, so the scope rules stay in one place."""
    from dangjian.accounts.models import Grant

    grants = {u.pk: [] for u in users}
    for user_id, role, path in Grant.objects.filter(user__in=list(grants)).values_list("user", "role", "organization__path"):
        grants[user_id].append((role, path))
    for u in users:
        u._dangjian_grant_cache = {"grants": grants[u.pk]}


def in_scope(index, user, action, steplen=4):
    """The rows of `index` (built by `index_by_path`) that lie in `user`'s scope for `action`: the set-based
    form of visible_to's tree rule, for facts computed once for many users — a lookup per grant, not a scan."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [row for path, rows in index.items() if len(path) == steplen for row in rows]
    return [row for p in grant_paths(user, action) for row in index.get(p, ())]


def index_by_path(rows, path_of, steplen=4):
    """{every ancestor path (and the own path): [rows under it]} for in_scope."""
    index = {}
    for row in rows:
        path = path_of(row)
        for i in range(steplen, len(path) + 1, steplen):
            index.setdefault(path[:i], []).append(row)
    return index


def own_record(user):
    """The user's own member record as {pk, organization_id, party_group_id, path}, or None (cached per user)."""
    cache = getattr(user, "_dangjian_own_record", False)
    if cache is False:
        from dangjian.members.models import Member

        row = (
            Member.objects.filter(user=user)
            .values_list("pk", "organization_id", "party_group_id", "organization__path")
            .first()
        )
        cache = dict(zip(("pk", "organization_id", "party_group_id", "path"), row)) if row else None
        user._dangjian_own_record = cache
    return cache


def scope_key(user):
    """What `user`'s tree scope is made of — who, superuser or not, every grant — for a cache key of a figure
    computed in that scope (core.generations). Registered sources are not in it: see has_sources."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ("anonymous",)
    grant_paths(user, "view")  # fills the grant cache
    return (user.pk, user.is_superuser, tuple(sorted(user._dangjian_grant_cache["grants"])))


def has_sources(model):
    """Whether any registered source adds to `model`'s scope (a key of grants alone would not describe it)."""
    return bool(_SOURCES.get(model._meta.label))


def forget_grants(user, own_record_only=False):
    """Drop the per-request grant cache, e.g. after grants change inside a test."""
    for attr in ("_dangjian_own_record",) if own_record_only else (
            "_dangjian_grant_cache", "_dangjian_own_record", "_dangjian_review_grants"):
        if hasattr(user, attr):
            delattr(user, attr)


def user_can(user, action, organization):
    """Whether `user` may perform `action` on objects of `organization` (an Organization instance)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(organization.path.startswith(p) for p in grant_paths(user, action))


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        field = self.model.scope_path
        paths = grant_paths(user, action)
        q = Q()
        for path in paths:
            q |= Q(**{f"{field}__startswith": path})
        if action == "view" and getattr(self.model, "scope_reaches_below", False) and paths:
            # a record addressed to the whole subtree (a 党委's campaign, its forum): read also by those below
            q |= Q(**{f"{field}__in": {p[:i] for p in paths for i in range(4, len(p), 4)}})
        self_q = getattr(self.model, "self_scope_q", None)
        if action in SELF_ACTIONS and self_q is not None:
            mine = own_record(user)
            # Only when the user's own record lies outside their grants: an OR that adds nothing
            # would still cost the planner its index on the path.
            if mine is not None and not mine["path"].startswith(tuple(paths) or ("\0",)):
                q |= self_q(mine)
        if not q:
            return self.none()
        return self.filter(q)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
