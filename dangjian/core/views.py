"""Base views: every view reads organization data through `visible_to`, and fails closed without it.

An object outside the user's scope is a 404, never a 403 — a user cannot even learn it exists.
A write is re-checked inside its transaction by reading the saved row back through the scope for
the same action, so a record cannot be moved out of (or into) a subtree the user does not hold.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from . import generations
from .scope import forget_grants, grant_paths, has_sources, scope_key
from .versioning import StaleEdit, VersionField, claim_version, conflict_details


class OutOfScope(Exception):
    pass


def ensure_in_scope(model, user, action, pk):
    """Inside a transaction: raise OutOfScope if the saved object is not within `user`'s scope for `action`."""
    if not model.objects.visible_to(user, action).filter(pk=pk).exists():
        raise OutOfScope


class ScopedMixin(LoginRequiredMixin):
    queryset = None
    action = "view"

    def scoped(self, action=None):
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no queryset to scope")
        return self.queryset.visible_to(self.request.user, action or self.action)

    def get_object(self, action=None):
        return get_object_or_404(self.scoped(action), pk=self.kwargs["pk"])


class ObjectListView(ScopedMixin, View):
    """List with a FilterSet (the same one the API and the export use) and pagination.

    With `cache_topic` (a core.generations topic watching every table the list reads) and `content_template`
    (the page's content: filters and results, rendered apart from the page around it), the rendered content is
    kept in the shared cache for this user's scope and this query until a write to those tables — a group's
    roster page is read far more often than the roster changes. A model with registered scope sources is never
    kept this way (grants alone would not describe its scope)."""

    filterset_class = None
    template_name = None
    content_template = None
    partial_template = None
    cache_topic = None
    paginate_by = 50

    def get_filterset(self):
        return self.filterset_class(self.request.GET, queryset=self.scoped(), request=self.request)

    def get(self, request, *args, **kwargs):
        partial = bool(request.headers.get("HX-Request") and self.partial_template)
        template = self.partial_template if partial else (self.content_template or self.template_name)
        user = request.user
        if self.cache_topic and self.content_template and not has_sources(self.queryset.model):
            parts = (type(self).__name__, template, scope_key(user), sorted(request.GET.lists()),
                     translation.get_language(), timezone.localdate())
            # ten minutes: a page per user and query adds up in the shared Redis (it is also the task broker, so
            # it may not evict at will); the next visit after a write renders anew anyway
            html = generations.cached(self.cache_topic, parts, lambda: self.render_list(template), timeout=600)
        else:
            html = self.render_list(template)
        if partial or not self.content_template:
            return HttpResponse(html)
        return render(request, self.template_name, {"content": mark_safe(html)})  # rendered by our templates

    def render_list(self, template):
        """The list rendered with `template` (the results, the page's content or the whole page)."""
        request = self.request
        if self.cache_topic:  # read after the generation: the user's own record is data the list is kept under
            forget_grants(request.user, own_record_only=True)
        filterset = self.get_filterset()
        # An invalid filter (a year 0, an organization out of scope) lists nothing and says why next to the
        # field; silently dropping it would list — and export — everyone.
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        paginator = Paginator(qs, self.paginate_by)
        known = self.known_count(filterset) if filterset.is_valid() else None
        if known is not None:  # the paginator's COUNT is answered from a kept tally
            paginator.__dict__["count"] = known
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"filterset": filterset, "page": page, "object_list": page.object_list, "query": query.urlencode()}
        context.update(self.extra_context(filterset, page))
        if template == self.template_name:  # the whole page, never kept
            return render_to_string(template, context, request)
        # The content and the results are rendered from their own context and the request only — no context
        # processor: what those add (the user's name, the unread count) must not be kept with them.
        return render_to_string(template, {**context, "request": request})

    def extra_context(self, filterset, page):
        return {}

    def known_count(self, filterset):
        """The list's length when it is known without counting the rows (e.g. from a tally), else None."""
        return None


