"""core.generations: the generation only moves forward, only at commit, and survives folding its rows."""
import pytest
from django.db import connection, transaction

from dangjian.core import generations
from dangjian.core.models import Generation

pytestmark = pytest.mark.django_db


def test_folding_the_rows_keeps_the_generation():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps one row per topic")
    Generation.objects.bulk_create([Generation(topic="t", n=1) for _ in range(generations.COMPACT_AT + 50)])
    assert generations.current("t") == generations.COMPACT_AT + 50
    assert Generation.objects.filter(topic="t").count() == 1
    assert generations.current("t") == generations.COMPACT_AT + 50


def test_a_restore_moves_every_generation_past_those_issued_before_it():
    Generation.objects.create(topic="t", n=5)
    before = generations.issued()
    with transaction.atomic():  # what a restore does: an older table comes back
        Generation.objects.filter(topic="t").update(n=2)
    generations.move_past(before)
    assert generations.current("t") > 5


def test_every_cached_figures_tables_have_their_triggers_in_the_database():
    """The lists the figures are computed from (checked against their SQL by the apps' tests) against what the
    migrations installed: a table added to a list needs a migration watching it."""
    from dangjian.meetings.compliance import CACHE_TABLES, CACHE_TOPIC
    from dangjian.members.tally import ROSTER_TABLES, ROSTER_TOPIC

    assert generations.unwatched(CACHE_TOPIC, CACHE_TABLES) == []
    assert generations.unwatched(ROSTER_TOPIC, ROSTER_TABLES) == []
    assert generations.unwatched(ROSTER_TOPIC, ["meetings_rule"]) == ["meetings_rule"]  # the check can fail
