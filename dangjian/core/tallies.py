"""Counts kept by the database: a tally table summed from a source table by row triggers.

A derived figure read on every page of a large group (meetings held per branch and month for compliance;
members on the roll per organization for the tree, the organization page and the roster's page count) is kept
up to date by triggers in the same transaction as the write — forms, the API, imports, bulk loads and cascades
alike — and relative (n = n + 1), so concurrent writers both count. Each app declares its tally here at ready();
`dangjian recompute` rebuilds every tally from its source and `--check` compares them with an independent count.
"""
from dataclasses import dataclass, field

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
    extra: dict = field(default_factory=dict)

    def _when(self, row):
        return self.when.format(row=row)

    def install(self, conn=None):
        conn = conn or connection
        vendor = conn.vendor
        with conn.cursor() as cursor:
            for sql in (self._postgres() if vendor == "postgresql" else self._sqlite()):
                cursor.execute(sql)

    def remove(self, conn=None):
        conn = conn or connection
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {self.name} ON {self.source}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {self.name}_apply()")
            else:
                for suffix in ("insert", "update_old", "update_new", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {self.name}_{suffix}")

    def _add(self, vendor, row):
        keys, counts = self.keys(vendor, row), self.counts(vendor, row)
        excluded = "EXCLUDED" if vendor == "postgresql" else "excluded"
        bump = ", ".join(f"{c} = {self.target}.{c} + {excluded}.{c}" for c in counts)
        return (f"INSERT INTO {self.target} ({', '.join([*keys, *counts])}) VALUES ({', '.join([*keys.values(), *counts.values()])})"
                f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {bump};")

    def _sub(self, vendor, row):
        keys, counts = self.keys(vendor, row), self.counts(vendor, row)
        return (f"UPDATE {self.target} SET {', '.join(f'{c} = {c} - ({e})' for c, e in counts.items())}"
                f" WHERE {' AND '.join(f'{c} = {e}' for c, e in keys.items())};")

    def _postgres(self):
        return [
            f"""CREATE OR REPLACE FUNCTION {self.name}_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {self._when('OLD')} THEN
    {self._sub('postgresql', 'OLD')}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {self._when('NEW')} THEN
    {self._add('postgresql', 'NEW')}
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {self.name} ON {self.source}",
            f"CREATE TRIGGER {self.name} AFTER INSERT OR UPDATE OR DELETE ON {self.source}"
            f" FOR EACH ROW EXECUTE FUNCTION {self.name}_apply()",
        ]

    def _sqlite(self):
        triggers = {
            "insert": f"AFTER INSERT ON {self.source} WHEN {self._when('NEW')} BEGIN {self._add('sqlite', 'NEW')} END",
            "update_old": f"AFTER UPDATE ON {self.source} WHEN {self._when('OLD')} BEGIN {self._sub('sqlite', 'OLD')} END",
            "update_new": f"AFTER UPDATE ON {self.source} WHEN {self._when('NEW')} BEGIN {self._add('sqlite', 'NEW')} END",
            "delete": f"AFTER DELETE ON {self.source} WHEN {self._when('OLD')} BEGIN {self._sub('sqlite', 'OLD')} END",
        }
        out = []
        for suffix, body in triggers.items():
            out += [f"DROP TRIGGER IF EXISTS {self.name}_{suffix}", f"CREATE TRIGGER {self.name}_{suffix} {body}"]
        return out

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