class ObjectEditView(ScopedMixin, View):
    """Create (no pk) or update (pk) one object through a form that receives the user for its dropdowns."""

    form_class = None
    template_name = None

    def get_form(self, instance):
        data = self.request.POST if self.request.method == "POST" else None
        form = self.form_class(data, self.request.FILES or None, instance=instance, user=self.request.user,
                               **self.form_kwargs())
        if instance is not None and hasattr(instance, "version"):
            form.fields["version"] = VersionField(initial=instance.version)
        return form

    def form_kwargs(self):
        return {}

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object(self.edit_action(update=True))
        return None

    def edit_action(self, update):
        return "change" if update else "add"

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        self.check_can_create(instance)
        return self.render_form(self.get_form(instance), instance)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        self.check_can_create(instance)
        form = self.get_form(instance)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if "version" in form.fields:  # optimistic locking, decided by the UPDATE's WHERE clause
                        claim_version(instance, form.cleaned_data.get("version") or instance.version)
                    obj = self.save(form)
                    ensure_in_scope(type(obj), request.user, self.edit_action(instance is not None), obj.pk)
            except OutOfScope:
                form.add_error(None, _("保存后的记录不在您的管辖范围内，未保存"))
            except StaleEdit as e:
                report_conflict(form, e)
            else:
                forget_grants(request.user)
                messages.success(request, _("已保存：%(obj)s") % {"obj": obj})
                return redirect(self.success_url(obj))
        return self.render_form(form, instance)

    def check_can_create(self, instance):
        user = self.request.user
        if instance is None and not (user.is_superuser or grant_paths(user, self.edit_action(False))):
            raise PermissionDenied

    def save(self, form):
        return form.save()

    def success_url(self, obj):
        return obj.get_absolute_url()

    def render_form(self, form, instance):
        return render(self.request, self.template_name, {"form": form, "object": instance, **self.extra_context(instance)})

    def extra_context(self, instance):
        return {}


def form_errors_text(form):
    """A form's errors as one sentence for a message (the small forms posted from a page's <details>)."""
    return "；".join(e for v in form.errors.values() for e in v)


def report_conflict(form, stale):
    """The conflict as a form error in Chinese — who saved, and what now differs — and the form moved to the new
    version, so a second save, after looking, is a deliberate overwrite."""
    from auditlog.models import LogEntry

    last = LogEntry.objects.get_for_object(stale.current).select_related("actor").order_by("-timestamp").first()
    who = ""
    if last is not None:
        name = (last.actor.get_full_name() or last.actor.username) if last.actor else _("系统")
        who = _("最近一次由 %(who)s 于 %(when)s 保存。") % {"who": name, "when": f"{last.timestamp:%Y-%m-%d %H:%M}"}
    details = conflict_details(form, stale.current)
    form.add_error(None, " ".join([stale.messages[0], who, _("您的修改未保存。")]
                                  + ([_("与您提交不同之处：") + "；".join(details)] if details else [])
                                  + [_("请核对后再次保存（将以您的内容为准）。")]))
    data = form.data.copy()
    data["version"] = stale.current.version
    form.data = data


def changelog_for(obj, user, *, extra_objects=()):
    """Change-log entries for an object (and related objects), newest first, for users allowed to see them."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    q = Q()
    for o in (obj, *extra_objects):
        q |= Q(content_type=ContentType.objects.get_for_model(type(o)), object_id=o.pk)
    return LogEntry.objects.filter(q).select_related("actor", "content_type").order_by("-timestamp")[:100]



def server_error(request):
    """handler500: an outage of the database (a restart, a failover) is a 503 with Retry-After and a message saying
    nothing was saved — load balancers and users retry it; anything else is the 500 page."""
    import sys

    from django.http import HttpResponse
    from django.template import loader

    if database_outage(sys.exc_info()[1]):
        response = HttpResponse(loader.render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.render_to_string("500.html", request=None), status=500)


def database_outage(exc):
    """Whether `exc` comes from losing the database: the driver's error itself, an error raised while handling one
    (its __context__), or Django refusing to go on in a transaction whose connection was dropped — a connection
    found dead by the health check inside an atomic block raises "Cannot open a new connection in an atomic block",
    a ProgrammingError with no driver error attached. The driver's own classes count too: closing a server-side
    cursor (a form's choices read with .iterator()) raises psycopg's OperationalError outside Django's wrapping."""
    from django.db import DatabaseError, InterfaceError, OperationalError, connections

    lost = {OperationalError, InterfaceError}
    for c in connections.all(initialized_only=True):
        driver = getattr(c, "Database", None)
        lost.update(k for k in (getattr(driver, "OperationalError", None), getattr(driver, "InterfaceError", None)) if k)
    lost = tuple(lost)
    seen = set()
    e = exc
    while e is not None and id(e) not in seen:
        if isinstance(e, lost):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return isinstance(exc, DatabaseError) and any(
        getattr(c, "closed_in_transaction", False) for c in connections.all(initialized_only=True))


def override_rule(request, *, org, form, existing, title, back):
    """The page that sets a rulebook's rule for `org` and its subtree — or, with "reset", removes `existing` so the
    rule from above applies again (core.rulebook; the meeting rulebook and the point rules both use it)."""
    if request.method == "POST":
        if request.POST.get("reset") and existing:
            existing.delete()
            messages.success(request, _("已恢复为上级规定"))
            return redirect(back)
        if form.is_valid():
            form.save()
            messages.success(request, _("已为 %(org)s 及其下级设置：%(r)s") % {"org": org.name, "r": title})
            return redirect(back)
    return render(request, "components/rule_override.html",
                  {"org": org, "form": form, "title": title, "existing": existing, "back": back})
