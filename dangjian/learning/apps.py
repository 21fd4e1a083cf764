from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "dangjian.learning"
    label = "learning"
    verbose_name = "学习培训"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)
