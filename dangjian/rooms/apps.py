from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "dangjian.rooms"
    label = "rooms"
    verbose_name = "党建阵地"

    def ready(self):
        from auditlog.registry import auditlog

        from dangjian.core.scope import register_source

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)
        # a room shared by several organizations is read by each of them (the meeting form offers it to each)
        register_source("rooms.Room", "rooms.shared", models.shared_source)
