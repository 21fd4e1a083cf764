"""The roster page kept in the cache per user scope and query, under the roster generation (core.generations):
a committed write to anything it shows is on the next page view; one user's page is never another's."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts import roles
from dangjian.factories import MemberFactory, grant
from dangjian.members.importer import import_roster
from dangjian.members.models import Member
from dangjian.members.tally import ROSTER_TABLES
from dangjian.members.views import MemberListView
from dangjian.orgs.models import Organization

from .roster_files import good_row, workbook

TABLES = re.compile(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?')


def page(client, **params):
    return client.get(reverse("members:list"), params).content.decode()


def test_every_table_the_kept_content_reads_bumps_the_roster_generation(world, login, monkeypatch):
    """Every query made while rendering the kept content; a table among them not watched would be served stale."""
    captured = []
    render_list = MemberListView.render_list

    def capturing(self, template):
        with CaptureQueriesContext(connection) as queries:
            html = render_list(self, template)
        captured.extend(q["sql"] for q in queries.captured_queries)
        return html

    monkeypatch.setattr(MemberListView, "render_list", capturing)
    client = login(world.users.group_admin)
    page(client, org=world.orgs.a.pk)
    page(client, org=world.orgs.a.pk, status="full")
    assert len(captured) >= 6  # twice the organization, the members, the count, the parents' names
    page(client, org=world.orgs.a.pk)
    assert len(captured) < 12  # kept: not rendered again
    tables = {t for sql in captured for t in TABLES.findall(sql)}
    assert tables - set(ROSTER_TABLES) == set()


def test_a_committed_write_is_on_the_next_page_view(world, login):
    client = login(world.users.group_admin)
    member = world.members.a1[1]
    assert member.name in page(client)
    Member.objects.filter(pk=member.pk).update(name="改名后")  # any write path: queryset, form, import, SQL
    html = page(client)
    assert "改名后" in html and member.name not in html
    MemberFactory(organization=world.orgs.a2, name="新来的")
    assert "新来的" in page(client)
    Organization.objects.filter(pk=world.orgs.a2.pk).update(name="第二党支部（改）")
    assert "第二党支部（改）" in page(client, org=world.orgs.a.pk)
    # a bulk import (on SQLite its per-row triggers are suspended for the insert and the generation moved once)
    assert not import_roster(workbook([good_row("A2", name="导入者")])).errors
    assert "导入者" in page(client, org=world.orgs.a.pk)
    MemberFactory(organization=world.orgs.a2, name="导入之后")  # the triggers are back
    assert "导入之后" in page(client, org=world.orgs.a.pk)


def test_one_users_page_is_never_anothers(world, login, client):
    admin_page = page(login(world.users.group_admin))
    secretary_page = page(login(world.users.secretary))
    assert world.members.b1[0].name in admin_page and world.members.b1[0].name not in secretary_page
    # a new grant is a new scope: the secretary's kept page is not served for it
    grant(world.users.secretary, world.orgs.b1, roles.BRANCH_COMMITTEE)
    assert world.members.b1[0].name in page(login(world.users.secretary))


def test_full_id_numbers_follow_the_grant_not_the_kept_page(world, login):
    member = world.members.a2[0]
    client = login(world.users.inspector)
    before = page(client)
    grant(world.users.inspector, world.orgs.a, roles.ORG_ADMIN)
    after = page(client)
    assert (member.id_number in after) != (member.id_number in before)
