"""Recompute the stored pinyin initials of members whose surname is read differently as a surname (曾 单 解 区 …):
search by initials must find them. Only those rows, selected by the first character (an indexed prefix)."""
from django.db import migrations
from django.db.models import Q


def recompute(apps, schema_editor):
    from dangjian.members.pinyin import COMPOUND_SURNAMES, SURNAME_READINGS, initials_of

    Member = apps.get_model("members", "Member")
    q = Q(pk__in=[])
    for prefix in [*SURNAME_READINGS, *COMPOUND_SURNAMES]:
        q |= Q(name__startswith=prefix)
    changed = []
    for m in Member.objects.filter(q).only("pk", "name", "name_initials").iterator(chunk_size=2000):
        initials = initials_of(m.name)
        if initials != m.name_initials:
            m.name_initials = initials
            changed.append(m)
    Member.objects.bulk_update(changed, ["name_initials"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_remask_changelog_id_numbers")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
