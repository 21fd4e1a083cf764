from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("calculator/", views.calculator, name="calculator"),
    path("import/<str:what>/", views.import_file, name="import"),
    path("import/<str:what>/template.xlsx", views.import_template, name="import_template"),
    path("org/<int:org_pk>/", views.month, name="month"),
    path("org/<int:org_pk>/report/", views.report, name="report"),
    path("org/<int:org_pk>/ledger/", views.ledger, name="ledger"),
    path("member/<int:pk>/", views.member, name="member"),
    path("payments/<int:pk>/reverse/", views.reverse_payment, name="reverse"),
    path("reliefs/<int:pk>/decide/", views.decide_relief, name="decide_relief"),
]
