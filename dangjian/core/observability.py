"""Operations: a request id on every request and log line, an optional JSON log format, and /healthz.

A load balancer asks /healthz (no login) whether this app server can reach the database, the cache and, when one
is configured, the task broker; the answer says which of the three is down and nothing else about the system."""
import contextvars
import json
import logging
import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

request_id = contextvars.ContextVar("request_id", default="-")
INCOMING = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID (nginx's $request_id) when it is sane, else make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if INCOMING.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Set for the rest of this request's thread and not reset on the way out: Django logs "Not Found" and
        # server errors after the middleware has returned, and those lines need the id most.
        request_id.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (DANGJIAN_LOG_FORMAT=json)."""

    def format(self, record):
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "request_id": getattr(record, "request_id", "-"), "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _database():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    from django.core.cache import cache

    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _broker():
    from dangjian.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    checks = {"database": _database, "cache": _cache}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = _broker
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # noqa: BLE001 — any failure is "down"; the details go to the log, not the answer
            logging.getLogger("dangjian.healthz").exception("%s unreachable", name)
            results[name] = "error"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
