from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangjian.meetings"
    label = "meetings"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            # the optimistic-locking counter is bookkeeping, not a change a person made
            auditlog.register(model, exclude_fields=["version"] if model is models.Meeting else None)
