"""Trust G1 and G3: walk the demo as each of its personas, the way a new user clicks around.

From the home page, follow every link and htmx fetch the UI shows (breadth first, bounded), and assert:
- no server error anywhere, and no 404/403 for a link the UI itself showed (no dead links for any persona);
- every download on the way holds only rows the persona may see;
- for personas without the right to full 身份证号, no response — HTML, JSON, xlsx, docx, iCalendar, the change
  log — contains anyone's full number but their own.
The page count per persona is written to var/crawl-report.json for the closing note.
"""
import io
import json
import re
import zipfile
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangjian.accounts.roles import VIEW_IDCARD
from dangjian.core.scope import grant_paths
from dangjian.demo.demo import USERS, load_demo
from dangjian.members.models import Member

LINK = re.compile(r"""(?:href|hx-get|action)=["']([^"'#]+)["']""")
ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9A-Za-z])")
SKIP = ("/logout/", "/i18n/", "/django-admin/", "/static/", "/api/docs/", "/api/schema/", "/password/")
MAX_PAGES = 300  # per persona: enough to reach every kind of page, bounded in time
PER_KIND = 4  # a few of each kind of page (several members' files, several meetings), not all 2,000


def links_in(body, base):
    out = []
    for raw in LINK.findall(body):
        url = urljoin(base, unescape(raw))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or url.startswith(("mailto:", "javascript:")):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIP):
            out.append(path)
    return out


def kind_of(path):
    """Fold list pages that only differ by page number or filter value, so the crawl spreads out."""
    parts = urlsplit(path)
    stem = re.sub(r"/\d+(?=/|\.|$)", "/N", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return stem, tuple(keys)


def text_of(response):
    """Every string a person could read in the response, whatever its format."""
    ctype = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in ctype or "wordprocessingml" in ctype:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return " ".join(unescape(re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8", "replace")))
                            for n in z.namelist() if n.endswith(".xml")), body, ctype
    return body.decode("utf-8", "replace"), body, ctype


def roster_rows(body):
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body), read_only=True)["花名册"]
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if r and r[0]]


def crawl(user, all_ids):
    client = Client()
    client.force_login(user)
    own = set(Member.objects.filter(user=user).values_list("id_number", flat=True))
    may_see_ids = user.is_superuser or bool(grant_paths(user, VIEW_IDCARD))
    visible = set(Member.objects.visible_to(user).values_list("name", "organization__name"))
    queue, seen_kinds, seen = deque([("/", None)]), {}, set()
    problems, pages, downloads = [], 0, 0
    while queue and pages < MAX_PAGES:
        path, came_from = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, HTTP_HX_REQUEST="true" if "/live/" in path or "/children/" in path else None)
        pages += 1
        status = response.status_code
        if status >= 500 or status in (403, 404):
            problems.append(f"{status} {path} (linked from {came_from})")
            continue
        if status in (301, 302):
            location = response["Location"]
            if "/login/" in location:
                problems.append(f"login required for {path} (linked from {came_from})")
            elif location not in seen:
                queue.append((location, path))
            continue
        text, body, ctype = text_of(response)
        if not may_see_ids:
            leaked = {n for n in ID_LIKE.findall(text) if n in all_ids} - own
            if leaked:
                problems.append(f"full 身份证号 in {path}: {sorted(leaked)[:3]}")
        if "spreadsheetml" in ctype and ("/members/export" in path or came_from and came_from.startswith("/jobs/")):
            downloads += 1
            outside = [r for r in roster_rows(body) if (r[0], r[15]) not in visible]
            if outside:
                problems.append(f"{path} exports {len(outside)} rows outside the scope, e.g. {outside[0][:2]}")
        elif "text/html" not in ctype:
            downloads += 1
            continue
        for link in links_in(text, path):
            kind = kind_of(link)
            if seen_kinds.get(kind, 0) >= PER_KIND or link in seen:
                continue
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            queue.append((link, path))
    return problems, pages, downloads


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module (loading it takes seconds; the crawl only reads); its uploads (the
    evidence of points items) in a media directory of its own, which each test points MEDIA_ROOT at."""
    from django.core.management import call_command
    from django.test import override_settings

    media = str(tmp_path_factory.mktemp("demo-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        load_demo()
    yield media
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        # flush also removes what data migrations put in: the national default rulebooks
        from dangjian.meetings.defaults import ensure_default_rules
        from dangjian.meetings.models import Rule
        from dangjian.points.defaults import ensure_default_point_rules
        from dangjian.points.models import PointRule

        ensure_default_rules(Rule)
        ensure_default_point_rules(PointRule)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("username", [u[0] for u in USERS])
def test_each_demo_persona_walks_the_app_without_errors_leaks_or_dead_links(demo, username, monkeypatch, settings):
    from dangjian.core import jobs

    settings.MEDIA_ROOT = demo

    # a large export is a background job: run it when queued (as the embedded install does), so the crawl reaches
    # its page and its download and checks the file's rows like any export
    monkeypatch.setattr(jobs.transaction, "on_commit", lambda fn: fn())
    user = get_user_model().objects.get(username=username)
    all_ids = set(Member.objects.values_list("id_number", flat=True))
    problems, pages, downloads = crawl(user, all_ids)
    report = Path("var/crawl-report.json")
    report.parent.mkdir(exist_ok=True)
    figures = json.loads(report.read_text()) if report.exists() else {}
    figures[username] = {"pages": pages, "downloads": downloads}
    report.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    assert pages >= (10 if username == "dangyuan" else 40), f"the crawl reached only {pages} pages as {username}"
    assert not problems, f"{username}: " + "\n".join(problems[:30])
