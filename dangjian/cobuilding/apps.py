from django.apps import AppConfig


class CobuildingConfig(AppConfig):
    name = "dangjian.cobuilding"
    label = "cobuilding"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)

        from dangjian.core.scope import register_panel, register_source

        from .access import meeting_reviews_panel, reviewable_source

        # 互相观摩点评: an in-force agreement lets each party read the other's 三会一课 (read-only).
        register_source("meetings.Meeting", "cobuilding.review", reviewable_source)
        register_panel("meetings.detail", "cobuilding.reviews", meeting_reviews_panel)
