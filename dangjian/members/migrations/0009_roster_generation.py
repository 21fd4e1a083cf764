from django.db import migrations

from dangjian.core.generations import watch


class Migration(migrations.Migration):
    """The roster page is cached under a generation the database bumps on every write it reads."""

    dependencies = [
        ("core", "0002_generation"),
        ("members", "0008_member_tally"),
        ("orgs", "0001_initial"),
    ]

    operations = [watch("roster", ("members_member", "members_membertally", "orgs_organization"))]
