"""The API's one entry to organization data: a viewset that reads and writes through `visible_to`."""
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, viewsets

from dangjian.core.views import OutOfScope, ensure_in_scope

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change"}


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

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "scope_action": self.scope_action}

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
            raise exceptions.ValidationError(getattr(e, "message_dict", {"non_field_errors": e.messages})) from None


class ScopedReadOnlyViewSet(ScopedModelViewSet):
    """List and retrieve only (records whose writes go through their own pages and rules)."""

    http_method_names = ["get", "head", "options"]
