from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:org_pk>/", views.board, name="board"),
    path("org/<int:org_pk>/new/", views.new, name="new"),
    path("<int:pk>/", views.file, name="file"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("steps/<int:pk>/attachment/", views.attachment, name="attachment"),
    path("org/<int:org_pk>/register/<str:stage>/", views.register, name="register"),
]
