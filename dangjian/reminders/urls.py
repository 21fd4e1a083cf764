from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="read"),
    path("calendar/regenerate/", views.regenerate_feed, name="regenerate"),
    path("calendar/<str:token>.ics", views.ical, name="ical"),
]
