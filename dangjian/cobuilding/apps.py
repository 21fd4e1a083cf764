from django.apps import AppConfig


class CobuildingConfig(AppConfig):
    name = "dangjian.cobuilding"
    label = "cobuilding"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)
