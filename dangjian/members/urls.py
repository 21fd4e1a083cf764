from django.urls import include, path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("add/", views.MemberEditView.as_view(), name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/posts/add/", views.add_post, name="add_post"),
    path("", include("dangjian.members.io_urls")),
]
