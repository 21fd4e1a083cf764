"""`dangjian bench`: the figures the issues set targets for, measured on whatever database is configured.

Each figure is one line on stdout and one entry in bench-results.json ({name: {value, unit, target, met}}),
so later issues add their figures to the same report.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.urls import reverse


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float  # an upper bound

    @property
    def met(self):
        return self.value <= self.target

    def line(self):
        return f"{self.name:<42} {self.value:>10.1f} {self.unit:<3} target ≤ {self.target:g} {self.unit:<3} {'met' if self.met else 'MISSED'}"


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


def page_time(client, url, params):
    def get():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        response.content  # noqa: B018 — render fully

    return median_ms(get)


def run_child(args):
    """Run a dangjian command in a child process; (seconds, peak RSS in MB) of that child alone."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dangjian.cli", *args], stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"child {' '.join(args)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def build_import_file(path, root, count, used):
    """An .xlsx of `count` new members on the generated branches (ID numbers not yet on file)."""
    import random

    from openpyxl import Workbook

    from dangjian.members.roster import HEADERS
    from dangjian.orgs.models import Organization

    from . import names

    rng = random.Random(99)
    codes = list(Organization.objects.filter(path__startswith=root.path, kind="branch").values_list("code", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(HEADERS)
    for i in range(count):
        name, gender, born = names.person(rng)
        number = names.id_number(rng, born, gender, used)
        joined = born.replace(year=born.year + 22, day=1)
        ws.append([name, "男" if gender == "M" else "女", "汉族", born, number, "", "大学本科", "", "",
                   joined, joined.replace(year=joined.year + 1), "正式党员", "在职", codes[i % len(codes)], ""])
    wb.save(path)


def run(members, *, log=print):
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
    if prefix == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    elif prefix == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")

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
        figures.append(Figure(f"{prefix}.import_time", elapsed, "s", 60))
        remove_imported(last_id)
    return figures


def remove_imported(last_id):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from dangjian.members.models import Member

    ct = ContentType.objects.get_for_model(Member)
    LogEntry.objects.filter(content_type=ct, object_id__gt=last_id).delete()
    Member.objects.filter(id__gt=last_id).delete()


def write_report(figures, path, append):
    report = {}
    if append and os.path.exists(path):
        with open(path) as fh:
            report = json.load(fh)
    for f in figures:
        report[f.name] = {"value": round(f.value, 2), "unit": f.unit, "target": f.target, "met": f.met}
    with open(path, "w") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
