from django.urls import path

from . import views, views_record

app_name = "meetings"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("org/<int:org_pk>/", views.meeting_list, name="list"),
    path("org/<int:org_pk>/new/", views.choose_kind, name="choose_kind"),
    path("org/<int:org_pk>/new/<str:kind>/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views_record.edit, name="edit"),
    path("<int:pk>/unlock/", views_record.unlock, name="unlock"),
    path("<int:pk>/qr/", views_record.qr, name="qr"),
    path("<int:pk>/live/", views_record.live, name="live"),
    path("<int:pk>/qr/code/", views_record.qr_code, name="qr_code"),
    path("<int:pk>/votes/add/", views_record.add_vote, name="add_vote"),
    path("<int:pk>/grades/", views_record.grades, name="grades"),
    path("<int:pk>/attachments/add/", views_record.upload, name="upload"),
    path("attachments/<int:pk>/", views_record.download, name="download"),
    path("checkin/<str:token>/", views_record.checkin, name="checkin"),
    path("org/<int:org_pk>/ledger/<int:year>.<str:fmt>", views_record.ledger_export, name="ledger"),
    path("org/<int:org_pk>/compliance/", views.org_compliance, name="compliance"),
    path("org/<int:org_pk>/compliance/list/", views.failing, name="failing"),
    path("org/<int:org_pk>/rules/", views.rules, name="rules"),
    path("org/<int:org_pk>/rules/<int:rule_pk>/override/", views.override, name="override"),
]
