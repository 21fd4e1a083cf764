from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in models.AUDITED:
            # Tree bookkeeping (path/depth/numchild) is not a change a person made.
            exclude = ["path", "depth", "numchild"] if model is models.Organization else None
            auditlog.register(model, exclude_fields=exclude)
