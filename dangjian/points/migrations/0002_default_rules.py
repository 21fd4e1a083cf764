from django.db import migrations


def create_defaults(apps, schema_editor):
    from dangjian.points.defaults import ensure_default_point_rules

    ensure_default_point_rules(apps.get_model("points", "PointRule"))


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
