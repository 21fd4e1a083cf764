"""The API's one entry to organization data: a viewset that reads and writes through `visible_to`.

The same contract as the page base views (dangjian.core.views): the queryset always comes through
the scope for the request's action, an object outside it is a 404, and a write is re-read through
the scope inside its transaction, so nothing can be moved into or out of a subtree the user does not hold.
"""
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, mixins, serializers, viewsets

from dangjian.core.scope import forget_grants, grant_paths
from dangjian.core.views import OutOfScope, ensure_in_scope

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change"}


OUT_OF_SCOPE_ORG = gettext_lazy("组织 id=%(pk_value)s 不存在或不在您的管辖范围内，请重新选择")


def scoped_org_field(**kwargs):
    """An organization id field whose choices are set per request (empty until then: fails closed)."""
    from dangjian.orgs.models import Organization

    return serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), error_messages={"does_not_exist": OUT_OF_SCOPE_ORG}, **kwargs)


def drf_errors(e):
    """A django ValidationError as DRF's {field: [messages]} (model-wide errors under non_field_errors)."""
    if hasattr(e, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in e.message_dict.items()}
    return {"non_field_errors": e.messages}


class ScopedModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """List, retrieve, create, update — each through the scope for the request's action. No delete."""

    write_action = None  # e.g. "manage_org": one action for every write on this model

    @property
    def scope_action(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        if action != "view" and self.write_action:
            return self.write_action
        return action

    def get_queryset(self):
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no queryset to scope")
        return self.queryset.all().visible_to(self.request.user, self.scope_action)

    def filter_queryset(self, queryset):
        # The list's filters (e.g. the member list's default "on the roll") must not hide a record
        # from its own detail or update URL.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "scope_action": self.scope_action}

    def create(self, request, *args, **kwargs):
        # Like the pages: a user who may add nowhere is refused outright, before any field is validated.
        user = request.user
        if not (user.is_superuser or grant_paths(user, self.scope_action)):
            raise exceptions.PermissionDenied(_("您没有新建此类记录的权限"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)

    def _save_in_scope(self, serializer):
        """Save, then re-read through the scope inside the same transaction; roll back if it left the scope."""
        try:
            with transaction.atomic():
                obj = serializer.save()
                ensure_in_scope(type(obj), self.request.user, self.scope_action, obj.pk)
        except OutOfScope:
            raise exceptions.PermissionDenied(_("保存后的记录不在您的管辖范围内，未保存")) from None
        except DjangoValidationError as e:
            raise exceptions.ValidationError(drf_errors(e)) from None
        finally:
            forget_grants(self.request.user)


class ScopedReadOnlyViewSet(ScopedModelViewSet):
    """List and retrieve only (records whose writes go through their own pages and rules)."""

    http_method_names = ["get", "head", "options"]
