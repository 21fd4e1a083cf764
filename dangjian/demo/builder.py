"""Builds organizations and members in bulk: the demo group (from the seed articles) and the load-test group.

Paths are computed here and rows inserted with bulk_create: treebeard's add_child locks and re-reads the
parent for every node, fine for a person adding a branch, far too slow for 5,000 branches at once.
The result is exactly the tree treebeard would have built (tests check it with find_problems()).
"""
import datetime
import random

from django.db import connection, models, transaction
from django.db.models import Max

from dangjian.core.dates import add_years
from dangjian.members.models import Category, Education, Member, Status
from dangjian.members.pinyin import initials_of
from dangjian.orgs.models import Committee, CommitteeMember, Organization, Position

from . import names

BATCH = 2000
EDUCATIONS = [Education.POSTGRADUATE] + [Education.BACHELOR] * 4 + [Education.COLLEGE] * 3 + [Education.SECONDARY] * 2


class TreeBuilder:
    """Collects nodes with computed materialized paths, then inserts them in one go."""

    def __init__(self):
        self.nodes = []
        self._children = {}

    def root(self, **fields):
        last = Organization.objects.filter(depth=1).aggregate(m=Max("path"))["m"]
        index = (Organization._str2int(last) + 1) if last else 1
        index += sum(1 for n in self.nodes if n.depth == 1)
        node = Organization(path=Organization._get_path(None, 1, index), depth=1, numchild=0, **fields)
        self.nodes.append(node)
        return node

    def child(self, parent, **fields):
        n = self._children.get(parent.path, 0) + 1
        self._children[parent.path] = n
        parent.numchild = n
        node = Organization(path=Organization._get_path(parent.path, parent.depth + 1, n), depth=parent.depth + 1,
                            numchild=0, **fields)
        self.nodes.append(node)
        return node

    def save(self):
        Organization.objects.bulk_create(self.nodes, batch_size=BATCH)
        # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; re-read by code to be safe on both.
        by_code = dict(Organization.objects.filter(code__in=[n.code for n in self.nodes]).values_list("code", "pk"))
        for n in self.nodes:
            n.pk = n.id = by_code[n.code]
        return self.nodes


def make_member(rng, org, used_ids, today, *, group=None, retired=False, probationary=False, unit=""):
    if retired:
        name, gender, born = names.person(rng, born_from=1940, born_to=1963)
    else:
        name, gender, born = names.person(rng)
    earliest_join = add_years(born, 19)
    if probationary:
        joined = today - datetime.timedelta(days=rng.randint(20, 330))
        if joined < earliest_join:
            joined = earliest_join
    else:
        latest_join = min(today - datetime.timedelta(days=400), add_years(born, 45))
        if latest_join <= earliest_join:
            latest_join = earliest_join + datetime.timedelta(days=30)
        joined = earliest_join + datetime.timedelta(days=rng.randint(0, (latest_join - earliest_join).days))
    status = Status.PROBATIONARY if (today - joined).days < 365 else Status.FULL
    return Member(
        name=name,
        name_initials=initials_of(name),
        gender=gender,
        ethnicity=names.ethnicity(rng),
        birth_date=born,
        id_number=names.id_number(rng, born, gender, used_ids),
        phone=names.phone(rng),
        education=rng.choice(EDUCATIONS),
        unit=unit or org.unit or org.name.replace("党支部", ""),
        job=rng.choice(JOBS_RETIRED if retired else JOBS),
        joined_on=joined,
        confirmed_on=add_years(joined, 1) if status == Status.FULL else None,
        status=status,
        category=Category.RETIRED if retired else (Category.FLOATING if rng.random() < 0.01 else Category.EMPLOYED),
        organization=org,
        party_group=group,
    )


JOBS = ["调度员", "技术员", "工程师", "班组长", "操作工", "检修工", "安全员", "质检员", "会计", "科员", "副主任",
        "主任", "电工", "司机", "采煤工", "掘进工", "钳工", "焊工", "化验员", "管理员"]
JOBS_RETIRED = ["退休职工"]


def bulk_members(members):
    Member.objects.bulk_create(members, batch_size=BATCH)


