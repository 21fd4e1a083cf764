"""dangjian — 党建工作记录系统."""
from .celery import app as celery_app

__all__ = ["celery_app"]
