from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangjian.meetings"
    label = "meetings"

    def ready(self):
        from auditlog.registry import auditlog

        from dangjian.core.tallies import register

        from . import models, tally

        register(tally.MEETINGS)

        for model in models.AUDITED:
            # the optimistic-locking counter is bookkeeping, not a change a person made
            auditlog.register(model, exclude_fields=["version"] if model is models.Meeting else None)
