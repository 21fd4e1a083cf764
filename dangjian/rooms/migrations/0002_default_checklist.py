from django.db import migrations


def add_defaults(apps, schema_editor):
    from dangjian.rooms.models import DEFAULT_CHECKLIST

    Item = apps.get_model("rooms", "ChecklistItem")
    if not Item.objects.filter(organization__isnull=True).exists():
        Item.objects.bulk_create(Item(order=i, title=t, standard=s, version="六有")
                                 for i, (t, s) in enumerate(DEFAULT_CHECKLIST, 1))


class Migration(migrations.Migration):
    dependencies = [("rooms", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
