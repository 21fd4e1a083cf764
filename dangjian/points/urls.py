from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("org/<int:org_pk>/", views.board, name="board"),
    path("org/<int:org_pk>/rules/", views.rules, name="rules"),
    path("org/<int:org_pk>/rules/<int:rule_pk>/", views.override, name="override"),
    path("member/<int:pk>/", views.ledger, name="ledger"),
]
