from django.urls import path

from . import views

app_name = "rooms"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:org_pk>/", views.room_list, name="list"),
    path("org/<int:org_pk>/new/", views.edit, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("<int:pk>/photos/", views.upload_photo, name="upload_photo"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
