from django.db import migrations

from dangjian.core.generations import watch


class Migration(migrations.Migration):
    """The compliance roll-up is cached under a generation the database bumps on every write it reads."""

    dependencies = [
        ("core", "0002_generation"),
        ("meetings", "0014_meeting_room"),
        ("orgs", "0001_initial"),
    ]

    operations = [watch("compliance", ("meetings_meetingtally", "meetings_rule", "orgs_organization", "orgs_committee",
                                       "orgs_committeemember"))]
