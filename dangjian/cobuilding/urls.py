from django.urls import path

from . import views

app_name = "cobuilding"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("review/<int:meeting_pk>/", views.review, name="review"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:pk>/document/", views.document, name="document"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/activities/add/", views.add_activity, name="add_activity"),
    path("<int:pk>/meetings/<int:meeting_pk>/link/", views.link_meeting, name="link_meeting"),
    path("<int:pk>/outputs/add/", views.add_output, name="add_output"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/parties/<int:party_pk>/confirm/", views.confirm, name="confirm"),
    path("outputs/<int:pk>/file/", views.output_file, name="output_file"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
