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

from .servers import ROOT, clean_environ, free_port, start_nginx, stop, wait_for

BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"
KEY = "deploy-test-" + "z9" * 24

pytestmark = [pytest.mark.once,
              pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (make test installs it)")]



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
    proxy, url = start_nginx(tmp_path, ports, tmp_path / "static", tmp_path / "media")
    try:
        for port, app in zip(ports, apps):
            wait_for(f"http://127.0.0.1:{port}/healthz", app)
        wait_for(f"{url}/healthz", proxy)
        yield {"url": url, "apps": apps, "env": env, "tmp": tmp_path}
    finally:
        stop([proxy, *apps])


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
                    "m = Meeting.objects.filter(organization__code='SW03').exclude(attendance__member__user__username='dangyuan').first(); "
                    "Attachment.objects.create(meeting=m, name='纪要.pdf', size=12, file=ContentFile(b'%PDF-1.4 deploy', name='纪要.pdf'))"],
                   cwd=ROOT, env=cluster["env"], check=True)
    import sqlite3

    with sqlite3.connect(cluster["tmp"] / "db.sqlite3") as db:
        att_id, path = db.execute("SELECT id, file FROM meetings_attachment ORDER BY id DESC LIMIT 1").fetchone()
    body = admin.open(f"{base}/meetings/attachments/{att_id}/").read()
    assert body == b"%PDF-1.4 deploy"
    outsider = opener()
    login(outsider, base, "dangyuan")  # a member of SW03: only the meetings they were due at are theirs to read
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


def test_ten_member_editors_and_five_meeting_recorders_at_once_on_sqlite(cluster):
    """Production 4 and 6 on SQLite: two app servers writing one database file — 0 lost updates, and no "database
    is locked" (nor any other refusal) reaching a user."""
    import sqlite3

    from .test_cluster import concurrent_editors

    db = cluster["tmp"] / "db.sqlite3"
    with sqlite3.connect(db) as conn:
        branch = conn.execute("SELECT id FROM orgs_organization WHERE code = 'SW03'").fetchone()[0]
        members = [r[0] for r in conn.execute(
            "SELECT id FROM members_member WHERE organization_id = ? AND ended_on IS NULL ORDER BY id LIMIT 10", [branch])]

    def lookup(what, key):
        with sqlite3.connect(db) as conn:
            if what == "phone":
                return conn.execute("SELECT phone FROM members_member WHERE id = ?", [key]).fetchone()[0]
            return conn.execute("SELECT count(*) FROM meetings_meeting WHERE topic = ?", [key]).fetchone()[0]

    lost, missing, refused = concurrent_editors(cluster["url"], lookup, members, branch)
    assert not lost and not missing and not refused, (lost, missing, refused)
    assert "database is locked" not in "".join(p.read_text() for p in cluster["tmp"].glob("gunicorn-*.log"))
