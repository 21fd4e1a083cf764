from django.contrib import admin
from django.urls import include, path

from dangjian.core.observability import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("dangjian.api.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("meetings/", include("dangjian.meetings.urls")),
    path("reminders/", include("dangjian.reminders.urls")),
    path("cobuilding/", include("dangjian.cobuilding.urls")),
    path("points/", include("dangjian.points.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("rooms/", include("dangjian.rooms.urls")),
    path("brands/", include("dangjian.brands.urls")),
    path("learning/", include("dangjian.learning.urls")),
    path("jobs/", include("dangjian.core.urls")),
]
handler500 = "dangjian.core.views.server_error"
