"""What a server started with DEBUG off must have: its own secret key and a list of host names.

`dangjian.wsgi` (what gunicorn — and runserver — load) refuses to start without them, naming the variable to
set; the same conditions are deploy checks (`dangjian check --deploy`)."""
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "insecure-dev-key-change-me-for-production-0123456789"


def problems():
    out = []
    if settings.SECRET_KEY == DEV_SECRET_KEY:
        out.append("DANGJIAN_SECRET_KEY 未设置：生产环境必须设置自己的随机密钥（例如 "
                   "python -c \"import secrets; print(secrets.token_urlsafe(50))\"）"
                   " / DANGJIAN_SECRET_KEY is the built-in development key")
    if not settings.ALLOWED_HOSTS:
        out.append("DANGJIAN_ALLOWED_HOSTS 为空：请填写用户访问本系统所用的主机名或地址，用逗号分隔"
                   " / DANGJIAN_ALLOWED_HOSTS is empty")
    return out


def refuse_insecure_start():
    if settings.DEBUG:
        return
    found = problems()
    if found:
        raise ImproperlyConfigured("拒绝启动 / refusing to start: " + "；".join(found))


@checks.register(checks.Tags.security, deploy=True)
def deploy_settings(app_configs, **kwargs):
    return [checks.Error(p, id=f"dangjian.E00{i}") for i, p in enumerate(problems(), 1)]
