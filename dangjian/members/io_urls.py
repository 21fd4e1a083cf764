"""Roster import/export routes (template download, import with preview, export)."""
urlpatterns = []
