from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"

    def ready(self):
        from . import deploy  # noqa: F401  (registers the deploy checks)
