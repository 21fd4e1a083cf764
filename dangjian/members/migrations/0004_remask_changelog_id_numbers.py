"""Change-log entries written before the app's own masking: auditlog's mask left the last nine characters of
a 身份证号 visible. Re-mask them with idcard.mask (first four and last four), the one masking function."""
from django.db import migrations


def mask(value):
    if not isinstance(value, str) or not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def remask(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.filter(app_label="members", model="member").first()
    if ct is None:
        return
    for entry in LogEntry.objects.filter(content_type=ct, changes__has_key="id_number").iterator():
        pair = entry.changes["id_number"]
        entry.changes["id_number"] = [mask(v) for v in pair] if isinstance(pair, list) else pair
        entry.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_roll_status_index"), ("auditlog", "0017_add_actor_email"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
