from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "dangjian.brands"
    label = "brands"
    verbose_name = "党建品牌与项目"

    def ready(self):
        from auditlog.registry import auditlog

        from dangjian.core.scope import register_source

        from . import models
        from .access import joint_brand_source

        for model in models.AUDITED:
            auditlog.register(model)
        # 品牌联建: the partners of an in-force co-building agreement read a brand built jointly under it (read-only),
        # through the agreement mechanism that grants mutual review of meetings — ending with the agreement.
        register_source("brands.Brand", "cobuilding.joint_brand", joint_brand_source)
