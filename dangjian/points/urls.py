from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("org/<int:org_pk>/", views.board, name="board"),
    path("org/<int:org_pk>/rules/", views.rules, name="rules"),
    path("org/<int:org_pk>/rules/<int:rule_pk>/", views.override, name="override"),
    path("org/<int:org_pk>/stars/<str:of>/", views.star_scale, name="star_scale"),
    path("org/<int:org_pk>/approvals/", views.approvals, name="approvals"),
    path("org/<int:org_pk>/groups/", views.group_ranking, name="groups"),
    path("org/<int:org_pk>/branches/", views.branches, name="branches"),
    path("org/<int:org_pk>/publish/", views.publish, name="publish"),
    path("org/<int:org_pk>/publish-branches/", views.publish_branches, name="publish_branches"),
    path("org/<int:org_pk>/published/", views.published, name="published"),
    path("member/<int:pk>/", views.ledger, name="ledger"),
    path("member/<int:pk>/propose/", views.propose, name="propose"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/evidence/", views.evidence, name="evidence"),
]
