"""A plan speaks for a region at any GB/T 2260 level, not only a city: `city_code` becomes
`region_code` with its level. Every plan loaded before this was a city's plan (the field was the
city's code), so existing rows keep their code and read as level "city"; the level is then set from
the code's shape, which gives the same answer for a city code."""

from django.db import migrations, models


def _level(code: str) -> str:
    if code == "000000":
        return "nation"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def levels_from_codes(apps, schema_editor):
    for name in ("Plan", "HistoricalPlan"):
        model = apps.get_model("plan", name)
        for code in set(model.objects.values_list("region_code", flat=True)):
            model.objects.filter(region_code=code).update(region_level=_level(code))


LEVELS = [("nation", "全国"), ("province", "省级"), ("city", "地级市"), ("county", "区县")]


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]

    operations = [
        migrations.RenameField("plan", "city_code", "region_code"),
        migrations.RenameField("historicalplan", "city_code", "region_code"),
        migrations.AlterField("plan", "region_code", models.CharField(max_length=6, verbose_name="区划代码")),
        migrations.AlterField(
            "historicalplan", "region_code", models.CharField(max_length=6, verbose_name="区划代码")
        ),
        migrations.AddField(
            "plan",
            "region_level",
            models.CharField(choices=LEVELS, default="city", max_length=8, verbose_name="区划层级"),
            preserve_default=False,
        ),
        migrations.AddField(
            "historicalplan",
            "region_level",
            models.CharField(choices=LEVELS, default="city", max_length=8, verbose_name="区划层级"),
            preserve_default=False,
        ),
        migrations.RunPython(levels_from_codes, migrations.RunPython.noop),
    ]
