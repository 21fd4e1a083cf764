"""`dangjian bench`: the figures the issues set targets for, measured on whatever database is configured.

Each figure is one line on stdout and one entry in bench-results.json ({name: {value, unit, target, met}}),
so later issues add their figures to the same report.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.utils import timezone
from django.urls import reverse


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float  # an upper bound (a lower bound with at_least, e.g. requests per second)
    at_least: bool = False

    @property
    def met(self):
        return self.value >= self.target if self.at_least else self.value <= self.target

    def line(self):
        bound = "≥" if self.at_least else "≤"
        return (f"{self.name:<42} {self.value:>10.1f} {self.unit:<5} target {bound} {self.target:g} {self.unit:<5} "
                f"{'met' if self.met else 'MISSED'}")


def vendor():
    return connection.vendor  # "sqlite" or "postgresql"


def median_ms(fn, runs=5, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def paired_medians_ms(first, second, runs=5):
    """(median of first, median of second), the runs interleaved: a ratio of two timings should not depend on
    which of them a background burst (autovacuum, a checkpoint) happened to overlap."""
    first(), second()
    a, b = [], []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(a), statistics.median(b)


def page_time(client, url, params):
    def get():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        response.content  # noqa: B018 — render fully

    return median_ms(get)


def run_child(args):
    """Run a dangjian command in a child process; (seconds, peak RSS in MB) of that child alone, as the
    child reports it (its VmHWM): wait4's maxrss would include this large parent's peak."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dangjian.cli", *args, "--report-memory"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed: {proc.stderr[-500:]}")
    kb = int(proc.stdout.rsplit("peak_rss_kb=", 1)[1].split()[0])
    return elapsed, kb / 1024


def build_import_file(path, root, count, used):
    """An .xlsx of `count` new members on the generated branches (ID numbers not yet on file)."""
    from dangjian.orgs.models import Organization

    codes = list(Organization.objects.filter(path__startswith=root.path, kind="branch").values_list("code", flat=True))
    write_roster_file(path, codes, count, used)


def write_roster_file(out, codes, count, used, *, prefix=""):
    """A roster workbook of `count` generated people spread over the organizations `codes`, with 身份证号 not in
    `used`; names start with `prefix` and the row number when one is given (so a test can find them)."""
    import random

    from openpyxl import Workbook

    from dangjian.members.roster import HEADERS

    from . import names

    rng = random.Random(99)
    used = set(used)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(HEADERS)
    for i in range(count):
        name, gender, born = names.person(rng)
        number = names.id_number(rng, born, gender, used)
        joined = born.replace(year=born.year + 22, day=1)
        ws.append([f"{prefix}{i:05d}{name}" if prefix else name, "男" if gender == "M" else "女", "汉族", born, number, "",
                   "大学本科", "", "", joined, joined.replace(year=joined.year + 1), "正式党员", "在职", codes[i % len(codes)], ""])
    wb.save(out)


