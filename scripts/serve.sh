#!/usr/bin/env bash
# `make serve`: a production-like single machine — migrations, collectstatic (compressed manifest), DEBUG off,
# gunicorn with workers sized to the cores, and with DANGJIAN_CELERY_BROKER set the Celery worker and beat.
# Ctrl-C stops everything it started (by process id).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
mkdir -p var
if [ -z "${DANGJIAN_SECRET_KEY:-}" ]; then
  [ -s var/secret-key ] || "$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret-key
  DANGJIAN_SECRET_KEY=$(cat var/secret-key); export DANGJIAN_SECRET_KEY
fi
export DANGJIAN_DEBUG=false DANGJIAN_STATIC_ROOT=${DANGJIAN_STATIC_ROOT:-$PWD/var/static}
"$VENV/bin/dangjian" migrate --noinput
"$VENV/bin/dangjian" collectstatic --noinput -v 0
"$VENV/bin/dangjian" check --deploy --fail-level ERROR
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
if [ -n "${DANGJIAN_CELERY_BROKER:-}" ]; then
  "$VENV/bin/celery" -A dangjian worker --loglevel INFO & pids+=($!)
  "$VENV/bin/celery" -A dangjian beat --loglevel INFO --schedule var/celerybeat-schedule & pids+=($!)
fi
"$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py dangjian.wsgi & pids+=($!)
echo "dangjian: http://${DANGJIAN_BIND:-127.0.0.1:8000}/ (gunicorn pid ${pids[-1]})"
wait "${pids[-1]}"
