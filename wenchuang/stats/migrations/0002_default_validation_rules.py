"""The default validation rules (data, editable by the 统计员 afterwards)."""

from django.db import migrations

RULES = [
    {
        "code": "va-le-output",
        "name": "增加值不应超过总产出",
        "description": "收入法增加值（四项构成之和）应不大于总产出。",
        "left": "value_added",
        "operator": "<=",
        "right": "total_output",
        "importance": "high",
    },
    {
        "code": "revenue-yoy-50",
        "name": "营业收入同比变动超过±50%",
        "description": "与上年相比营业收入增减超过50%，请核实是否录入错误或企业发生重组。",
        "left": "abs(revenue / prev.revenue - 1)",
        "operator": "<=",
        "right": "0.5",
        "importance": "medium",
    },
    {
        "code": "employees-with-revenue",
        "name": "有营业收入时应填报从业人员",
        "description": "填报了营业收入的企业年度数据须同时填报从业人员。",
        "left": "revenue",
        "operator": "requires",
        "right": "employees",
        "importance": "medium",
    },
    {
        "code": "employees-yoy-50",
        "name": "从业人员同比变动超过±50%",
        "description": "与上年相比从业人员增减超过50%。",
        "left": "abs(employees / prev.employees - 1)",
        "operator": "<=",
        "right": "0.5",
        "importance": "low",
    },
]


def add_rules(apps, schema_editor):
    Rule = apps.get_model("stats", "ValidationRule")
    for rule in RULES:
        Rule.objects.update_or_create(code=rule["code"], defaults=rule)


def remove_rules(apps, schema_editor):
    apps.get_model("stats", "ValidationRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