def insert_rows(model, columns, rows):
    """Plain tuples inserted fast (COPY on PostgreSQL, multi-row INSERT on SQLite), for the millions of meeting and
    attendance rows of the load-test group: bulk_create builds and prepares a model instance per row, which costs
    several times the database's own work.
    Only for rows that need no pk back, no save() and no signals (bulk_create skips those too)."""
    fields = [model._meta.get_field(c) for c in columns]
    qn = connection.ops.quote_name
    target = f"{qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
    if connection.vendor == "postgresql":  # COPY: psycopg would otherwise re-parse every long INSERT
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    adapt = [connection.ops.adapt_datefield_value if isinstance(f, models.DateField) and not isinstance(
        f, models.DateTimeField) else None for f in fields]
    if any(adapt):
        rows = [tuple(a(v) if a else v for a, v in zip(adapt, row)) for row in rows]
    head = f"INSERT INTO {target} VALUES "
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per = max(1, min(1000, 30000 // len(fields)))  # under SQLite's 32,766 bound variables per statement
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per):
            chunk = rows[i:i + per]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def purge(queryset, _stack=()):
    """Delete `queryset` and everything that points at it, one DELETE per table, children first.

    QuerySet.delete() loads every row of a model with signal receivers (the change log listens on all of them)
    and logs each deletion: for the load-test group's hundreds of thousands of meetings that took many minutes.
    Foreign keys are deferred to the commit on both databases, so the order only has to be right by then.
    On PostgreSQL the tables are analyzed first: the nested `IN (SELECT …)` deletes are planned from statistics,
    and stale ones (a table just emptied or just bulk-filled) made the planner loop row by row for minutes."""
    if not _stack and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    model = queryset.model
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related = rel.related_model._base_manager.filter(
            **{f"{rel.field.name}__in": queryset.values(rel.field.target_field.attname)})
        if rel.on_delete is models.SET_NULL:
            related.update(**{rel.field.name: None})
        elif rel.related_model not in _stack:
            purge(related, (*_stack, model))
    queryset._raw_delete(queryset.db)


def elect(rng, org, candidates, *, today, term_years=3, size=None, elected_on=None, term_number=None):
    """A committee (or, for small branches, a secretary) drawn from `candidates` (saved Member objects)."""
    full = [m for m in candidates if m.status == Status.FULL]
    if not full:
        return None
    if size is None:
        size = 1 if len(full) < 7 else min(len(full), rng.choice([3, 5, 5, 5]))
    elected_on = elected_on or today - datetime.timedelta(days=rng.randint(30, 365 * term_years + 200))
    committee = Committee(organization=org, term_number=term_number or rng.randint(2, 9), elected_on=elected_on,
                          term_years=term_years)
    committee.due_on = add_years(elected_on, term_years)
    positions = [Position.SECRETARY, Position.ORGANIZATION, Position.PUBLICITY, Position.DISCIPLINE,
                 Position.DEPUTY_SECRETARY, Position.YOUTH, Position.OTHER][:size]
    seats = list(zip(rng.sample(full, size), positions))
    return committee, seats


def save_committees(pairs):
    """pairs: [(Committee, [(member, position)])] — bulk insert both levels."""
    pairs = [p for p in pairs if p]
    Committee.objects.bulk_create([c for c, _ in pairs], batch_size=BATCH)
    ids = dict(Committee.objects.filter(organization__in=[c.organization for c, _ in pairs])
               .values_list("organization_id", "pk"))
    seats = []
    for committee, members in pairs:
        committee.pk = ids[committee.organization.pk]
        seats += [CommitteeMember(committee_id=committee.pk, member=m, position=p, order=i)
                  for i, (m, p) in enumerate(members)]
    CommitteeMember.objects.bulk_create(seats, batch_size=BATCH)


def fetch_members(org_ids):
    """Saved members grouped by organization id (bulk_create on SQLite may not return pks)."""
    grouped = {}
    for m in Member.objects.filter(organization_id__in=org_ids).only("id", "status", "organization_id"):
        grouped.setdefault(m.organization_id, []).append(m)
    return grouped


def atomic(fn):
    return transaction.atomic(fn)


def seeded(seed):
    return random.Random(seed)
