from django.urls import include, path

app_name = "members"
urlpatterns = [
    path("", include("dangjian.members.io_urls")),
]
