"""Figures cached until the data behind them changes: a generation per topic, bumped by the database.

A figure that is costly and read far more often than its data is written (a group's compliance roll-up: eight
grouped queries over 5,000 branches, the same for everyone whose grant covers the group; a roster page) is kept in
the shared cache under its topic's generation. Triggers on every table the figure reads bump the generation in the
writing transaction — forms, the API, imports, bulk loads, cascades, recompute, raw SQL alike — so the new value
becomes visible exactly when the write commits: a reader reads the generation first, then the data, and so can
only store a result under a generation no newer than the data it saw; after the commit nobody reads that key again.

The generation is the sum of the topic's rows in core_generation. PostgreSQL's statement triggers insert a row
(+1) and never update one: concurrent writers of different tables or topics never wait for each other on it and
cannot deadlock over it; a reader folds the rows into one when they pile up (the sum is unchanged). SQLite (one
writer) keeps one row per topic, bumped by row triggers. A restore moves every generation past those issued
before it (the restored ones are older).
"""
import hashlib
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DatabaseError, connection

COMPACT_AT = 200  # rows of one topic before a reader folds them into one


def _name(topic, table, suffix=""):
    return f"gen_{topic}_{table}{suffix}"


def _bump_sqlite(topic):
    return (f"INSERT INTO core_generation (topic, n) SELECT '{topic}', 0"
            f" WHERE NOT EXISTS (SELECT 1 FROM core_generation WHERE topic = '{topic}');"
            f" UPDATE core_generation SET n = n + 1 WHERE topic = '{topic}';")


def install(topic, tables, conn=None):
    """Bump `topic` on every write to `tables` (idempotent: drops and creates the triggers)."""
    conn = conn or connection
    remove(topic, tables, conn)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION core_generation_bump() RETURNS trigger AS $$\n"
                "BEGIN\n  INSERT INTO core_generation (topic, n) VALUES (TG_ARGV[0], 1);\n  RETURN NULL;\nEND\n"
                "$$ LANGUAGE plpgsql")
            for table in tables:
                cursor.execute(f"CREATE TRIGGER {_name(topic, table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                               f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION core_generation_bump('{topic}')")
        else:
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(f"CREATE TRIGGER {_name(topic, table, '_' + event.lower())} AFTER {event} ON {table}"
                                   f" BEGIN {_bump_sqlite(topic)} END")


def remove(topic, tables, conn=None):
    conn = conn or connection
    with conn.cursor() as cursor:
        for table in tables:
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(topic, table)} ON {table}")
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_name(topic, table, '_' + event)}")


@contextmanager
def bulk_write(topic, tables, conn=None):
    """Around a large write inside the caller's transaction: on SQLite, whose triggers are per row (100,000
    imported members: 2 s of bumps), the topic's triggers on `tables` are dropped for the write and the topic
    bumped once (DDL is transactional there and its one writer excludes any other). PostgreSQL bumps per
    statement already."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        yield
        return
    assert conn.in_atomic_block, "bulk_write runs inside the writing transaction"
    remove(topic, tables, conn)
    yield
    with conn.cursor() as cursor:
        for statement in _bump_sqlite(topic).split(";")[:-1]:
            cursor.execute(statement)
    install(topic, tables, conn)


def watch(topic, tables):
    """The migration operation installing `topic`'s triggers on `tables` — the list frozen in the migration, so an
    old migration never names a table created later; a table watched later gets a later migration (install is
    idempotent). The tests compare the triggers in the database with each figure's current list."""
    from django.db import migrations

    tables = tuple(tables)

    def forwards(apps, schema_editor):
        install(topic, tables, schema_editor.connection)

    def backwards(apps, schema_editor):
        remove(topic, tables, schema_editor.connection)

    return migrations.RunPython(forwards, backwards)


def unwatched(topic, tables, conn=None):
    """The tables of `tables` with no trigger bumping `topic` in the database (for the tests)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    if conn.vendor == "postgresql":
        return [t for t in tables if _name(topic, t) not in names]
    return [t for t in tables if any(_name(topic, t, f"_{e}") not in names for e in ("insert", "update", "delete"))]


def current(topic):
    """The topic's generation as this transaction sees it (0 before the first write)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(n), 0), COUNT(*) FROM core_generation WHERE topic = %s", [topic])
        generation, rows = cursor.fetchone()
        if rows > COMPACT_AT and connection.vendor == "postgresql":
            # Fold the rows this statement sees into one of the same sum; a concurrent fold skips what this one
            # deleted, and rows committed meanwhile stay as they are: the sum never moves.
            cursor.execute("WITH gone AS (DELETE FROM core_generation WHERE topic = %s RETURNING n)"
                           " INSERT INTO core_generation (topic, n) SELECT %s, SUM(n) FROM gone HAVING COUNT(*) > 0",
                           [topic, topic])
    return generation


def issued():
    """{topic: generation} as now (before a restore replaces the table)."""
    from django.db.models import Sum

    from dangjian.core.models import Generation

    try:
        return dict(Generation.objects.order_by().values_list("topic").annotate(total=Sum("n")))
    except DatabaseError:  # a database not migrated yet
        return {}


def move_past(issued_before):
    """After a restore: every topic beyond any generation issued before it, so a figure cached by any process
    (a per-process cache cannot be cleared from here) is never read for the restored data; the shared cache is
    cleared as well."""
    from dangjian.core.models import Generation

    now = issued()
    for topic, n in issued_before.items():
        if now.get(topic, 0) <= n:
            if connection.vendor == "postgresql" or topic not in now:
                Generation.objects.create(topic=topic, n=n - now.get(topic, 0) + 1)
            else:
                Generation.objects.filter(topic=topic).update(n=n + 1)
    cache.clear()


def cached(topic, parts, compute, timeout=3600):
    """compute() kept in the cache under `topic`'s generation and `parts` (everything else the result depends on:
    the organization, the period, today, the user's scope). The generation is read before compute() reads."""
    generation = current(topic)
    digest = hashlib.sha1(repr(tuple(parts)).encode()).hexdigest()
    key = f"gen:{connection.settings_dict['NAME']}:{topic}:{generation}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
