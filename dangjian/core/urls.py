from django.urls import path

from . import job_views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", job_views.detail, name="detail"),
    path("<int:pk>/progress/", job_views.progress, name="progress"),
    path("<int:pk>/download/", job_views.download, name="download"),
]
