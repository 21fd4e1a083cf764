"""Counts kept by the database: a tally table summed from a source table by triggers.

A derived figure read on every page of a large group (meetings held per branch and month for compliance;
members on the roll per organization for the tree, the organization page and the roster's page count) is kept
up to date by triggers in the same transaction as the write — forms, the API, imports, bulk loads and cascades
alike — and relative (n = n + 1), so concurrent writers both count. Each app declares its tally here at ready();
`dangjian recompute` rebuilds every tally from its source and `--check` compares them with an independent count.
PostgreSQL counts per statement (transition tables), SQLite per row (it has no statement-level triggers).
"""
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

_TALLIES = {}


@dataclass
class Tally:
    name: str  # also the trigger names' prefix
    label: str  # for people: what is counted
    source: str  # table of the counted rows
    target: str  # the tally table
    keys: callable  # (vendor, row) → {target column: SQL expression over row}
    counts: callable  # (vendor, row) → {target column: SQL expression, what this row adds}
    when: str  # SQL condition over {row}: the row is counted
    counted: callable = None  # () → {key tuple: count tuple}, an independent (ORM) count for the check
    kept: callable = None  # () → the same from the tally table

    def _when(self, row):
        return self.when.format(row=row)

    def install(self, conn=None):
        conn = conn or connection
        with conn.cursor() as cursor:
            for sql in (self._postgres() if conn.vendor == "postgresql" else self._sqlite()):
                cursor.execute(sql)

    def remove(self, conn=None):
        conn = conn or connection
        with conn.cursor() as cursor:
            for sql in (self._postgres_drop() if conn.vendor == "postgresql" else self._sqlite_drop()):
                cursor.execute(sql)

    # --- PostgreSQL: statement-level triggers over the transition tables ---------------------------------------
    # One upsert per statement, whatever the number of rows it wrote (a 100,000-row COPY is one grouped upsert,
    # not 100,000), with the keys in order so concurrent writers lock tally rows in the same order.
    def _deltas(self, sources):
        """SQL: the grouped changes of `sources` [(transition table, +1 or -1)] as an ordered upsert."""
        keys = self.keys("postgresql", "r")
        counts = self.counts("postgresql", "r")
        parts = []
        for table, sign in sources:
            k = self.keys("postgresql", table)
            c = self.counts("postgresql", table)
            parts.append("SELECT " + ", ".join([*(f"{e} AS {col}" for col, e in k.items()),
                                                 *(f"{'-' if sign < 0 else ''}({e}) AS {col}" for col, e in c.items())])
                         + f" FROM {table} WHERE {self._when(table)}")
        bump = ", ".join(f"{c} = {self.target}.{c} + EXCLUDED.{c}" for c in counts)
        return (f"INSERT INTO {self.target} ({', '.join([*keys, *counts])})"
                f" SELECT {', '.join([*keys, *(f'SUM({c})' for c in counts)])} FROM ({' UNION ALL '.join(parts)}) d"
                f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"
                f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {bump}")

    EVENTS = {"insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", [("new_rows", 1)]),
              "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", [("old_rows", -1)]),
              "update": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                         [("new_rows", 1), ("old_rows", -1)])}

    def _postgres(self):
        out = self._postgres_drop()
        for event, (verb, referencing, sources) in self.EVENTS.items():
            out += [f"CREATE OR REPLACE FUNCTION {self.name}_{event}() RETURNS trigger AS $$\n"
                    f"BEGIN\n  {self._deltas(sources)};\n  RETURN NULL;\nEND\n$$ LANGUAGE plpgsql",
                    f"CREATE TRIGGER {self.name}_{event} AFTER {verb} ON {self.source} {referencing}"
                    f" FOR EACH STATEMENT EXECUTE FUNCTION {self.name}_{event}()"]
        return out

    def _postgres_drop(self):
        out = [f"DROP TRIGGER IF EXISTS {self.name} ON {self.source}", f"DROP FUNCTION IF EXISTS {self.name}_apply()"]
        for event in self.EVENTS:
            out += [f"DROP TRIGGER IF EXISTS {self.name}_{event} ON {self.source}",
                    f"DROP FUNCTION IF EXISTS {self.name}_{event}()"]
        return out

    # --- SQLite: row triggers (it has no statement-level ones) ---------------------------------------------------
    def _add(self, row):
        keys, counts = self.keys("sqlite", row), self.counts("sqlite", row)
        bump = ", ".join(f"{c} = {self.target}.{c} + excluded.{c}" for c in counts)
        return (f"INSERT INTO {self.target} ({', '.join([*keys, *counts])}) VALUES ({', '.join([*keys.values(), *counts.values()])})"
                f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {bump};")

    def _sub(self, row):
        keys, counts = self.keys("sqlite", row), self.counts("sqlite", row)
        return (f"UPDATE {self.target} SET {', '.join(f'{c} = {c} - ({e})' for c, e in counts.items())}"
                f" WHERE {' AND '.join(f'{c} = {e}' for c, e in keys.items())};")

    SQLITE_TRIGGERS = ("insert", "update_old", "update_new", "delete")

    def _sqlite(self):
        triggers = {
            "insert": f"AFTER INSERT ON {self.source} WHEN {self._when('NEW')} BEGIN {self._add('NEW')} END",
            "update_old": f"AFTER UPDATE ON {self.source} WHEN {self._when('OLD')} BEGIN {self._sub('OLD')} END",
            "update_new": f"AFTER UPDATE ON {self.source} WHEN {self._when('NEW')} BEGIN {self._add('NEW')} END",
            "delete": f"AFTER DELETE ON {self.source} WHEN {self._when('OLD')} BEGIN {self._sub('OLD')} END",
        }
        return self._sqlite_drop() + [f"CREATE TRIGGER {self.name}_{suffix} {body}" for suffix, body in triggers.items()]

    def _sqlite_drop(self):
        return [f"DROP TRIGGER IF EXISTS {self.name}_{suffix}" for suffix in self.SQLITE_TRIGGERS]

    @contextmanager
    def bulk_insert(self, after_id, conn=None):
        """Around a large insert of rows with ids above `after_id`, inside the caller's transaction. PostgreSQL's
        statement-level triggers already count a bulk insert at once; SQLite has only row triggers (100,000 rows:
        3–4 s of a 10 s import), so there the triggers are dropped for the insert and the new rows counted in one
        grouped statement before they are created again — DDL is transactional in SQLite and its one writer
        excludes any other write meanwhile, so nothing is counted twice or missed."""
        conn = conn or connection
        if conn.vendor == "postgresql":
            yield
            return
        assert conn.in_atomic_block, "bulk_insert runs inside the writing transaction"
        with conn.cursor() as cursor:
            for sql in self._sqlite_drop():
                cursor.execute(sql)
        yield
        keys, counts = self.keys("sqlite", self.source), self.counts("sqlite", self.source)
        bump = ", ".join(f"{c} = {self.target}.{c} + excluded.{c}" for c in counts)
        with conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.target} ({', '.join([*keys, *counts])})"
                f" SELECT {', '.join([*keys.values(), *(f'SUM({e})' for e in counts.values())])}"
                f" FROM {self.source} WHERE {self._when(self.source)} AND {self.source}.id > %s"
                f" GROUP BY {', '.join(keys.values())} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {bump}", [after_id])
            for sql in self._sqlite():
                cursor.execute(sql)

    def recompute(self, conn=None):
        """Rebuild the tally from its source in one transaction; returns the number of rows. On PostgreSQL the
        source's writers wait (SHARE lock) until it commits, so no write is counted twice or lost."""
        conn = conn or connection
        keys, counts = self.keys(conn.vendor, self.source), self.counts(conn.vendor, self.source)
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {self.source} IN SHARE MODE")
            cursor.execute(f"DELETE FROM {self.target}")
            cursor.execute(
                f"INSERT INTO {self.target} ({', '.join([*keys, *counts])})"
                f" SELECT {', '.join([*keys.values(), *(f'SUM({e})' for e in counts.values())])}"
                f" FROM {self.source} WHERE {self._when(self.source)} GROUP BY {', '.join(keys.values())}")
            return cursor.rowcount

    def differences(self):
        """[(key, kept, counted)] where the tally differs from an independent count; [] when they agree."""
        want, have = self.counted(), self.kept()
        return sorted(((k, have.get(k), want.get(k)) for k in want.keys() | have.keys() if have.get(k) != want.get(k)),
                      key=lambda d: tuple(str(x) for x in d[0]))


def register(tally):
    _TALLIES[tally.name] = tally
    return tally


def registered():
    return list(_TALLIES.values())
