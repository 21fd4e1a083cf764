"""Three indexes of the member table no query uses, each maintained on every member write (a 100,000-row import
spent 0.8 s of its 3.5 s insert on them): the organization's own index (the two (organization, ended_on, …)
indexes lead with it), and on PostgreSQL the LIKE-pattern copies Django adds for 身份证号 and 拼音首字母 (searches
use equality and a >=/< range, which the ordinary indexes serve).

The organization index is dropped by name rather than by altering the field: on SQLite an AlterField rebuilds the
table, and with it would go the triggers that keep the member tally and the roster generation."""
import django.db.models.deletion
from django.db import migrations, models

TABLE = "members_member"
ORG_INDEX = ("organization_id", "")
LIKE_INDEXES = (("id_number", "_like"), ("name_initials", "_like"))


def _indexes(schema_editor):
    wanted = [ORG_INDEX] + (list(LIKE_INDEXES) if schema_editor.connection.vendor == "postgresql" else [])
    return [(schema_editor._create_index_name(TABLE, [column], suffix=suffix), column, suffix) for column, suffix in wanted]


def drop(apps, schema_editor):
    for name, _column, _suffix in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    for name, column, suffix in _indexes(schema_editor):
        opclass = " varchar_pattern_ops" if suffix == "_like" else ""
        schema_editor.execute(f"CREATE INDEX {schema_editor.quote_name(name)} ON {TABLE} ({column}{opclass})")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_roster_generation'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='member',
                name='organization',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='orgs.organization', verbose_name='所在党组织'),
            )],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
