from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("pick/", views.pick, name="pick"),
    path("pick/groups/", views.party_groups, name="party_groups"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:parent_pk>/add/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("external/", views.ExternalListView.as_view(), name="external_list"),
    path("external/add/", views.ExternalEditView.as_view(), name="external_create"),
    path("external/<int:pk>/edit/", views.ExternalEditView.as_view(), name="external_edit"),
    path("<int:pk>/committees/add/", views.committee_create, name="committee_create"),
    path("<int:pk>/committees/current/", views.committee_edit, name="committee_edit"),
]
