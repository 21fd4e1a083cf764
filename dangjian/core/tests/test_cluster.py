"""Production 6: the cluster test (`make cluster-test`, part of `make test`).

On loopback: PostgreSQL, Redis, two gunicorn app servers behind the shipped nginx site, a Celery worker and beat,
the demo data. Then load (20 clients through nginx, p50/p95/p99 and throughput, no error), faults (an app server
killed mid-load, the worker killed in the middle of a 20,000-row import, PostgreSQL restarted under load with
every acknowledged write checked afterwards, Redis restarted with tasks waiting) and concurrent editors. Every
process is started here and stopped by its process id. Figures are printed one per line and, with
DANGJIAN_BENCH_RESULTS set (`make bench`), added to that file.
"""
import datetime
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .servers import (ROOT, Browser, clean_environ, env_template, form_fields, free_port, multipart, start_nginx, stop,
                      unit_command, wait_for)

BIN = Path(sys.executable).parent
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
PG_PORT = int(os.environ.get("DANGJIAN_CLUSTER_PG_PORT", 25433))
LOAD_SECONDS = int(os.environ.get("DANGJIAN_CLUSTER_LOAD_SECONDS", 60))
KEY = "cluster-test-" + "q7" * 24

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not (os.path.exists("/usr/sbin/nginx") and os.path.exists(REDIS)
                            and list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
                       reason="nginx, redis-server and PostgreSQL are installed by make test"),
]


