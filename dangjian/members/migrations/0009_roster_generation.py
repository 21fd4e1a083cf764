from django.db import migrations


def install(apps, schema_editor):
    """The roster page is cached under a generation the database bumps on every write it reads."""
    from dangjian.core import generations
    from dangjian.members.tally import ROSTER_TABLES, ROSTER_TOPIC

    generations.install(ROSTER_TOPIC, ROSTER_TABLES, schema_editor.connection)


def remove(apps, schema_editor):
    from dangjian.core import generations
    from dangjian.members.tally import ROSTER_TABLES, ROSTER_TOPIC

    generations.remove(ROSTER_TOPIC, ROSTER_TABLES, schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_generation"),
        ("members", "0008_member_tally"),
        ("orgs", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