def run(members, *, log=print, load=True):
    """Every figure for a generated group of `members`; `load` adds the gunicorn load figures on PostgreSQL
    (off where the data is not committed for another process to see, as in the test of this function)."""
    from django.contrib.auth import get_user_model

    from dangjian.members.exporter import write_roster  # noqa: F401 — imported to fail early if missing
    from dangjian.members.importer import import_roster
    from dangjian.members.models import Member

    from .generate import generate, generated_root, remove_generated

    prefix = vendor()
    figures = []
    root = generated_root()
    if root is None or Member.objects.in_subtree(root).count() != members:
        log(f"[{prefix}] 生成 {members} 名党员的压测数据…")
        remove_generated()
        started = time.perf_counter()
        root = generate(members, log=log)
        log(f"[{prefix}] 生成用时 {time.perf_counter() - started:.1f} s")
    from dangjian.meetings.models import MeetingOrganization

    from .generate import SECRETARY_PREFIX, generate_meetings, generate_people_and_pairings

    if not MeetingOrganization.objects.filter(organization__path__startswith=root.path).exists():
        log(f"[{prefix}] 生成两年的会议和出勤…")
        generate_meetings(root, log=log)
    if not get_user_model().objects.filter(username__startswith=SECRETARY_PREFIX).exists():
        log(f"[{prefix}] 生成账号和共建协议…")
        generate_people_and_pairings(root, log=log)
    with connection.cursor() as c:
        # PostgreSQL: VACUUM too, so the tally's index-only scans need not visit the table (visibility map)
        c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" and not connection.in_atomic_block else "ANALYZE")

    figures.append(Figure(f"{prefix}.subtree_member_count", median_ms(
        lambda: Member.objects.on_roll().in_subtree(root).count()), "ms", 100))

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_admin"))
    figures.append(Figure(f"{prefix}.member_list_page", page_time(client, reverse("members:list"), {"org": root.pk}), "ms", 100))
    name = Member.objects.in_subtree(root).order_by("id").values_list("name", flat=True)[members // 2]
    figures.append(Figure(f"{prefix}.member_search", page_time(client, reverse("members:list"), {"q": name}), "ms", 100))
    initials = Member.objects.in_subtree(root).order_by("id").values_list("name_initials", flat=True)[members // 3]
    figures.append(Figure(f"{prefix}.member_search_pinyin", page_time(client, reverse("members:list"), {"q": initials}), "ms", 100))
    figures.append(Figure(f"{prefix}.org_tree_page", page_time(client, reverse("orgs:tree"), {}), "ms", 100))
    figures.append(Figure(f"{prefix}.org_tree_children", page_time(client, reverse("orgs:children", args=[root.pk]), {}), "ms", 100))
    figures.append(Figure(f"{prefix}.org_detail_page_root", page_time(client, reverse("orgs:detail", args=[root.pk]), {}), "ms", 100))
    figures.append(Figure(f"{prefix}.home_page", page_time(client, reverse("home"), {}), "ms", 100))
    figures += persona_figures(root, client, prefix)

    from django.utils import timezone

    from dangjian.meetings import ledger
    from dangjian.meetings.models import Meeting
    from dangjian.orgs.models import Organization

    today = timezone.localdate()
    figures += rollup_figures(root, today, prefix)
    branch = Organization.objects.filter(path__startswith=root.path, kind="branch").order_by("path").first()
    figures.append(Figure(f"{prefix}.branch_compliance_page",
                          page_time(client, reverse("meetings:compliance", args=[branch.pk]), {}), "ms", 100))
    figures.append(Figure(f"{prefix}.ledger_xlsx_branch_year", median_ms(lambda: ledger.ledger_xlsx(branch, today.year, Meeting.objects.all()), runs=3), "ms", 5000))
    figures.append(Figure(f"{prefix}.ledger_docx_branch_year", median_ms(lambda: ledger.ledger_docx(branch, today.year, Meeting.objects.all()), runs=3), "ms", 5000))

    figures += points_figures(root, prefix)
    figures += dues_figures(root, prefix)
    figures += recruitment_figures(root, prefix)
    figures += brands_figures(root, prefix)
    figures += learning_figures(root, prefix)
    figures.append(reminder_figure(prefix))
    if load and prefix == "postgresql":  # the load targets are for PostgreSQL through gunicorn
        # A settled database: the reminder job just wrote tens of thousands of rows, and the autovacuum that
        # follows would otherwise take one of the two cores in the middle of a load figure.
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        figures += load_figures(root, prefix)

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "export.xlsx")
        seconds, rss = run_child(["export_roster", out, "--org", root.code])
        if not os.path.exists(out) or os.path.getsize(out) < members * 20:
            raise RuntimeError("export_roster did not write the expected file")
        figures.append(Figure(f"{prefix}.export_time", seconds, "s", 60))
        figures.append(Figure(f"{prefix}.export_peak_rss", rss, "MB", 300))

        src = os.path.join(tmp, "import.xlsx")
        log(f"[{prefix}] 生成 {members} 行导入文件…")
        build_import_file(src, root, members, set(Member.objects.values_list("id_number", flat=True)))
        last_id = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
        started = time.perf_counter()
        with open(src, "rb") as fh:
            result = import_roster(fh, user=None, commit=True)
        elapsed = time.perf_counter() - started
        if result.errors:
            raise RuntimeError(f"bench import failed: {result.errors[:5]}")
        figures.append(Figure(f"{prefix}.import_time", elapsed, "s", 10))
        remove_imported(last_id)
    return figures


WRK_REPORT = """done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def load_figures(root, prefix, seconds=None, clients=20):
    """Each of the issue's pages through gunicorn (the shipped deploy/gunicorn.conf.py, workers sized to the cores)
    for `seconds` with `clients` concurrent connections of a logged-in group admin: requests per second and
    p50/p95/p99. The load comes from wrk (Debian's package: a C client, so the machine's two cores go to the
    server, not to the load generator); without wrk, from Python threads, which take a third of the CPU."""
    import shutil

    from django.contrib.auth import get_user_model

    from dangjian.core.tests.servers import ROOT, Browser, clean_environ, free_port, stop, wait_for

    seconds = seconds or float(os.environ.get("BENCH_LOAD_SECONDS", 20))
    admin = get_user_model().objects.get(username="bench_admin")
    admin.set_password("dangjian2026")
    admin.save()
    port = free_port()
    pages = [("member_list", f"/members/?org={root.pk}", 200, 150), ("compliance_rollup", f"/meetings/org/{root.pk}/compliance/", 500, 0),
             ("org_detail", f"/orgs/{root.pk}/", 500, 0)]
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**clean_environ(), "DANGJIAN_SECRET_KEY": "bench-" + "k" * 50, "DANGJIAN_DEBUG": "false",
               "DANGJIAN_ALLOWED_HOSTS": "127.0.0.1", "DANGJIAN_AXES_ENABLED": "false", "DANGJIAN_ACCESS_LOG": "/dev/null",
               "DANGJIAN_STATIC_ROOT": os.path.join(tmp, "static")}
        subprocess.run([sys.executable, "-m", "dangjian.cli", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        app = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                "--bind", f"127.0.0.1:{port}", "dangjian.wsgi"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base + "/healthz", app)
            browsers = [Browser(base).login("bench_admin") for _ in range(1 if shutil.which("wrk") else clients)]
            for name, path, p95_target, rate_target in pages:
                assert browsers[0].get(path)[0] == 200, path  # logged in, and the page answers
                if shutil.which("wrk"):
                    result = _wrk(base + path, browsers[0], seconds, clients, tmp)
                else:
                    result = _threads(path, browsers, seconds)
                rate, p50, p95, p99, errors = result
                figures += [Figure(f"{prefix}.load_{name}_throughput", rate, "req/s", rate_target, at_least=True),
                            Figure(f"{prefix}.load_{name}_p50", p50, "ms", p95_target),
                            Figure(f"{prefix}.load_{name}_p95", p95, "ms", p95_target),
                            Figure(f"{prefix}.load_{name}_p99", p99, "ms", 4 * p95_target),
                            Figure(f"{prefix}.load_{name}_errors", errors, "", 0)]
        finally:
            stop([app])
    return figures


def _wrk(url, browser, seconds, clients, tmp):
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    script = os.path.join(tmp, "report.lua")
    with open(script, "w") as fh:
        fh.write(WRK_REPORT)
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", script,
                          "-H", f"Cookie: {cookie}", url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, bad_status, socket_errors = map(int, line.split()[1:])
    return requests / (duration_us / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, bad_status + socket_errors


def _threads(path, browsers, seconds):
    import threading

    times, errors, stop_at = [], [], time.monotonic() + seconds

    def client(browser):
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status, _b, _h = browser.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=client, args=(b,)) for b in browsers]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = len(times) / (time.monotonic() - began)
    times.sort()

    def pct(q):
        return times[min(len(times) - 1, int(round(q / 100 * (len(times) - 1))))] if times else 0.0

    return rate, pct(50), pct(95), pct(99), len(errors)


def reminder_figure(prefix):
    """The daily reminder job for every account of the generated group (Production issue: ≤ 60 s, set-based)."""
    from dangjian.reminders.models import Reminder
    from dangjian.reminders.services import remind_all

    from .generate import SECRETARY_PREFIX

    mine = Reminder.objects.filter(user__username__startswith=SECRETARY_PREFIX[:-1])
    mine.delete()
    started = time.perf_counter()
    remind_all(email=False)
    elapsed = time.perf_counter() - started
    if not mine.exists():
        raise RuntimeError("the daily reminder job stored no reminder for the generated accounts")
    mine.delete()
    return Figure(f"{prefix}.daily_reminders", elapsed, "s", 60)


def persona_figures(root, admin, prefix):
    """The paths a group admin and a branch secretary take with 1,000 agreements in force (Production issue:
    constant queries; meeting list and API ≤ 100 ms for any persona; co-building overview ≤ 300 ms)."""
    from django.contrib.auth import get_user_model
    from django.test.utils import CaptureQueriesContext

    from dangjian.orgs.models import Organization

    from .generate import SECRETARY_PREFIX

    secretary = Client()
    secretary.force_login(get_user_model().objects.get(username=f"{SECRETARY_PREFIX}00001"))
    branch = Organization.objects.get(code="GENB00001")
    figures = []
    for who, client, name, url in [
            ("admin", admin, "cobuilding_overview", reverse("cobuilding:overview")),
            ("admin", admin, "agreement_list", reverse("cobuilding:list")),
            ("admin", admin, "meeting_list", reverse("meetings:list", args=[root.pk])),
            ("admin", admin, "meetings_api", "/api/meetings/"),
            ("secretary", secretary, "meeting_list", reverse("meetings:list", args=[branch.pk])),
            ("secretary", secretary, "meetings_api", "/api/meetings/"),
            ("secretary", secretary, "member_list", reverse("members:list"))]:
        target = 300 if name == "cobuilding_overview" else 100
        figures.append(Figure(f"{prefix}.{who}_{name}", page_time(client, url, {}), "ms", target))
    with CaptureQueriesContext(connection) as q:
        admin.get(reverse("cobuilding:overview"))
    figures.append(Figure(f"{prefix}.admin_cobuilding_overview_queries", len(q.captured_queries), "", 25))
    return figures


def remove_imported(last_id):
    """Remove the benchmark's imported members and their change-log rows, so the bench can run again.
    purge() rather than delete(): delete() would load 100,000 members and log each deletion."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from dangjian.members.models import Member

    from .builder import purge

    with transaction.atomic():
        purge(Member.objects.filter(id__gt=last_id))
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Member), object_id__gt=last_id).delete()


