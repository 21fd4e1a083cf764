"""Shared personas: a group, two subsidiaries, branches — and the people who work in them.

group (集团党委)
├── A  神渭管运公司党委        ← inspector (inspector on A)
│   ├── A1 第一党支部          ← secretary (branch committee on A1); member (own record)
│   │   └── A1g 第一党小组
│   └── A2 第二党支部
└── B  渭化公司党委            ← outsider (org admin on B, a sibling subtree)
    └── B1 生产党支部
group_admin holds org admin on the group root.
"""
from types import SimpleNamespace

import pytest

from dangjian.accounts import roles
from dangjian.factories import MemberFactory, UserFactory, grant, make_org
from dangjian.orgs.models import OrgKind


@pytest.fixture
def world(db):
    from dangjian.brands.models import Theme

    Theme.ensure_defaults()  # data-migration rows are gone after a transactional (browser) test flushed the database
    group = make_org("示范集团党委", code="G")
    a = make_org("神渭管运公司党委", parent=group, kind=OrgKind.COMMITTEE, code="A")
    b = make_org("渭化公司党委", parent=group, kind=OrgKind.COMMITTEE, code="B")
    a1 = make_org("第一党支部", parent=a, code="A1")
    a2 = make_org("第二党支部", parent=a, code="A2")
    a1g = make_org("第一党小组", parent=a1, kind=OrgKind.GROUP, code="A1G")
    b1 = make_org("生产党支部", parent=b, code="B1")
    for o in (group, a, b, a1, a2, a1g, b1):
        o.refresh_from_db()

    users = SimpleNamespace(
        group_admin=UserFactory(username="group_admin"),
        secretary=UserFactory(username="secretary"),
        member=UserFactory(username="member"),
        inspector=UserFactory(username="inspector"),
        outsider=UserFactory(username="outsider"),
    )
    grant(users.group_admin, group, roles.ORG_ADMIN)
    grant(users.secretary, a1, roles.BRANCH_COMMITTEE)
    grant(users.inspector, a, roles.INSPECTOR)
    grant(users.outsider, b, roles.ORG_ADMIN)

    m_a1 = [MemberFactory(organization=a1, party_group=a1g) for _ in range(4)]
    m_a1[0].user = users.member
    m_a1[0].save()
    m_a2 = [MemberFactory(organization=a2) for _ in range(3)]
    m_b1 = [MemberFactory(organization=b1) for _ in range(3)]
    return SimpleNamespace(
        orgs=SimpleNamespace(group=group, a=a, b=b, a1=a1, a2=a2, a1g=a1g, b1=b1),
        users=users,
        members=SimpleNamespace(a1=m_a1, a2=m_a2, b1=m_b1, me=m_a1[0]),
    )


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_configure(config):
    from django.conf import settings

    # Hashing with PBKDF2's full work factor costs ~0.3 s per user; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user, viewport) → a logged-in Playwright page on the live server (logs in through the form)."""
    pages = []

    def _page(user, password="secret-pass-123", viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        pages.append(context)
        return page

    yield _page
    for c in pages:
        c.close()


@pytest.fixture
def screenshot_dir():
    import os
    from pathlib import Path

    path = Path(os.environ.get("DANGJIAN_SCREENSHOTS", "var/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Nothing a test leaves in the cache (a lock-out count, an inbox's refresh mark for a user id the next test's
    database reuses) reaches the next test."""
    from django.core.cache import cache

    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploads and job files of a test go to a directory of its own, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
