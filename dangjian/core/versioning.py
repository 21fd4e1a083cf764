"""Optimistic locking: two people editing the same record — the second save over a stale version is refused with
what changed, never a silent overwrite.

A versioned model has a `version` column. The edit form carries the version it was opened at; saving first runs
`UPDATE … SET version = version + 1 WHERE pk = %s AND version = %s` inside the save's transaction. Zero rows means
someone saved in between (on PostgreSQL the second UPDATE waits for the first to commit and then sees the new
version; SQLite's IMMEDIATE transactions serialize writers), so the race is decided by the database, not by Python.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    def __init__(self, message, current):
        self.current = current
        super().__init__(message, code="stale")


def claim_version(obj, expected):
    """Inside a transaction: take the next version of `obj` if it is still at `expected`, else raise StaleEdit."""
    model = type(obj)
    if not model._base_manager.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        current = model._base_manager.get(pk=obj.pk)
        raise StaleEdit(_("保存前，此记录已被他人修改（当前为第 %(v)d 版，您打开的是第 %(o)d 版）。") % {
            "v": current.version, "o": expected}, current)
    obj.version = expected + 1


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, required=False, **kwargs)


def conflict_details(form, current):
    """Fields where the record now differs from what this user submitted: "联系电话：现为 …（您填写的是 …）"."""
    lines = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        now = getattr(current, name)
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if hasattr(now, "pk"):
            now_key, mine_key = now.pk, getattr(mine, "pk", mine)
        else:
            now_key, mine_key = now, mine
        if (now_key or None) != (mine_key or None):
            shown = current._meta.get_field(name)
            display = getattr(current, f"get_{name}_display", None)
            lines.append(_("%(f)s：现为“%(now)s”（您填写的是“%(mine)s”）") % {
                "f": shown.verbose_name, "now": display() if display else (now if now not in (None, "") else "—"),
                "mine": mine if mine not in (None, "") else "—"})
    return lines