def write_report(figures, path, append):
    report = {}
    if append and os.path.exists(path):
        with open(path) as fh:
            report = json.load(fh)
    for f in figures:
        report[f.name] = {"value": round(f.value, 2), "unit": f.unit, "target": f.target, "met": f.met}
    with open(path, "w") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2)


def hand_written_rollup(root, chosen, today):
    """The compliance roll-up as ONE hand-written SQL statement (UNION ALL of a join + GROUP BY per rule) over
    the same meeting tally the app reads, the yardstick the app's ORM roll-up is measured against."""
    from dangjian.meetings import compliance
    from dangjian.meetings.periods import rule_spans

    parts, params = [], []
    for rule, include, exclude in compliance.rule_groups(root):
        if not rule.enabled:
            continue
        spans = [s for s in rule_spans(rule.period, chosen) if s.start <= today]
        if not spans:
            continue
        column = "lectured" if rule.condition == "secretary_lectured" else "held"
        sums = ", ".join(f"SUM(CASE WHEN t.month BETWEEN %s AND %s THEN t.{column} ELSE 0 END) AS c{i}"
                         for i in range(len(spans)))
        sum_params = [p for s in spans for p in (s.start, s.end)]
        short = [f"(COALESCE(c.c{i}, 0) < %s AND (o.founded_on IS NULL OR o.founded_on <= %s) "
                 f"AND (o.dissolved_on IS NULL OR o.dissolved_on >= %s))" for i in range(len(spans))]
        overdue = [(sql, [rule.min_count, s.start, s.end]) for sql, s in zip(short, spans) if s.end < today]
        due = [(sql, [rule.min_count, s.start, s.end]) for sql, s in zip(short, spans) if s.end >= today]
        overdue_sql = " OR ".join(sql for sql, _p in overdue) or "1=0"
        due_sql = " OR ".join(sql for sql, _p in due) or "1=0"
        committee = (" AND EXISTS (SELECT 1 FROM orgs_committeemember cm JOIN orgs_committee k ON k.id = cm.committee_id"
                     " WHERE k.organization_id = o.id AND k.elected_on <= %s AND (k.ended_on IS NULL OR k.ended_on >= %s)"
                     " GROUP BY cm.committee_id HAVING COUNT(*) >= 3)"
                     if rule.requires_committee else "")
        excl = "".join(" AND o.path NOT LIKE %s" for _e in exclude)
        parts.append(
            f"SELECT %s AS rule, verdict, COUNT(*) AS n FROM ("
            f" SELECT o.id, CASE WHEN {overdue_sql} THEN 'overdue' WHEN {due_sql} THEN 'due' ELSE 'met' END AS verdict"
            f" FROM orgs_organization o LEFT JOIN ("
            f"  SELECT t.organization_id AS org, {sums} FROM meetings_meetingtally t"
            f"  WHERE t.kind = %s AND t.month BETWEEN %s AND %s"
            f"  GROUP BY t.organization_id) c ON c.org = o.id"
            f" WHERE o.kind = %s AND o.path LIKE %s{excl}{committee}) t GROUP BY verdict")
        params += ([f"{rule.meeting_kind}:{rule.condition}"] + [p for _s, ps in overdue for p in ps]
                   + [p for _s, ps in due for p in ps] + sum_params
                   + [rule.meeting_kind, spans[0].start, spans[-1].end, rule.org_kind, include + "%"]
                   + [e + "%" for e in exclude] + ([chosen.end, chosen.start] if rule.requires_committee else []))
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for key, verdict, n in cursor.fetchall():
            result.setdefault(key, {"met": 0, "due": 0, "overdue": 0})[verdict] += n
    return result


