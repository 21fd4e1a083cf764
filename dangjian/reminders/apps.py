from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "dangjian.reminders"
    label = "reminders"
