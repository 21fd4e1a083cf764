"""Insert many rows with one prepared statement (DB-API executemany).

Django's bulk_create builds a multi-row INSERT per batch and prepares every value through every field on every row;
on SQLite a batch is at most 999 parameters (≈50 members), so 100,000 members are 2,000 statements and most of a
minute of Python. Here SQLite gets one statement with 100,000 parameter tuples (executemany, run in C) and
PostgreSQL a COPY. Values are prepared once per field kind (dates, JSON, …) and only for the fields that need it;
auto_now timestamps are taken once per call (one transaction, one time).
"""
from django.db import connections, models

# Field kinds whose Python value the driver cannot take as it is.
_PREPARED = (models.DateField, models.DateTimeField, models.TimeField, models.JSONField, models.DecimalField,
             models.UUIDField, models.DurationField, models.FileField, models.GenericIPAddressField)


def _statement(model, conn):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = conn.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields)))
    return fields, sql


def _prepare(field, value, conn):
    return field.get_db_prep_save(value, conn) if value is not None and isinstance(field, _PREPARED) else value


def insert_rows(model, objs, *, vary=None, using="default"):
    """INSERT every instance of `objs`; ids are not assigned (read them back by a unique key).

    With `vary` (a tuple of attribute names), `objs` is (prototype, iterable of value tuples): every row is the
    prototype with those attributes replaced — for many rows that differ in a few columns, such as change-log
    entries. Defaults and auto_now(_add) are applied as save() would. Run it inside the caller's transaction.
    """
    conn = connections[using]
    fields, sql = _statement(model, conn)
    now_fields = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    if vary is None:
        first = True
        constant = {}

        def rows():
            nonlocal first
            for obj in objs:
                if first:  # one time for the auto_now fields of every row
                    constant.update({f.attname: _prepare(f, f.pre_save(obj, True), conn) for f in fields
                                     if f.attname in now_fields})
                    first = False
                yield [constant[f.attname] if f.attname in constant else _prepare(f, getattr(obj, f.attname), conn)
                       for f in fields]
    else:
        prototype, values = objs
        index = {f.attname: i for i, f in enumerate(fields)}
        base = [_prepare(f, f.pre_save(prototype, True) if f.attname in now_fields else getattr(prototype, f.attname),
                         conn) for f in fields]
        slots = [(index[name], fields[index[name]]) for name in vary]

        def rows():
            for row_values in values:
                row = list(base)
                for (i, field), value in zip(slots, row_values):
                    row[i] = _prepare(field, value, conn)
                yield row

    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":  # COPY: the bulk path PostgreSQL is built for, several times executemany's speed
            with cursor.cursor.copy(sql.replace("INSERT INTO", "COPY", 1).split(" VALUES ")[0] + " FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            cursor.executemany(sql, list(rows()))
