from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"

    def ready(self):
        from auditlog.registry import auditlog

        from dangjian.core.tallies import register

        from . import models, tally

        register(tally.MEMBERS)

        for model in models.AUDITED:
            # The change log is shown to inspectors too: never keep a full 身份证号 in it, and mask it the one
            # way the pages, API and exports do (idcard.mask), not auditlog's own way.
            if model is models.Member:
                auditlog.register(model, mask_fields=["id_number"], mask_callable="dangjian.members.idcard.mask",
                                  exclude_fields=["version", "updated_at"])
            else:
                auditlog.register(model)