def hand_written_points(root, year):
    """Every member's year points as ONE hand-written SQL statement over the same rules (a UNION ALL of a grouped
    join per rule and subtree, capped per bucket), the yardstick for points.engine.year_points."""
    import datetime

    from dangjian.core import rulebook
    from dangjian.points.models import PointRule

    pg = connection.vendor == "postgresql"
    least, greatest = ("LEAST", "GREATEST") if pg else ("MIN", "MAX")
    def bucket(period, day):
        if pg:
            return f"date_trunc('{period}', {day})"
        # a year's bucket is the year itself: a bare constant in GROUP BY would be read as a column number
        return {"month": f"strftime('%%m', {day})", "quarter": f"(CAST(strftime('%%m', {day}) AS INTEGER) - 1) / 3",
                "year": f"strftime('%%Y', {day})"}[period]

    # a quiz is dated by the local day it was submitted (the engine's submitted_at__date, in TIME_ZONE)
    from django.conf import settings

    local = (f"CAST(at.submitted_at AT TIME ZONE '{settings.TIME_ZONE}' AS date)" if pg  # the function Django registers
             else f"django_datetime_cast_date(at.submitted_at, '{settings.TIME_ZONE}', 'UTC')")
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    parts, params = [], []
    for rule, include, exclude in rulebook.groups(PointRule.objects.all(), root):
        if not rule.enabled or rule.source == "manual":  # (the bench has no manual items)
            continue
        p10 = int(rule.points * 10)
        where = "m.ended_on IS NULL AND o.path LIKE %s AND o.path LIKE %s" + " AND o.path NOT LIKE %s" * len(exclude)
        where_params = [root.path + "%", include + "%", *(e + "%" for e in exclude)]
        if rule.source == "base":
            parts.append(f"SELECT m.id AS mid, {p10} AS pts FROM members_member m"
                         f" JOIN orgs_organization o ON o.id = m.organization_id WHERE {where}")
            params += where_params
            continue
        cond, cond_params = "", []
        if rule.source == "training":  # courses attended (学习培训)
            source = ("learning_courseattendance a JOIN learning_course c ON c.id = a.course_id"
                      " JOIN members_member m ON m.id = a.member_id")
            who, day, dated = "a.member_id", "c.held_on", "c.held_on BETWEEN %s AND %s"
        elif rule.source == "quiz":  # a contest's first attempt scoring 60 or more
            source = "learning_attempt at JOIN members_member m ON m.id = at.member_id"
            who, day = "at.member_id", local
            dated = (f"at.submitted_at IS NOT NULL AND at.score >= 60 AND {local} BETWEEN %s AND %s AND NOT EXISTS ("
                     "SELECT 1 FROM learning_attempt e WHERE e.contest_id = at.contest_id AND e.member_id = at.member_id"
                     " AND e.submitted_at IS NOT NULL AND e.score >= 60 AND e.id < at.id)")
        elif rule.source in ("host", "lecturer"):
            who = "mt.host_id" if rule.source == "host" else "mt.lecturer_member_id"
            source = f"meetings_meeting mt JOIN members_member m ON m.id = {who}"
            day, dated = "mt.held_on", "mt.status = 'held' AND mt.held_on BETWEEN %s AND %s"
        else:
            source = "meetings_attendance a JOIN meetings_meeting mt ON mt.id = a.meeting_id JOIN members_member m ON m.id = a.member_id"
            day, dated = "mt.held_on", "mt.status = 'held' AND mt.held_on BETWEEN %s AND %s"
            who, cond, cond_params = "a.member_id", " AND a.status = %s", ["absent" if rule.source == "absent" else "present"]
            if rule.source == "cobuilding":
                cond += " AND mt.id IN (SELECT ca.meeting_id FROM cobuilding_activity ca WHERE ca.meeting_id IS NOT NULL)"
        if rule.meeting_kind:
            cond, cond_params = cond + " AND mt.kind = %s", cond_params + [rule.meeting_kind]
        total = f"COUNT(*) * {p10}"
        group = who
        if rule.capped:
            cap = int(rule.cap * 10)
            total = f"{least}({total}, {cap})" if p10 >= 0 else f"{greatest}({total}, {-cap})"
            group += f", {bucket(rule.cap_period, day)}"
        parts.append(f"SELECT {who} AS mid, {total} AS pts FROM {source} JOIN orgs_organization o ON o.id = m.organization_id"
                     f" WHERE {dated}{cond} AND {where} GROUP BY {group}")
        params += [start, end, *cond_params, *where_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT mid, SUM(pts) FROM ({' UNION ALL '.join(parts)}) lines GROUP BY mid", params)
        return {mid: int(total) for mid, total in cursor.fetchall()}


def points_figures(root, prefix):
    """双积分 at scale (Issue 10): every member's year points, app vs hand-written SQL (the same totals), a branch's
    board, a 党总支's board and a member's ledger."""
    from django.contrib.auth import get_user_model

    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization
    from dangjian.points import engine

    year = __import__("django.utils.timezone", fromlist=["localdate"]).localdate().year
    members = Member.objects.on_roll().filter(organization__path__startswith=root.path)
    app, hand = {}, {}
    app_ms = median_ms(lambda: app.update(engine.year_points(members, year, scan=True)), runs=3)
    sql_ms = median_ms(lambda: hand.update(hand_written_points(root, year)), runs=3)
    if {k: int(v * 10) for k, v in app.items()} != hand:
        raise RuntimeError("year points: the app and the hand-written SQL disagree")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_admin"))
    branch = Organization.objects.filter(path__startswith=root.path, kind="branch").order_by("path").first()
    general = Organization.objects.filter(path__startswith=root.path, kind="general_branch").order_by("path").first()
    member = Member.objects.filter(organization=branch).order_by("pk").first()
    figures = [Figure(f"{prefix}.points_year_all_app", app_ms / 1000, "s", 5),
               Figure(f"{prefix}.points_year_all_sql", sql_ms / 1000, "s", 5),
               Figure(f"{prefix}.points_year_all_ratio", app_ms / sql_ms if sql_ms else 0, "x", 1.5),
               Figure(f"{prefix}.points_board_branch", page_time(client, reverse("points:board", args=[branch.pk]), {}), "ms", 100),
               Figure(f"{prefix}.points_ledger", page_time(client, reverse("points:ledger", args=[member.pk]), {}), "ms", 100)]
    if general is not None:
        figures.append(Figure(f"{prefix}.points_board_general_branch",
                              page_time(client, reverse("points:board", args=[general.pk]), {}), "ms", 1000))
    # 星级党小组 across the company, from what every branch published (published once here, timed as a figure)
    from dangjian.points.groups import groups_under, ranking
    from dangjian.points.services import publish_unpublished_branches

    admin = get_user_model().objects.get(username="bench_admin")
    started = time.perf_counter()
    published = publish_unpublished_branches(org=root, year=year, by=admin)
    if published:
        figures.append(Figure(f"{prefix}.points_publish_all_branches", time.perf_counter() - started, "s", 60))
    count = {}
    figures.append(Figure(f"{prefix}.points_group_ranking_company", median_ms(
        lambda: count.update(n=len(ranking(groups_under(root, admin), year))), runs=3), "ms", 300))
    if not count["n"]:
        raise RuntimeError("the company group ranking ranked no group")
    figures.append(Figure(f"{prefix}.points_group_ranking_page", page_time(client, reverse("points:groups", args=[root.pk]), {}), "ms", 300))
    return figures


def recruitment_figures(root, prefix):
    """发展党员 at scale: five people in the pipeline per branch (25,000 in a group of 5,000 branches, written
    set-based once), and the pipeline board of the group root — stages per organization below it."""
    from django.contrib.auth import get_user_model

    from dangjian.recruitment.models import Candidate

    if not Candidate.objects.filter(organization__path__startswith=root.path).exists():
        stages = ["applicant", "activist", "prospect", "probationary", "applicant"]
        picks = " UNION ALL ".join(f"SELECT {n} AS n, '{s}' AS stage" for n, s in enumerate(stages, 1))
        with connection.cursor() as c:
            c.execute("INSERT INTO recruitment_candidate (organization_id, name, id_number, phone, unit, stage, "
                      "stop_reason, created_at) SELECT o.id, '申请人' || CAST(o.id AS TEXT) || '-' || CAST(k.n AS TEXT), "
                      "'B' || CAST(o.id AS TEXT) || '-' || CAST(k.n AS TEXT), '', '', k.stage, '', %s "
                      f"FROM orgs_organization o CROSS JOIN ({picks}) k WHERE o.kind = 'branch' AND o.path LIKE %s",
                      [timezone.now(), root.path + "%"])
            c.execute("INSERT INTO recruitment_steprecord (candidate_id, step, done_on, passed, note, attachment, "
                      "recorded_at) SELECT c.id, 'application', %s, %s, '', '', %s FROM recruitment_candidate c "
                      "JOIN orgs_organization o ON o.id = c.organization_id WHERE o.path LIKE %s",
                      [timezone.localdate(), True, timezone.now(), root.path + "%"])
            c.execute("ANALYZE")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_admin"))
    return [Figure(f"{prefix}.recruitment_board_root",
                   page_time(client, reverse("recruitment:board", args=[root.pk]), {}), "ms", 300)]


def brands_figures(root, prefix):
    """三张名片 at scale (issue 11): a brand and a project (with two milestones, one overdue) for every branch of the
    group — 5,000 each, written set-based once — and the group root's portfolio page."""
    import datetime

    from django.contrib.auth import get_user_model

    from dangjian.brands.models import Brand, Theme
    from dangjian.brands.portfolio import build
    from dangjian.brands.models import Project

    today = timezone.localdate()
    if not Brand.objects.filter(organization__path__startswith=root.path).exists():
        Theme.ensure_defaults()
        themes = list(Theme.objects.values_list("pk", flat=True))
        branches = "FROM orgs_organization o WHERE o.kind = 'branch' AND o.path LIKE %s"
        stage = "CASE o.id %% 5 WHEN 0 THEN 'declared' WHEN 1 THEN 'cultivating' WHEN 2 THEN 'accepted' " \
                "WHEN 3 THEN 'named' ELSE 'cultivating' END"
        with connection.cursor() as c:
            c.execute("INSERT INTO brands_brand (organization_id, name, slogan, connotation, theme_id, measures, stage, "
                      f"declared_on, version) SELECT o.id, '品牌' || CAST(o.id AS TEXT), '', '内涵', "
                      f"CASE o.id %% 3 WHEN 0 THEN {themes[0]} WHEN 1 THEN {themes[1]} ELSE {themes[2]} END, '', {stage}, "
                      f"%s, 1 {branches}", [today - datetime.timedelta(days=200), root.path + "%"])
            c.execute("INSERT INTO brands_project (organization_id, year, kind, title, problem, goal, measures, status, "
                      f"started_on, version) SELECT o.id, %s, CASE WHEN o.id %% 7 = 0 THEN 'breakthrough' ELSE 'branch' END, "
                      f"'项目' || CAST(o.id AS TEXT), '问题', '目标', '', 'running', %s, 1 {branches} AND o.id %% 50 <> 0",
                      [today.year, datetime.date(today.year, 1, 10), root.path + "%"])
            for title, due in (("年中推进", today - datetime.timedelta(days=3)), ("年终总结", today + datetime.timedelta(days=30))):
                c.execute("INSERT INTO brands_milestone (project_id, title, due_on, note) SELECT p.id, %s, %s, '' "
                          "FROM brands_project p JOIN orgs_organization o ON o.id = p.organization_id WHERE o.path LIKE %s",
                          [title, due, root.path + "%"])
            c.execute("ANALYZE")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_admin"))
    return [Figure(f"{prefix}.brands_portfolio_root", page_time(client, reverse("brands:portfolio", args=[root.pk]), {}),
                   "ms", 300),
            Figure(f"{prefix}.brands_portfolio_figures_root",
                   median_ms(lambda: build(root, Brand.objects.all(), Project.objects.all(), today.year, today)), "ms", 300)]


def learning_figures(root, prefix):
    """学习培训 at scale: a class per branch with four 4-hour courses this year, every member enrolled and nine in ten
    at each course (some 360,000 attendance rows, written set-based once); the group root's hours roll-up page and
    the same figures hand-written in SQL."""
    import datetime

    from django.contrib.auth import get_user_model

    from dangjian.learning import services as learning
    from dangjian.learning.models import TrainingClass
    from dangjian.members.models import Member

    today = timezone.localdate()
    year = today.year
    if not TrainingClass.objects.filter(organization__path__startswith=root.path).exists():
        branches = "FROM orgs_organization o WHERE o.kind = 'branch' AND o.path LIKE %s"
        with connection.cursor() as c:
            c.execute("INSERT INTO learning_trainingclass (organization_id, title, starts_on, ends_on, place, video_link, "
                      "audience, description, checkin_token) SELECT o.id, '学习班', %s, %s, '', '', 'members', '', '' "
                      f"{branches}", [datetime.date(year, 1, 5), datetime.date(year, 10, 31), root.path + "%"])
            for month in (2, 4, 6, 8):
                c.execute("INSERT INTO learning_course (training_class_id, title, lecturer, held_on, hours) SELECT t.id, "
                          "'专题', '书记', %s, 4 FROM learning_trainingclass t JOIN orgs_organization o ON o.id = "
                          "t.organization_id WHERE o.path LIKE %s", [datetime.date(year, month, 15), root.path + "%"])
            c.execute("INSERT INTO learning_enrolment (training_class_id, member_id, enrolled_at) SELECT t.id, m.id, %s "
                      "FROM learning_trainingclass t JOIN members_member m ON m.organization_id = t.organization_id "
                      "JOIN orgs_organization o ON o.id = t.organization_id WHERE o.path LIKE %s",
                      [timezone.now(), root.path + "%"])
            c.execute("INSERT INTO learning_courseattendance (course_id, member_id) SELECT co.id, e.member_id "
                      "FROM learning_course co JOIN learning_enrolment e ON e.training_class_id = co.training_class_id "
                      "JOIN members_member m ON m.id = e.member_id JOIN orgs_organization o ON o.id = m.organization_id "
                      "WHERE o.path LIKE %s AND (e.member_id + co.id) %% 10 <> 0", [root.path + "%"])
            c.execute("ANALYZE")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_admin"))
    members = Member.objects.all()
    app = {o.pk: (n, met, avg) for o, n, met, _short, avg in learning.rollup(root, members, year)}
    hand = hand_written_hours(root, year)
    if app != hand:
        raise RuntimeError("training hours: the app and the hand-written SQL disagree")
    return [Figure(f"{prefix}.learning_hours_root_page", page_time(client, reverse("learning:hours", args=[root.pk]), {}),
                   "ms", 1000),
            Figure(f"{prefix}.learning_hours_rollup", median_ms(lambda: learning.rollup(root, members, year), runs=3), "ms", 1000),
            Figure(f"{prefix}.learning_hours_rollup_hand_sql", median_ms(lambda: hand_written_hours(root, year), runs=3),
                   "ms", 1000)]


def hand_written_hours(root, year):
    """{organization id: (members, met, hours)} per organization under the root, hand-written: each member's hours
    from the year's attendance, 56 for a committee seat that year, else 32."""
    import datetime

    from dangjian.orgs.models import Organization

    from decimal import Decimal

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    step = len(root.path) + Organization.steplen
    sql = f"""
        WITH h AS (SELECT a.member_id, SUM(c.hours) AS hours FROM learning_courseattendance a
                   JOIN learning_course c ON c.id = a.course_id WHERE c.held_on BETWEEN %s AND %s GROUP BY a.member_id),
             seat AS (SELECT DISTINCT s.member_id FROM orgs_committeemember s JOIN orgs_committee k ON k.id = s.committee_id
                      WHERE k.elected_on <= %s AND (k.ended_on IS NULL OR k.ended_on >= %s))
        SELECT SUBSTR(o.path, 1, {step}) AS child, COUNT(*),
               SUM(CASE WHEN COALESCE(h.hours, 0) >= CASE WHEN seat.member_id IS NULL THEN 32 ELSE 56 END THEN 1 ELSE 0 END),
               SUM(COALESCE(h.hours, 0))
        FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id
        LEFT JOIN h ON h.member_id = m.id LEFT JOIN seat ON seat.member_id = m.id
        WHERE o.path LIKE %s AND m.joined_on <= %s AND (m.ended_on IS NULL OR m.ended_on >= %s)
        GROUP BY SUBSTR(o.path, 1, {step})"""
    with connection.cursor() as c:
        c.execute(sql, [first, last, last, first, root.path + "%", last, first])
        rows = c.fetchall()
    orgs = dict(Organization.objects.filter(path__in=[r[0] for r in rows]).values_list("path", "pk"))
    return {orgs[child]: (n, int(met), round(Decimal(total or 0) / n, 1)) for child, n, met, total in rows if child in orgs}


def dues_bench_data(root, month):
    """党费 at scale: a base from January for every member of the group and the two months before `month` paid by
    nine in ten (the tenth never paid: six months behind by summer). Written set-based once; a rerun keeps them."""
    import datetime

    from dangjian.dues.models import DuesBase

    members = "FROM members_member m JOIN orgs_organization o ON o.id = m.organization_id WHERE o.path LIKE %s"
    if DuesBase.objects.filter(member__organization__path__startswith=root.path).exists():
        return
    january = datetime.date(month.year, 1, 1)
    with connection.cursor() as c, __import__("django.db.transaction", fromlist=["atomic"]).atomic():
        c.execute("INSERT INTO dues_duesbase (member_id, starts_on, category, income, note, declared_at) "
                  "SELECT m.id, %s, CASE WHEN m.category = 'retired' THEN 'retired' ELSE 'salaried' END, "
                  f"(m.id %% 1200) * 10 + 1999.99, '', %s {members}", [january, timezone.now(), root.path + "%"])
        for back in (1, 2):
            paid = (month.replace(day=1) - datetime.timedelta(days=1 + 31 * (back - 1))).replace(day=1)
            c.execute("INSERT INTO dues_payment (member_id, month, kind, amount, paid_on, receipt_no, reversed, reason, "
                      f"recorded_at) SELECT m.id, %s, 'regular', 10, %s, '', %s, '', %s {members} AND m.id %% 10 <> 0",
                      [paid, paid, False, timezone.now(), root.path + "%"])
        c.execute("ANALYZE")


def hand_written_dues_rollup(root, month):
    """The 党费 roll-up as ONE hand-written SQL statement (the yardstick for dues.services.rollup): per organization
    under the root, members owing, the month's dues by the rule in fen, paid, and six months behind."""
    from dangjian.dues import services
    from dangjian.orgs.models import Organization

    step = len(root.path) + Organization.steplen
    last_day = services.add_months(month, 1) - __import__("datetime").timedelta(days=1)
    flag_from = services.add_months(month, -services.ARREARS_FLAG)

    def fen(rate):
        return f"(CAST(ROUND(b.income * 100) AS INTEGER) * {rate} + 500) / 1000"

    sql = f"""
    SELECT SUBSTR(o.path, 1, {step}) AS child, COUNT(*), SUM(due), SUM(paid_amount) * 100, COUNT(paid_amount),
           SUM(CASE WHEN due IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN behind < %s THEN 1 ELSE 0 END)
    FROM (SELECT m.organization_id,
                 CASE WHEN b.category IS NULL THEN NULL
                      WHEN r.kind = 'exempt' THEN 0 WHEN r.kind = 'reduce' THEN CAST(ROUND(r.amount * 100) AS INTEGER)
                      WHEN b.category IN ('salaried', 'annual') THEN CASE WHEN b.income <= 3000 THEN {fen(5)}
                           WHEN b.income <= 5000 THEN {fen(10)} WHEN b.income <= 10000 THEN {fen(15)} ELSE {fen(20)} END
                      WHEN b.category = 'retired' THEN CASE WHEN b.income <= 5000 THEN {fen(5)} ELSE {fen(10)} END
                      WHEN b.category = 'farmer' THEN CAST(ROUND(b.income * 100) AS INTEGER) ELSE 20 END AS due,
                 p.amount AS paid_amount,
                 COALESCE((SELECT MAX(p2.month) FROM dues_payment p2 WHERE p2.member_id = m.id AND p2.kind = 'regular'
                           AND NOT p2.reversed),
                          CASE WHEN (SELECT MIN(b2.starts_on) FROM dues_duesbase b2 WHERE b2.member_id = m.id) <= %s
                                    AND m.joined_on < %s THEN %s ELSE %s END) AS behind
          FROM members_member m
          LEFT JOIN dues_duesbase b ON b.member_id = m.id AND b.starts_on <= %s
                                       AND (b.ends_on IS NULL OR b.ends_on >= %s)
          LEFT JOIN dues_payment p ON p.member_id = m.id AND p.month = %s AND p.kind = 'regular' AND NOT p.reversed
          LEFT JOIN dues_relief r ON r.member_id = m.id AND r.status = 'approved' AND r.starts_on <= %s
                                     AND r.ends_on >= %s
          WHERE m.joined_on <= %s AND (m.ended_on IS NULL OR m.ended_on >= %s)) x
    JOIN orgs_organization o ON o.id = x.organization_id
    WHERE o.path LIKE %s
    GROUP BY SUBSTR(o.path, 1, {step})"""
    import datetime

    with connection.cursor() as c:
        c.execute(sql, [flag_from, flag_from, services.add_months(flag_from, 1), datetime.date(1900, 1, 1),
                        datetime.date(9999, 12, 1), month, month, month, month, month, last_day, month, root.path + "%"])
        return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in c.fetchall()}


