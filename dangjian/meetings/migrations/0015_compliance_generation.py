from django.db import migrations


def install(apps, schema_editor):
    """The compliance roll-up is cached under a generation the database bumps on every write it reads."""
    from dangjian.core import generations
    from dangjian.meetings.compliance import CACHE_TABLES, CACHE_TOPIC

    generations.install(CACHE_TOPIC, CACHE_TABLES, schema_editor.connection)


def remove(apps, schema_editor):
    from dangjian.core import generations
    from dangjian.meetings.compliance import CACHE_TABLES, CACHE_TOPIC

    generations.remove(CACHE_TOPIC, CACHE_TABLES, schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_generation"),
        ("meetings", "0014_meeting_room"),
        ("orgs", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
