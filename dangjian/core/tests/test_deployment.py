"""Production 2, 5, 6 (part): the shipped deploy/nginx.conf in front of two gunicorn app servers, on loopback.

Through nginx: pages and /healthz answer; an upload is served by nginx from the protected location only after the
app's scope check (and /protected/ itself is not reachable); kill one app server mid-load — nginx fails over and
every request after that still answers. Every process is started here and stopped by its process id."""
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from .servers import ROOT, clean_environ, free_port

BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"
KEY = "deploy-test-" + "z9" * 24

pytestmark = [pytest.mark.once,
              pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (make test installs it)")]



def wait_for(url, proc, seconds=40):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError as e:
            return e
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not come up")
            time.sleep(0.3)


@pytest.fixture
def cluster(tmp_path):
    env = {**clean_environ(), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "DANGJIAN_SECRET_KEY": KEY,
           "DANGJIAN_DEBUG": "false", "DANGJIAN_STATIC_ROOT": str(tmp_path / "static"),
           "DANGJIAN_MEDIA_ROOT": str(tmp_path / "media"), "DANGJIAN_X_ACCEL_REDIRECT": "/protected/",
           "DANGJIAN_WORKERS": "1", "DANGJIAN_AXES_ENABLED": "false"}
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([str(BIN / "dangjian"), *args], cwd=ROOT, env=env, check=True, capture_output=True)
    apps, ports = [], [free_port(), free_port()]
    for port in ports:
        apps.append(subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--bind",
                                      f"127.0.0.1:{port}", "dangjian.wsgi"], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"gunicorn-{port}.log", "w")))
    web = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (site.replace("127.0.0.1:8001", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8002", f"127.0.0.1:{ports[1]}")
            .replace("listen 80;", f"listen 127.0.0.1:{web};").replace("/srv/dangjian/static/", f"{tmp_path}/static/")
            .replace("/srv/dangjian/media/", f"{tmp_path}/media/"))
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx" / "nginx.conf").write_text(f"""{user}
worker_processes 1; pid {tmp_path}/nginx/nginx.pid; error_log {tmp_path}/nginx/error.log;
events {{ worker_connections 256; }}
http {{ include /etc/nginx/mime.types; access_log {tmp_path}/nginx/access.log;
  client_body_temp_path {tmp_path}/nginx/body; proxy_temp_path {tmp_path}/nginx/proxy;
  fastcgi_temp_path {tmp_path}/nginx/fcgi; uwsgi_temp_path {tmp_path}/nginx/uwsgi; scgi_temp_path {tmp_path}/nginx/scgi;
  include {tmp_path}/nginx/site.conf; }}
""")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen([NGINX, "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf"),
                              "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port, app in zip(ports, apps):
            wait_for(f"http://127.0.0.1:{port}/healthz", app)
        wait_for(f"http://127.0.0.1:{web}/healthz", proxy)
        yield {"url": f"http://127.0.0.1:{web}", "apps": apps, "env": env, "tmp": tmp_path}
    finally:
        for p in [proxy, *apps]:
            if p.poll() is None:
                p.terminate()
        for p in [proxy, *apps]:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def login(client, base, username):
    page = client.open(f"{base}/login/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode({"username": username, "password": "dangjian2026", "csrfmiddlewaretoken": token})
    client.open(urllib.request.Request(f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"}))


def test_nginx_serves_pages_static_and_protected_uploads_after_the_scope_check(cluster):
    base = cluster["url"]
    health = urllib.request.urlopen(f"{base}/healthz")
    assert health.status == 200 and b'"status": "ok"' in health.read()
    assert health.headers["X-Request-ID"]
    admin = opener()
    login(admin, base, "admin")
    home = admin.open(f"{base}/").read().decode()
    css = next(part.split('"')[0] for part in home.split('href="') if part.startswith("/static/dangjian/app."))
    assert urllib.request.urlopen(base + css).status == 200  # from STATIC_ROOT, by nginx
    # an upload, served by nginx from the protected location after the app said yes
    subprocess.run([str(BIN / "dangjian"), "shell", "-v", "0", "-c",
                    "from django.core.files.base import ContentFile; from dangjian.meetings.models import Attachment, Meeting; "
                    "m = Meeting.objects.filter(organization__code='SW03').first(); "
                    "Attachment.objects.create(meeting=m, name='纪要.pdf', size=12, file=ContentFile(b'%PDF-1.4 deploy', name='纪要.pdf'))"],
                   cwd=ROOT, env=cluster["env"], check=True)
    import sqlite3

    with sqlite3.connect(cluster["tmp"] / "db.sqlite3") as db:
        att_id, path = db.execute("SELECT id, file FROM meetings_attachment ORDER BY id DESC LIMIT 1").fetchone()
    body = admin.open(f"{base}/meetings/attachments/{att_id}/").read()
    assert body == b"%PDF-1.4 deploy"
    outsider = opener()
    login(outsider, base, "dangyuan")  # a member: meeting records are not theirs to read
    with pytest.raises(urllib.error.HTTPError) as refused:
        outsider.open(f"{base}/meetings/attachments/{att_id}/")
    assert refused.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as direct:
        urllib.request.urlopen(f"{base}/protected/{urllib.parse.quote(path)}")
    assert direct.value.code == 404  # internal: only through the app


def test_killing_one_app_server_mid_load_loses_no_request_after_the_in_flight_ones(cluster):
    base, apps = cluster["url"], cluster["apps"]
    results, stop = [], threading.Event()

    def client():
        c = opener()
        login(c, base, "admin")
        while not stop.is_set():
            try:
                results.append((time.monotonic(), c.open(f"{base}/members/", timeout=30).status))
            except urllib.error.HTTPError as e:
                results.append((time.monotonic(), e.code))
            except OSError:
                results.append((time.monotonic(), 0))

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(4)
    killed_at = time.monotonic()
    apps[0].kill()  # an app server crashes (by process id)
    apps[0].wait(timeout=10)
    time.sleep(6)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    after = [status for at, status in results if at > killed_at + 1]  # in-flight requests may fail
    assert len(after) > 10 and all(s == 200 for s in after), sorted(set(after))
    assert all(s == 200 for at, s in results if at < killed_at)
