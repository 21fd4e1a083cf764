"""Figures cached until the data behind them changes: a generation per topic, bumped by the database.

A figure that is costly and read far more often than its data is written (the compliance roll-up of a group:
eight grouped queries over 5,000 branches, the same for everyone whose grant covers the group) is kept in the
shared cache under its topic's generation. Triggers on every table the figure reads bump the generation in the
writing transaction — forms, the API, imports, bulk loads, cascades, recompute, raw SQL alike — so the new value
becomes visible exactly when the write commits: a reader reads the generation first, then the data, and can
only ever store a result under a generation older than or equal to the data it saw; after a commit nobody reads
that key again. PostgreSQL bumps per statement, before the statement's own row locks (one lock order for every
writer: the generation row, then the rows); SQLite per row (it has no statement triggers; its one writer excludes
any other anyway). A restore moves every generation past any issued before it (the restored ones are older).
"""
import hashlib

from django.core.cache import cache
from django.db import DatabaseError, connection

PREFIX = "gen"
_BUMP_SQLITE = ("INSERT INTO core_generation (topic, n) VALUES ('{topic}', 1) "
                "ON CONFLICT (topic) DO UPDATE SET n = n + 1;")


def _name(topic, table, suffix=""):
    return f"gen_{topic}_{table}{suffix}"


def install(topic, tables, conn=None):
    """Bump `topic` on every write to `tables` (idempotent: drops and creates the triggers)."""
    conn = conn or connection
    remove(topic, tables, conn)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION core_generation_bump() RETURNS trigger AS $$\n"
                "BEGIN\n  INSERT INTO core_generation (topic, n) VALUES (TG_ARGV[0], 1)\n"
                "  ON CONFLICT (topic) DO UPDATE SET n = core_generation.n + 1;\n  RETURN NULL;\nEND\n$$ LANGUAGE plpgsql")
            for table in tables:
                cursor.execute(f"CREATE TRIGGER {_name(topic, table)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
                               f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION core_generation_bump('{topic}')")
        else:
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(f"CREATE TRIGGER {_name(topic, table, '_' + event.lower())} AFTER {event} ON {table}"
                                   f" BEGIN {_BUMP_SQLITE.format(topic=topic)} END")


def remove(topic, tables, conn=None):
    conn = conn or connection
    with conn.cursor() as cursor:
        for table in tables:
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(topic, table)} ON {table}")
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_name(topic, table, '_' + event)}")


def current(topic):
    """The topic's generation as this transaction sees it (0 before the first write)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM core_generation WHERE topic = %s", [topic])
        row = cursor.fetchone()
    return row[0] if row else 0


def issued():
    """{topic: generation} as now (before a restore replaces the table)."""
    from dangjian.core.models import Generation

    try:
        return dict(Generation.objects.values_list("topic", "n"))
    except DatabaseError:  # a database not migrated yet
        return {}


def move_past(issued_before):
    """After a restore: every topic beyond any generation issued before it, so a figure cached by any process
    (a per-process cache cannot be cleared from here) is never read for the restored data; the shared cache is
    cleared as well."""
    from dangjian.core.models import Generation

    for topic, n in issued_before.items():
        row, _created = Generation.objects.get_or_create(topic=topic)
        Generation.objects.filter(topic=topic).update(n=max(row.n, n) + 1)
    cache.clear()


def cached(topic, parts, compute, timeout=3600):
    """compute() kept in the cache under `topic`'s generation and `parts` (everything else the result depends on:
    the organization, the period, today). The generation is read before compute() reads the data."""
    generation = current(topic)
    digest = hashlib.sha1(repr(tuple(parts)).encode()).hexdigest()
    key = f"{PREFIX}:{connection.settings_dict['NAME']}:{topic}:{generation}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