def pg(*args):
    env = {**os.environ, "DANGJIAN_PG_PORT": str(PG_PORT), "DANGJIAN_PG_DIR": f"/tmp/dangjian-cluster-pg-{PG_PORT}"}
    return subprocess.run([str(ROOT / "scripts" / "pg-test-server.sh"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


class Cluster:
    def __init__(self, tmp):
        self.tmp = tmp
        self.redis_port = free_port()
        self.procs = {}
        self.app_ports = [free_port(), free_port()]

    # --- PostgreSQL, Redis --------------------------------------------------------------------------------------
    def start_redis(self):
        self.procs["redis"] = subprocess.Popen(
            [REDIS, "--bind", "127.0.0.1", "--port", str(self.redis_port), "--dir", str(self.tmp), "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no"],
            stdout=open(self.tmp / "redis.log", "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while subprocess.run(["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            assert time.monotonic() < deadline and self.procs["redis"].poll() is None, "redis did not start"
            time.sleep(0.2)

    def restart_redis(self):
        stop([self.procs["redis"]])  # SIGTERM: Redis writes its append-only file and exits
        self.start_redis()

    @property
    def env(self):
        # the shipped environment file (what EnvironmentFile= gives the units), with this machine's addresses;
        # the test speaks plain HTTP on loopback, so the TLS proxy settings are off
        return {**clean_environ(), **env_template(), "DATABASE_URL": self.database_url, "DANGJIAN_SECRET_KEY": KEY,
                "DANGJIAN_BEHIND_TLS_PROXY": "false", "DANGJIAN_SECURE_COOKIES": "false", "DANGJIAN_HSTS_SECONDS": "0",
                "DANGJIAN_CSRF_TRUSTED_ORIGINS": "", "DANGJIAN_VAR_DIR": str(self.tmp / "var"),
                "DANGJIAN_DEBUG": "false", "DANGJIAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DANGJIAN_STATIC_ROOT": str(self.tmp / "static"), "DANGJIAN_MEDIA_ROOT": str(self.tmp / "media"),
                "DANGJIAN_X_ACCEL_REDIRECT": "/protected/", "DANGJIAN_WORKERS": "2", "DANGJIAN_AXES_ENABLED": "false",
                "DANGJIAN_CELERY_BROKER": f"redis://127.0.0.1:{self.redis_port}/0",
                "DANGJIAN_CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
                "DANGJIAN_CELERY_VISIBILITY_TIMEOUT": "10", "DANGJIAN_EXPORT_TASK_ROWS": "1",
                "DANGJIAN_ACCESS_LOG": str(self.tmp / "access.log")}

    def dangjian(self, *args):
        return subprocess.run([str(BIN / "dangjian"), *args], cwd=ROOT, env=self.env, check=True, capture_output=True,
                              text=True)

    def sql(self, query, params=()):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    # --- app servers, worker, beat, nginx -----------------------------------------------------------------------
    # Every process is started from the shipped systemd unit's ExecStart and Environment (servers.unit_command):
    # the units are what runs here, not a copy of them.
    def start_app(self, i):
        port = self.app_ports[i]
        argv, unit_env, self.reload_app = unit_command("dangjian-web@.service", instance=port)
        self.procs[f"app{i}"] = subprocess.Popen(
            argv, cwd=ROOT, env={**self.env, **unit_env}, stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / f"gunicorn-{i}.log", "a"), start_new_session=True)
        wait_for(f"http://127.0.0.1:{port}/healthz", self.procs[f"app{i}"])

    def start_worker(self):
        # its own process group: the pool's child that runs the task dies with it
        argv, unit_env, _reload = unit_command("dangjian-worker.service")
        self.procs["worker"] = subprocess.Popen(
            [*argv, "--hostname", f"w{time.monotonic_ns()}@cluster"], cwd=ROOT, env={**self.env, **unit_env},
            stdout=open(self.tmp / "worker.log", "a"), stderr=subprocess.STDOUT, start_new_session=True)

    def start_beat(self):
        argv, unit_env, _reload = unit_command("dangjian-beat.service", var_dir=self.tmp)
        self.procs["beat"] = subprocess.Popen(argv, cwd=ROOT, env={**self.env, **unit_env},
                                              stdout=open(self.tmp / "beat.log", "a"), stderr=subprocess.STDOUT)

    def kill_group(self, name, sig=signal.SIGKILL):
        proc = self.procs.pop(name)
        os.killpg(proc.pid, sig)  # the group this test started, by its id
        proc.wait(timeout=60)

    def start(self):
        pg("destroy")
        self.database_url = pg("start")
        self.start_redis()
        for args in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v", "0"], ["load_demo"]):
            self.dangjian(*args)
        self.start_app(0)
        self.start_app(1)
        self.start_worker()
        self.start_beat()
        nginx, self.url = start_nginx(self.tmp, self.app_ports, self.tmp / "static", self.tmp / "media")
        self.procs["nginx"] = nginx
        wait_for(self.url + "/healthz", nginx)

    def stop(self):
        for name in [n for n in self.procs if n == "worker" or n.startswith("app")]:
            try:
                self.kill_group(name, signal.SIGTERM)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        stop(list(self.procs.values()))
        pg("destroy")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        c.start()
        yield c
    finally:
        c.stop()


def report(figures):
    """One line per figure; added to DANGJIAN_BENCH_RESULTS (bench-results.json) when `make bench` runs this."""
    for name, value, unit in figures:
        print(f"cluster.{name:<40} {value:>10.1f} {unit}")
    path = os.environ.get("DANGJIAN_BENCH_RESULTS")
    if path:
        data = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        for name, value, unit in figures:
            data[f"cluster.{name}"] = {"value": round(value, 2), "unit": unit}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def ids(cluster):
    root = cluster.sql("SELECT id FROM orgs_organization WHERE code = 'G'")[0][0]
    branch = cluster.sql("SELECT id FROM orgs_organization WHERE code = 'SW03'")[0][0]
    return root, branch


def record_meeting(browser, branch, topic, day):
    """The answer to saving a meeting, or to opening its form if that was refused."""
    path = f"/meetings/org/{branch}/new/theme_day/"
    status, page, _h = browser.get(path)
    if status != 200:
        return status
    fields = form_fields(page, "topic")
    return browser.post(path, {**fields, "topic": topic, "held_on": day.isoformat(), "status": "held"})[0]


def edit_member(browser, member, phone):
    path = f"/members/{member}/edit/"
    status, page, _h = browser.get(path)
    if status != 200:
        return status
    return browser.post(path, {**form_fields(page, "phone"), "phone": phone})[0]


def server_errors(cluster, most=3):
    """The app servers' logged errors other than the expected 503s (each with the lines that follow it: gunicorn's
    own tracebacks are multi-line), for a failure message that says what broke."""
    import json

    found = []
    for log in sorted(cluster.tmp.glob("gunicorn-*.log")):
        lines = log.read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if "ERROR" not in line or "Service Unavailable" in line:
                continue
            try:  # the JSON log format: the message and the end of the traceback (where the error is named)
                record = json.loads(line)
                found.append(f"{record.get('message')}\n…{record.get('exception', '')[-2500:]}")
            except ValueError:
                found.append("\n".join(lines[i:i + 30])[-4000:])
    return "\n---\n".join(found[:most]) or "(nothing)"


# --- load ---------------------------------------------------------------------------------------------------------

def test_load_twenty_clients_through_nginx(cluster):
    root, branch = ids(cluster)
    def plan(org):
        return [("member_list", f"/members/?org={org}"), ("compliance_rollup", f"/meetings/org/{org}/compliance/"),
                ("org_detail", f"/orgs/{org}/")]

    timings, errors, stop_at = {}, [], time.monotonic() + LOAD_SECONDS
    lock = threading.Lock()
    day = datetime.date.today() - datetime.timedelta(days=1)

    def client(n):  # 16 group admins read the whole group; 4 branch secretaries read and record their branch
        secretary = n % 5 == 0
        browser = Browser(cluster.url).login("shuji" if secretary else "admin")
        pages = plan(branch if secretary else root)
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            started = time.perf_counter()
            if secretary and i % 3 == 0:
                kind, status = "meeting_post", record_meeting(browser, branch, f"负载测试{n}-{i}", day)
                ok = status == 302
            else:
                kind, path = pages[(n + i) % len(pages)]
                status, _body, _h = browser.get(path)
                ok = status == 200
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.setdefault(kind, []).append(elapsed)
                if not ok:
                    errors.append((kind, status))

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    every = [t for values in timings.values() for t in values]
    figures = [("load.requests", len(every), "req"), ("load.throughput", len(every) / duration, "req/s"),
               ("load.p50", percentile(every, 50), "ms"), ("load.p95", percentile(every, 95), "ms"),
               ("load.p99", percentile(every, 99), "ms"), ("load.errors", len(errors), "")]
    for kind, values in sorted(timings.items()):
        figures += [(f"load.{kind}.count", len(values), "req"), (f"load.{kind}.p50", percentile(values, 50), "ms"),
                    (f"load.{kind}.p95", percentile(values, 95), "ms"), (f"load.{kind}.p99", percentile(values, 99), "ms")]
    report(figures)
    assert not errors, errors[:10]
    assert set(timings) == {"member_list", "compliance_rollup", "org_detail", "meeting_post"}
    posted = timings["meeting_post"]
    assert cluster.sql("SELECT count(*) FROM meetings_meeting WHERE topic LIKE '负载测试%%'")[0][0] == len(posted)


# --- faults -------------------------------------------------------------------------------------------------------

def test_an_app_server_killed_mid_load_nginx_fails_over(cluster):
    root, _branch = ids(cluster)
    results, stop_flag = [], threading.Event()

    def client():
        browser = Browser(cluster.url).login("admin")
        while not stop_flag.is_set():
            status, _b, _h = browser.get(f"/members/?org={root}")
            results.append((time.monotonic(), status))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(3)
    killed_at = time.monotonic()
    cluster.kill_group("app0")  # the app server and its workers crash
    time.sleep(6)
    stop_flag.set()
    for t in threads:
        t.join(timeout=60)
    cluster.start_app(0)
    after = [s for at, s in results if at > killed_at + 1]  # in-flight requests may fail
    report([("fault.app_killed.requests_after", len(after), "req"),
            ("fault.app_killed.errors_after", sum(s != 200 for s in after), "")])
    assert len(after) > 10 and all(s == 200 for s in after), sorted(set(after))


def roster_file(rows, on_file, branch_code):
    """A 20,000-row roster for a branch (ID numbers that are not on file; names 导00000…)."""
    from dangjian.demo.benchmarks import write_roster_file

    out = io.BytesIO()
    write_roster_file(out, [branch_code], rows, on_file, prefix="导")
    return out.getvalue()


def wait_job(cluster, job, until, seconds=120, every=0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = cluster.sql("SELECT status, stage, done, attempts, result::text FROM core_job WHERE id = %s", [job])[0]
        if until(*row):
            return row
        time.sleep(every)
    raise AssertionError(f"job {job}: {row}")


def test_the_worker_killed_mid_import_the_import_is_all_or_nothing(cluster):
    browser = Browser(cluster.url).login("admin")
    fields = browser.form("/members/import/", "file")
    body, content_type = multipart(fields, {"file": ("二万人.xlsx", roster_file(
        20000, [r[0] for r in cluster.sql("SELECT id_number FROM members_member")],
        cluster.sql("SELECT code FROM orgs_organization WHERE kind = 'branch' AND code <> 'SW03' ORDER BY code")[0][0]))})
    status, _b, headers = browser.post("/members/import/", body, content_type=content_type)
    assert status == 302, status
    check = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    status_, _s, _d, _a, result = wait_job(cluster, check, lambda s, *r: s in ("done", "failed"), every=0.2)
    assert status_ == "done" and json.loads(result)["error_count"] == 0, result
    status, _b, headers = browser.post("/members/import/confirm/", browser.form(f"/jobs/{check}/", "job"))
    assert status == 302
    job = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def imported():
        return cluster.sql("SELECT count(*) FROM members_member WHERE name LIKE '导%%'")[0][0]

    # kill the worker as it writes (or, at the latest, while it checks the rows)
    wait_job(cluster, job, lambda s, stage, *r: stage == "写入数据库" or s in ("done", "failed"))
    cluster.kill_group("worker")
    killed = wait_job(cluster, job, lambda *r: True)
    assert killed[0] == "running", f"the import finished before the worker could be killed: {killed}"
    assert imported() == 0  # the write transaction died with the worker: none, never half
    time.sleep(11)  # systemd restarts the worker; by then the task's visibility timeout (10 s here) has passed
    started = time.monotonic()
    cluster.start_worker()  # and the broker redelivers the unacknowledged task as the worker starts
    final = wait_job(cluster, job, lambda s, *r: s in ("done", "failed"), seconds=180, every=0.5)
    report([("fault.worker_killed.redelivered_after", time.monotonic() - started, "s"),
            ("fault.worker_killed.attempts", final[3], "")])
    assert final[0] == "done" and json.loads(final[4])["created"] == 20000 and final[3] >= 2, final
    assert imported() == 20000


def test_postgresql_restarted_under_load_every_acknowledged_write_is_kept(cluster):
    _root, branch = ids(cluster)
    members = [r[0] for r in cluster.sql(
        "SELECT id FROM members_member WHERE organization_id = %s AND ended_on IS NULL ORDER BY id LIMIT 4", [branch])]
    acknowledged_meetings, member_writes, statuses = [], {m: [] for m in members}, []
    stop_flag = threading.Event()
    day = datetime.date.today() - datetime.timedelta(days=2)

    def recorder(n):
        browser = Browser(cluster.url).login("shuji")
        i = 0
        while not stop_flag.is_set():
            i += 1
            topic = f"重启测试{n}-{i}"
            status = record_meeting(browser, branch, topic, day)
            statuses.append((time.monotonic(), status))
            if status == 302:
                acknowledged_meetings.append(topic)

    def editor(member):
        browser = Browser(cluster.url).login("shuji")
        i = 0
        while not stop_flag.is_set():
            i += 1
            phone = f"139{member % 1000:03d}{i:05d}"
            status = edit_member(browser, member, phone)
            statuses.append((time.monotonic(), status))
            member_writes[member].append((phone, status))

    threads = [threading.Thread(target=recorder, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=editor, args=(m,)) for m in members]
    for t in threads:
        t.start()
    time.sleep(4)
    restarted_at = time.monotonic()
    pg("restart")
    back_at = time.monotonic()
    time.sleep(8)
    stop_flag.set()
    for t in threads:
        t.join(timeout=60)
    kept = {r[0] for r in cluster.sql("SELECT topic FROM meetings_meeting WHERE topic LIKE '重启测试%%'")}
    lost = [t for t in acknowledged_meetings if t not in kept]
    for member, writes in member_writes.items():
        last_ok = max((i for i, (_p, s) in enumerate(writes) if s == 302), default=None)
        phone = cluster.sql("SELECT phone FROM members_member WHERE id = %s", [member])[0][0]
        # the last acknowledged value, or one written after it (whose answer the outage swallowed)
        assert last_ok is not None and phone in [p for p, _s in writes[last_ok:]], (member, phone, writes[-5:])
    during = [s for at, s in statuses if restarted_at <= at <= back_at + 2]
    after = [s for at, s in statuses if at > back_at + 3]
    report([("fault.pg_restart.seconds", back_at - restarted_at, "s"),
            ("fault.pg_restart.acknowledged_writes", len(acknowledged_meetings) + sum(
                s == 302 for w in member_writes.values() for _p, s in w), ""),
            ("fault.pg_restart.lost_writes", len(lost), ""),
            ("fault.pg_restart.refused_during", sum(s != 302 for s in during), "")])
    assert not lost, lost
    assert {s for _at, s in statuses} <= {302, 503}, "during a database restart the app answers 503 (retry), never 500, " \
        "and nginx keeps both app servers (no 502). The app servers logged:\n" + server_errors(cluster)
    assert after and all(s == 302 for s in after), sorted(set(after))  # recovered without restarting the app


def test_redis_restarted_with_tasks_waiting_no_task_is_lost(cluster):
    cluster.kill_group("worker", signal.SIGTERM)  # no worker: the tasks wait in Redis
    browser = Browser(cluster.url).login("admin")
    jobs = []
    for gender in ("M", "F", ""):
        status, _b, headers = browser.get(f"/members/export.xlsx?gender={gender}")
        assert status == 302
        jobs.append(int(headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert {r[0] for r in cluster.sql("SELECT status FROM core_job WHERE id = ANY(%s)", [jobs])} == {"queued"}
    cluster.restart_redis()
    assert browser.get("/members/")[0] == 200  # the app reconnects to its cache by itself
    cluster.start_worker()
    for job in jobs:
        final = wait_job(cluster, job, lambda s, *r: s in ("done", "failed"), seconds=120, every=0.5)
        assert final[0] == "done", final
    assert browser.get(f"/jobs/{jobs[0]}/download/")[0] == 200


# --- concurrency --------------------------------------------------------------------------------------------------

def concurrent_editors(base, database_count, members, branch, *, editors=10, recorders=5, rounds=6):
    """10 clients editing different members and 5 recording meetings at once. Returns (lost updates, meetings
    missing, non-success answers)."""
    answers, final_phone, topics = [], {}, []
    lock = threading.Lock()
    day = datetime.date.today() - datetime.timedelta(days=3)

    def editor(member):
        browser = Browser(base).login("shuji")
        for i in range(rounds):
            phone = f"138{member % 1000:03d}{i:05d}"
            status = edit_member(browser, member, phone)
            with lock:
                answers.append(status)
                if status == 302:
                    final_phone[member] = phone

    def recorder(n):
        browser = Browser(base).login("shuji")
        for i in range(rounds):
            topic = f"并发测试{n}-{i}-{time.monotonic_ns()}"
            status = record_meeting(browser, branch, topic, day)
            with lock:
                answers.append(status)
                if status == 302:
                    topics.append(topic)

    threads = [threading.Thread(target=editor, args=(m,)) for m in members[:editors]]
    threads += [threading.Thread(target=recorder, args=(n,)) for n in range(recorders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    lost = [m for m, phone in final_phone.items() if database_count("phone", m) != phone]
    missing = [t for t in topics if not database_count("topic", t)]
    return lost, missing, [a for a in answers if a != 302]


def test_ten_member_editors_and_five_meeting_recorders_at_once_on_postgresql(cluster):
    _root, branch = ids(cluster)
    members = [r[0] for r in cluster.sql(
        "SELECT id FROM members_member WHERE organization_id = %s AND ended_on IS NULL ORDER BY id LIMIT 10", [branch])]

    def lookup(what, key):
        if what == "phone":
            return cluster.sql("SELECT phone FROM members_member WHERE id = %s", [key])[0][0]
        return cluster.sql("SELECT count(*) FROM meetings_meeting WHERE topic = %s", [key])[0][0]

    lost, missing, refused = concurrent_editors(cluster.url, lookup, members, branch)
    report([("concurrency.postgresql.lost_updates", len(lost), ""), ("concurrency.postgresql.refused", len(refused), "")])
    assert not lost and not missing and not refused, (lost, missing, refused)
    # five recorders counted the same branch and month at once: the kept compliance tally is still exact
    assert "一致" in cluster.dangjian("recompute", "--check").stdout


# --- the documentation --------------------------------------------------------------------------------------------

def documented_upgrade():
    """The commands of the README's upgrade procedure, in order (the backticked ones of that paragraph)."""
    import re

    text = (ROOT / "README.md").read_text()
    paragraph = text[text.index("**升级步骤。**"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    return [" ".join(c.split()) for c in re.findall(r"`([^`]+)`", paragraph)]


def test_the_documented_upgrade_runs_step_by_step_without_an_error_for_users(cluster):
    """Every command of the README's upgrade procedure, as written, against this cluster — while a user keeps
    reading pages through nginx: no answer but 200 during the reloads."""
    commands = documented_upgrade()
    assert commands[0].startswith("dangjian backup") and commands[-1].startswith("curl"), commands
    root, _branch = ids(cluster)
    statuses, stop_flag = [], threading.Event()

    def reader():
        browser = Browser(cluster.url).login("admin")
        while not stop_flag.is_set():
            statuses.append(browser.get(f"/orgs/{root}/")[0])

    thread = threading.Thread(target=reader)
    thread.start()
    ran = []
    try:
        for command in commands:
            argv = command.replace("/srv/dangjian/backup", str(cluster.tmp / "backup")).split()
            if argv[0] == "dangjian":
                cluster.dangjian(*argv[1:])
            elif argv[:2] == ["systemctl", "reload"]:  # the unit's ExecReload, with $MAINPID its gunicorn master
                i = sum(c.startswith("systemctl reload") for c in ran)  # the README's instances, in order
                _argv, _env, reload = unit_command("dangjian-web@.service", instance=cluster.app_ports[i])
                subprocess.run([a.replace("$MAINPID", str(cluster.procs[f"app{i}"].pid)) for a in reload], check=True)
                time.sleep(3)  # gunicorn starts new workers, then retires the old ones
            elif argv[:2] == ["systemctl", "restart"]:
                assert argv[2:] == ["dangjian-worker", "dangjian-beat"], argv
                cluster.kill_group("worker", signal.SIGTERM)  # a unit stop: SIGTERM, tasks are acknowledged late
                cluster.start_worker()
                stop([cluster.procs.pop("beat")])
                cluster.start_beat()
            elif argv[0] == "curl":
                status, body, _h = Browser(cluster.url).get("/healthz")
                assert status == 200 and json.loads(body)["status"] == "ok", body
            elif argv[:2] == ["pip", "install"]:
                continue  # the code under test is this checkout, already installed
            else:
                raise AssertionError(f"the upgrade procedure has a step this test does not know: {command}")
            ran.append(command)
    finally:
        stop_flag.set()
        thread.join(timeout=60)
    assert (cluster.tmp / "backup" / "before-upgrade").exists()
    assert any(c.startswith("systemctl reload") for c in ran) and statuses
    assert set(statuses) == {200}, sorted(set(statuses))
