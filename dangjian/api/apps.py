from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dangjian.api"
    label = "dj_api"
