"""The national defaults of the rulebook (支部条例 arts. 12–14; 党课 quarterly is common local practice)."""
from django.db import migrations

from dangjian.meetings.defaults import ensure_default_rules


def add_defaults(apps, schema_editor):
    ensure_default_rules(apps.get_model("meetings", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
