from django.urls import path

from . import views, views_practice, views_quiz, views_showcase

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

urlpatterns += [
    path("org/<int:org_pk>/bank/", views_quiz.bank, name="bank"),
    path("org/<int:org_pk>/bank/export/", views_quiz.bank_export, name="bank_export"),
    path("bank/template/", views_quiz.bank_template, name="bank_template"),
    path("org/<int:org_pk>/contests/", views_quiz.contests, name="contests"),
    path("org/<int:org_pk>/contests/new/", views_quiz.contest_new, name="contest_new"),
    path("contests/<int:pk>/", views_quiz.contest_detail, name="contest"),
    path("contests/<int:pk>/start/", views_quiz.start, name="start"),
    path("attempts/<int:pk>/", views_quiz.attempt, name="attempt"),
]

urlpatterns += [
    path("org/<int:org_pk>/drills/", views_practice.drills, name="drills"),
    path("drills/<int:pk>/", views_practice.drill_detail, name="drill"),
    path("drills/<int:pk>/score/", views_practice.drill_score, name="drill_score"),
    path("meetings/<int:meeting_pk>/steps/<int:step_pk>/", views_practice.meeting_step, name="meeting_step"),
    path("org/<int:org_pk>/forums/", views_practice.forums, name="forums"),
    path("forums/<int:pk>/", views_practice.forum_detail, name="forum"),
    path("forums/<int:pk>/agenda/", views_practice.agenda_add, name="agenda_add"),
    path("agenda/<int:item_pk>/comment/", views_practice.forum_comment, name="forum_comment"),
    path("agenda/<int:item_pk>/vote/", views_practice.forum_vote, name="forum_vote"),
    path("agenda/<int:pk>/file/", views_practice.agenda_file, name="agenda_file"),
]

urlpatterns += [
    path("org/<int:org_pk>/showcase/", views_showcase.rounds, name="rounds"),
    path("showcase/<int:pk>/", views_showcase.round_detail, name="round"),
    path("showcase/<int:pk>/submit/", views_showcase.round_submit, name="round_submit"),
    path("entries/<int:pk>/", views_showcase.entry_detail, name="entry"),
    path("entries/<int:pk>/rate/", views_showcase.entry_rate, name="entry_rate"),
    path("entry-files/<int:pk>/", views_showcase.entry_file, name="entry_file"),
]
