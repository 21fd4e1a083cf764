from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("org/<int:org_pk>/", views.classes, name="classes"),
    path("org/<int:org_pk>/new/", views.class_new, name="class_new"),
    path("org/<int:org_pk>/hours/", views.hours, name="hours"),
    path("<int:pk>/", views.class_detail, name="class"),
    path("<int:pk>/courses/", views.add_course, name="add_course"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/materials/", views.add_material, name="add_material"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/qr/", views.course_qr, name="course_qr"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
]
