"""Picking an organization in a form without typing its code: a text field with a list that fills as you type
(name, short name or code), each entry naming the parent, so two "机关党支部" can be told apart.

The list comes from `orgs:pick`, read through `visible_to` for the form's action; the field still accepts a code
typed or pasted, and validates it against the same scope."""
from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.urls import reverse

from .models import Organization, OrgKind

PICK_ACTIONS = {"view", "add", "change", "manage_org", "manage_grants"}
LIMIT = 30


def with_parent_names(orgs):
    parent = Organization.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen))
    return orgs.annotate(parent_name=Subquery(parent.values("name")[:1]))


def label(org):
    parent = getattr(org, "parent_name", None)
    return f"{org.name}（{parent}）" if parent else org.name


def options(user, action, text="", kinds=None):
    """(code, label) for up to LIMIT organizations in the user's scope for `action` matching `text`."""
    qs = Organization.objects.visible_to(user, action).filter(dissolved_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code__istartswith=text))
    return [(o.code, label(o)) for o in with_parent_names(qs.order_by("depth", "path"))[:LIMIT]]


class OrgPickerWidget(forms.TextInput):
    template_name = "orgs/widgets/org_picker.html"

    def __init__(self, *, action, units_only=True, attrs=None):
        self.action, self.units_only, self.user = action, units_only, None
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id', name)}-options"
        query = f"?action={self.action}" + ("&units=1" if self.units_only else "")
        context["widget"]["attrs"].update({
            "list": list_id, "hx-get": reverse("orgs:pick") + query, "hx-target": f"#{list_id}",
            "hx-trigger": "input changed delay:250ms", "hx-swap": "innerHTML"})
        kinds = [k for k in OrgKind.values if k != OrgKind.GROUP] if self.units_only else None
        context["widget"]["options"] = options(self.user, self.action, "", kinds) if self.user else []
        return context
