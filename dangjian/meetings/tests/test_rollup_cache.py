"""The compliance roll-up kept in the cache under the database's generation (core.generations): never a figure
past a committed write, whichever table the write touched."""
import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dangjian.core import generations
from dangjian.factories import MemberFactory, make_committee, make_org
from dangjian.meetings import compliance
from dangjian.meetings.models import Rule
from dangjian.orgs.models import Organization

from .test_compliance import Q2, TODAY, hold


def cached(world, user=None):
    org = Organization.objects.get(pk=world.orgs.group.pk)
    return {r.key: (r.met, r.due, r.overdue) for r in compliance.rollup_for(user or world.users.group_admin, org, Q2, TODAY)}


def computed(world):
    org = Organization.objects.get(pk=world.orgs.group.pk)
    return {r.key: (r.met, r.due, r.overdue) for r in compliance.rollup(org, Q2, Organization.objects.all(), TODAY)}


def test_every_table_the_rollup_reads_bumps_its_generation(world):
    """A table read by the roll-up but not watched would serve a stale figure after a write to it."""
    make_committee(world.orgs.a1, MemberFactory.create_batch(3, organization=world.orgs.a1))
    with CaptureQueriesContext(connection) as queries:
        computed(world)
    tables = {t for q in queries.captured_queries for t in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', q["sql"])}
    assert tables - set(compliance.CACHE_TABLES) == set(), "watch these tables in CACHE_TABLES (and a migration)"


def test_the_cached_rollup_follows_every_kind_of_write(world, django_assert_max_num_queries):
    assert cached(world) == computed(world)
    with django_assert_max_num_queries(5):  # a hit: the organization, the generation and the rules — no roll-up
        cached(world)
    writes = [
        lambda: hold(world.orgs.a1, "general_assembly", datetime.date(2026, 5, 4), others=[world.orgs.b1]),
        lambda: Rule.objects.create(organization=world.orgs.b, meeting_kind="general_assembly", org_kind="branch",
                                    period="quarter", min_count=2),
        lambda: Organization.objects.filter(pk=world.orgs.a2.pk).update(dissolved_on=datetime.date(2026, 5, 1)),
        lambda: make_committee(world.orgs.a1, MemberFactory.create_batch(3, organization=world.orgs.a1)),
        lambda: make_org("新建党支部", parent=world.orgs.a),
    ]
    before = cached(world)
    for write in writes:
        write()
        assert cached(world) == computed(world)
    assert cached(world) != before


def test_a_rolled_back_write_leaves_the_generation_and_a_committed_one_moves_it(world):
    start = generations.current(compliance.CACHE_TOPIC)
    with pytest.raises(RuntimeError), transaction.atomic():
        hold(world.orgs.a1, "general_assembly", datetime.date(2026, 5, 4))
        assert generations.current(compliance.CACHE_TOPIC) > start  # in the writing transaction
        raise RuntimeError
    assert generations.current(compliance.CACHE_TOPIC) == start
    hold(world.orgs.a1, "general_assembly", datetime.date(2026, 5, 4))
    assert generations.current(compliance.CACHE_TOPIC) > start


def test_a_partial_scope_is_computed_for_the_user_not_read_from_the_shared_figures(world):
    """The secretary sees the group's page only for A1: the shared figures count every branch."""
    mine = cached(world, world.users.secretary)
    assembly = mine[("general_assembly", "")]
    assert sum(assembly) == 1 and sum(cached(world)[("general_assembly", "")]) == 3
