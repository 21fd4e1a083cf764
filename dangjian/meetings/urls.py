from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("org/<int:org_pk>/", views.meeting_list, name="list"),
    path("org/<int:org_pk>/new/", views.choose_kind, name="choose_kind"),
    path("org/<int:org_pk>/new/<str:kind>/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("org/<int:org_pk>/compliance/", views.org_compliance, name="compliance"),
    path("org/<int:org_pk>/compliance/list/", views.failing, name="failing"),
    path("org/<int:org_pk>/rules/", views.rules, name="rules"),
    path("org/<int:org_pk>/rules/<int:rule_pk>/override/", views.override, name="override"),
]
