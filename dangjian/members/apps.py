from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            # The change log is shown to inspectors too: never keep a full 身份证号 in it.
            auditlog.register(model, mask_fields=["id_number"] if model is models.Member else None)
