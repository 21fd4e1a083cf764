"""Roster import/export routes (template download, import with preview, export)."""
from django.urls import path

from . import io_views

urlpatterns = [
    path("import/", io_views.upload, name="import"),
    path("import/template.xlsx", io_views.template, name="import_template"),
    path("import/confirm/", io_views.confirm, name="import_confirm"),
    path("export.xlsx", io_views.export, name="export"),
]
