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
        from dangjian.core.scope import register_panel, register_source

        from .showcase import round_peers_source

        # a 展评 round is a grant that does not come from the tree: its participants read each other's entries
        register_source("learning.Entry", "learning.round_peers", round_peers_source)

        from .views_practice import meeting_procedure_panel

        # 党务实操 as a guided checklist: the 组织生活会's record follows its procedure step by step
        register_panel("meetings.detail", "learning.procedure", meeting_procedure_panel)
