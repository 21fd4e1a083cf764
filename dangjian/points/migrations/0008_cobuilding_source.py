from django.db import migrations, models


def create_defaults(apps, schema_editor):
    from dangjian.points.defaults import ensure_default_point_rules

    ensure_default_point_rules(apps.get_model("points", "PointRule"))


class Migration(migrations.Migration):
    dependencies = [("points", "0007_star_scales"), ("cobuilding", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="pointrule", name="source",
            field=models.CharField(choices=[("base", "基础分"), ("present", "参加组织生活"), ("absent", "无故缺席组织生活"),
                                            ("host", "主持组织生活"), ("cobuilding", "参加联建共建活动")],
                                   max_length=20, verbose_name="积分来源")),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
