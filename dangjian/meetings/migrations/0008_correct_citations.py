from django.db import migrations


def correct(apps, schema_editor):
    from dangjian.meetings.defaults import correct_citations

    correct_citations(apps.get_model("meetings", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0007_joint_lecture_and_quorum")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
