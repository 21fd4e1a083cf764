from django.urls import path

from . import views

app_name = "brands"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:org_pk>/", views.portfolio, name="portfolio"),
    path("org/<int:org_pk>/export/", views.export, name="export"),
    path("org/<int:org_pk>/declare/", views.declare, name="declare"),
    path("org/<int:org_pk>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("org/<int:org_pk>/projects/new/", views.project_new, name="project_new"),
    path("<int:pk>/", views.brand_detail, name="brand"),
    path("<int:pk>/edit/", views.brand_edit, name="brand_edit"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/evidence/", views.brand_evidence, name="brand_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/indicators/", views.indicator_save, name="indicator_save"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("projects/<int:pk>/updates/", views.update_add, name="update_add"),
    path("projects/<int:pk>/evidence/", views.project_evidence, name="project_evidence"),
    path("projects/<int:pk>/status/", views.project_move, name="project_move"),
    path("projects/<int:pk>/review/", views.project_review, name="project_review"),
]
