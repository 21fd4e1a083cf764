from django.db import migrations


def forwards(apps, schema_editor):
    from dangjian.learning.practice import ensure_default_procedures

    ensure_default_procedures(apps.get_model("learning", "Procedure"), apps.get_model("learning", "ProcedureStep"))


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_agendaitem_forumcomment_forumsession_and_more")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