def dues_figures(root, prefix):
    """党费 at scale (the member-lifecycle issue): the month's dues of every member of the group by the rule in one
    statement, and the group-wide collection roll-up, app vs the same query hand-written (the same figures)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Sum

    from dangjian.dues import services
    from dangjian.members.models import Member

    month = timezone.localdate().replace(day=1)
    dues_bench_data(root, month)
    admin = get_user_model().objects.get(username="bench_admin")
    total = {}
    members = Member.objects.filter(organization__path__startswith=root.path)
    compute_ms = median_ms(lambda: total.update(services.due_in(members, month).aggregate(n=Count("pk"), fen=Sum("due_fen"))),
                           runs=3)
    if not total["n"] or not total["fen"]:
        raise RuntimeError("the month's dues computed nothing")
    app, hand = [], {}
    app_ms = median_ms(lambda: app.__setitem__(slice(None), services.rollup(root, admin, month)), runs=3)
    sql_ms = median_ms(lambda: hand.update(hand_written_dues_rollup(root, month)), runs=3)
    mine = {r.org.path: (r.members, r.due_fen, r.paid_fen, r.paid, r.no_base, r.flagged) for r in app}
    if mine != hand:
        raise RuntimeError("the dues roll-up: the app and the hand-written SQL disagree")
    return [Figure(f"{prefix}.dues_month_all_members", compute_ms / 1000, "s", 5),
            Figure(f"{prefix}.dues_rollup_app", app_ms, "ms", 500),
            Figure(f"{prefix}.dues_rollup_sql", sql_ms, "ms", 500),
            Figure(f"{prefix}.dues_rollup_ratio", app_ms / sql_ms if sql_ms else 0, "x", 1.5)]


def rollup_figures(root, today, prefix):
    """App roll-up vs the hand-written SQL for the last complete quarter; both must give the same numbers."""
    from django.contrib.auth import get_user_model

    from dangjian.meetings import compliance, periods
    from dangjian.orgs.models import Organization

    current = periods.containing("quarter", today)
    last = periods.containing("quarter", current.start - __import__("datetime").timedelta(days=1))
    admin = get_user_model().objects.get(username="bench_admin")
    app_rows = {}

    def app():
        app_rows.clear()
        for r in compliance.rollup(root, last, Organization.objects.visible_to(admin), today):
            app_rows[f"{r.key[0]}:{r.key[1]}"] = {"met": r.met, "due": r.due, "overdue": r.overdue}

    sql_rows = {}

    def hand():
        sql_rows.clear()
        sql_rows.update(hand_written_rollup(root, last, today))

    app_ms, sql_ms = paired_medians_ms(app, hand, runs=5)
    if {k: v for k, v in app_rows.items() if sum(v.values())} != sql_rows:
        raise RuntimeError(f"roll-up mismatch: app {app_rows} vs sql {sql_rows}")
    return [Figure(f"{prefix}.compliance_rollup_app", app_ms, "ms", 1000),
            Figure(f"{prefix}.compliance_rollup_sql", sql_ms, "ms", 1000),
            Figure(f"{prefix}.compliance_rollup_ratio", app_ms / sql_ms if sql_ms else 0, "x", 1.5)]
