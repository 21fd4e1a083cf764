"""The meeting tally (MeetingTally): kept by triggers, rebuilt by `dangjian recompute`, checked by tests.

A trigger rather than code in the services: meetings are written by forms, the API, the demo and benchmark
loaders (COPY on PostgreSQL), cascades and the admin; a trigger sees every one of them, in the same transaction.
The increments are relative (held = held + 1), so two transactions recording meetings for the same branch and
month both count — on PostgreSQL the second waits for the first's row lock; SQLite has one writer at a time.
"""
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

TABLE = "meetings_meetingtally"
SOURCE = "meetings_meetingorganization"

POSTGRES_INSTALL = [
    f"""
CREATE OR REPLACE FUNCTION meetings_tally_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.held AND OLD.quorate AND OLD.held_on IS NOT NULL THEN
    UPDATE {TABLE} SET held = held - 1, lectured = lectured - OLD.secretary_lectured::int
     WHERE organization_id = OLD.organization_id AND kind = OLD.kind
       AND month = date_trunc('month', OLD.held_on)::date;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.held AND NEW.quorate AND NEW.held_on IS NOT NULL THEN
    INSERT INTO {TABLE} (organization_id, kind, month, held, lectured)
    VALUES (NEW.organization_id, NEW.kind, date_trunc('month', NEW.held_on)::date, 1, NEW.secretary_lectured::int)
    ON CONFLICT (organization_id, kind, month)
    DO UPDATE SET held = {TABLE}.held + 1, lectured = {TABLE}.lectured + EXCLUDED.lectured;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS meetings_tally ON {SOURCE}",
    f"CREATE TRIGGER meetings_tally AFTER INSERT OR UPDATE OR DELETE ON {SOURCE}"
    " FOR EACH ROW EXECUTE FUNCTION meetings_tally_apply()",
]
POSTGRES_REMOVE = [f"DROP TRIGGER IF EXISTS meetings_tally ON {SOURCE}", "DROP FUNCTION IF EXISTS meetings_tally_apply()"]

_SQLITE_ADD = f"""INSERT INTO {TABLE} (organization_id, kind, month, held, lectured)
    VALUES (NEW.organization_id, NEW.kind, strftime('%Y-%m-01', NEW.held_on), 1, NEW.secretary_lectured)
    ON CONFLICT (organization_id, kind, month) DO UPDATE SET held = held + 1, lectured = lectured + excluded.lectured;"""
_SQLITE_SUB = f"""UPDATE {TABLE} SET held = held - 1, lectured = lectured - OLD.secretary_lectured
    WHERE organization_id = OLD.organization_id AND kind = OLD.kind AND month = strftime('%Y-%m-01', OLD.held_on);"""
_NEW = "NEW.held AND NEW.quorate AND NEW.held_on IS NOT NULL"
_OLD = "OLD.held AND OLD.quorate AND OLD.held_on IS NOT NULL"
SQLITE_TRIGGERS = {
    "meetings_tally_insert": f"AFTER INSERT ON {SOURCE} WHEN {_NEW} BEGIN {_SQLITE_ADD} END",
    "meetings_tally_update_old": f"AFTER UPDATE ON {SOURCE} WHEN {_OLD} BEGIN {_SQLITE_SUB} END",
    "meetings_tally_update_new": f"AFTER UPDATE ON {SOURCE} WHEN {_NEW} BEGIN {_SQLITE_ADD} END",
    "meetings_tally_delete": f"AFTER DELETE ON {SOURCE} WHEN {_OLD} BEGIN {_SQLITE_SUB} END",
}


def install(schema_editor=None):
    """Create (or replace) the triggers on this database."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in POSTGRES_INSTALL:
                cursor.execute(sql)
        else:
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def remove(schema_editor=None):
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        for sql in POSTGRES_REMOVE if conn.vendor == "postgresql" else [f"DROP TRIGGER IF EXISTS {n}" for n in SQLITE_TRIGGERS]:
            cursor.execute(sql)


def counted():
    """The tally as counted from the meetings (ORM, independent of the triggers and of recompute's SQL):
    {(organization id, kind, month): (held, lectured)}."""
    from .models import MeetingOrganization

    rows = (MeetingOrganization.objects.filter(held=True, quorate=True, held_on__isnull=False)
            .annotate(month=TruncMonth("held_on")).order_by()
            .values_list("organization_id", "kind", "month")
            .annotate(n=Count("id"), lectured=Count("id", filter=Q(secretary_lectured=True))))
    return {(org, kind, month): (n, lectured) for org, kind, month, n, lectured in rows.iterator(chunk_size=5000)}


def kept():
    from .models import MeetingTally

    rows = MeetingTally.objects.exclude(held=0, lectured=0).values_list("organization_id", "kind", "month", "held", "lectured")
    return {(org, kind, month): (n, lectured) for org, kind, month, n, lectured in rows.iterator(chunk_size=5000)}


def differences():
    """[(key, kept, counted)] where the kept tally differs from the meetings; [] when they agree."""
    want, have = counted(), kept()
    return sorted(((k, have.get(k), want.get(k)) for k in want.keys() | have.keys() if have.get(k) != want.get(k)),
                  key=lambda d: (d[0][0], d[0][1], d[0][2]))


def recompute(conn=None):
    """Rebuild the whole tally from the meetings in one transaction; returns the number of rows.
    On PostgreSQL meeting writes wait (SHARE lock) until it commits, so none is counted twice or lost."""
    conn = conn or connection
    month = ("date_trunc('month', held_on)::date" if conn.vendor == "postgresql"
             else "strftime('%Y-%m-01', held_on)")
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {SOURCE} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} (organization_id, kind, month, held, lectured)"
            f" SELECT organization_id, kind, {month}, COUNT(*), SUM(CASE WHEN secretary_lectured THEN 1 ELSE 0 END)"
            f" FROM {SOURCE} WHERE held AND quorate AND held_on IS NOT NULL GROUP BY organization_id, kind, {month}")
        return cursor.rowcount
