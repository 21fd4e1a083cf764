from django.db import migrations


def add_defaults(apps, schema_editor):
    from dangjian.brands.models import DEFAULT_THEMES

    Theme = apps.get_model("brands", "Theme")
    for i, name in enumerate(DEFAULT_THEMES, 1):
        Theme.objects.get_or_create(name=name, defaults={"order": i})


class Migration(migrations.Migration):
    dependencies = [("brands", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
