"""Production: the server refuses an unsafe start, `check --deploy` is clean once TLS is described, and gunicorn
serves the app and its compressed static files — started here on loopback and stopped by its process id."""
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .servers import ROOT, clean_environ, free_port

pytestmark = pytest.mark.once

VENV_BIN = Path(sys.executable).parent
KEY = "test-key-" + "x7Qp" * 12


def run(args, env, **kw):
    return subprocess.run(args, cwd=ROOT, env={**clean_environ(), **env}, capture_output=True, text=True, timeout=120, **kw)


def base_env(tmp_path, **extra):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3", "DANGJIAN_DEBUG": "false",
           "DANGJIAN_VAR_DIR": str(tmp_path)}
    env.update(extra)
    return env


@pytest.mark.parametrize("extra,variable", [
    ({}, "DANGJIAN_SECRET_KEY"),
    ({"DANGJIAN_SECRET_KEY": KEY, "DANGJIAN_ALLOWED_HOSTS": ""}, "DANGJIAN_ALLOWED_HOSTS"),
])
def test_the_server_refuses_to_start_without_a_key_or_hosts(tmp_path, extra, variable):
    env = base_env(tmp_path, **extra)
    result = run([sys.executable, "-c", "import dangjian.wsgi"], {**env, "DANGJIAN_SECRET_KEY": extra.get(
        "DANGJIAN_SECRET_KEY", "insecure-dev-key-change-me-for-production-0123456789")})
    assert result.returncode != 0 and "拒绝启动" in result.stderr and variable in result.stderr


def test_check_deploy_is_clean_once_the_tls_terminator_is_described(tmp_path):
    env = base_env(tmp_path, DANGJIAN_SECRET_KEY=KEY, DANGJIAN_HSTS_SECONDS="31536000", DANGJIAN_SSL_REDIRECT="1",
                   DANGJIAN_SECURE_COOKIES="1", DANGJIAN_BEHIND_TLS_PROXY="1", DANGJIAN_HSTS_INCLUDE_SUBDOMAINS="1")
    result = run([str(VENV_BIN / "dangjian"), "check", "--deploy"], env)
    assert result.returncode == 0 and "no issues" in result.stdout, result.stdout + result.stderr
    # without them, only the four TLS-dependent warnings remain (documented in the README)
    result = run([str(VENV_BIN / "dangjian"), "check", "--deploy"], base_env(tmp_path, DANGJIAN_SECRET_KEY=KEY))
    out = result.stdout + result.stderr
    assert {w for w in ("W004", "W008", "W012", "W016") if w in out} == {"W004", "W008", "W012", "W016"}
    assert "4 issues" in out



def test_gunicorn_serves_the_app_and_compressed_static_files(tmp_path):
    env = base_env(tmp_path, DANGJIAN_SECRET_KEY=KEY, DANGJIAN_STATIC_ROOT=str(tmp_path / "static"),
                   DANGJIAN_WORKERS="2")
    assert run([str(VENV_BIN / "dangjian"), "migrate", "--noinput"], env).returncode == 0
    assert run([str(VENV_BIN / "dangjian"), "collectstatic", "--noinput", "-v", "0"], env).returncode == 0
    port = free_port()
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                               "dangjian.wsgi"], cwd=ROOT, env={**clean_environ(), **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stderr.read().decode() if server.poll() is not None else "timeout")
                time.sleep(0.3)
        body = page.read().decode()
        assert page.status == 200 and "登录" in body
        css = next(part.split('"')[0] for part in body.split('href="') if part.startswith("/static/dangjian/app."))
        assert css != "/static/dangjian/app.css"  # a hashed name from the manifest
        request = urllib.request.Request(f"http://127.0.0.1:{port}{css}", headers={"Accept-Encoding": "gzip"})
        static = urllib.request.urlopen(request, timeout=5)
        assert static.status == 200 and static.headers.get("Content-Encoding") == "gzip"
        assert "max-age=315360000" in static.headers.get("Cache-Control", "")
    finally:
        server.terminate()  # by process id, never by name
        server.wait(timeout=30)


def test_database_urls_keep_their_options_and_postgresql_runs_without_jit():
    """Production 7, 8: options in the URL (sslmode) are honoured, reused connections are health-checked, and the
    JIT compiler is off unless the URL turns it on."""
    from dangjian.core.env import database_from_url

    pg = database_from_url("postgres://u:p@db.example:5432/dangjian?sslmode=verify-full", base_dir="/srv")
    assert pg["OPTIONS"]["sslmode"] == "verify-full" and pg["OPTIONS"]["options"] == "-c jit=off"
    assert pg["CONN_HEALTH_CHECKS"] and pg["CONN_MAX_AGE"] == 60
    on = database_from_url("postgres://u@db/dangjian?options=-c%20jit%3Don", base_dir="/srv")
    assert on["OPTIONS"]["options"] == "-c jit=on"
    lite = database_from_url("sqlite:///var/x.sqlite3", base_dir="/srv")
    assert lite["NAME"] == "/srv/var/x.sqlite3" and "cache_size" in lite["OPTIONS"]["init_command"]


def test_the_app_connection_to_postgresql_has_jit_off(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of make test)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
