from django.db import migrations, models


def fill_voting(apps, schema_editor):
    """Rows recorded before the fact was stored: the best evidence left is the confirmation date against the
    meeting date (a member confirmed after the meeting was 预备 then). Two set-based UPDATEs, no row loop."""
    from django.db.models import Exists, OuterRef

    Attendance = apps.get_model("meetings", "Attendance")
    Member = apps.get_model("members", "Member")
    Attendance.objects.filter(meeting__kind="committee").update(voting=True)
    full_then = Member.objects.filter(pk=OuterRef("member_id"), confirmed_on__lte=OuterRef("meeting__held_on"))
    Attendance.objects.filter(Exists(full_then)).update(voting=True)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_evaluation_grades"), ("members", "0003_member_roll_status_index")]

    operations = [
        migrations.AddField(model_name="attendance", name="voting",
                            field=models.BooleanField(default=False, verbose_name="有表决权")),
        migrations.RunPython(fill_voting, migrations.RunPython.noop),
    ]
