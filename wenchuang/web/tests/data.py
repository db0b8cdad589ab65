"""A small, explicit data set for the web tests: the Hangzhou plan, enterprises in 西湖区 and 滨江区
with five years of facts, a platform, a talent, and the rollups and indicator values built from them."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from wenchuang.classify.models import ClassificationDecision
from wenchuang.plan.services import plan_load
from wenchuang.registry.models import Platform, Talent
from wenchuang.stats import services
from wenchuang.stats.tests import factories as f

PLAN = "hangzhou-14th-culture"
YEARS = (2020, 2021, 2022, 2023, 2024)


def build() -> dict[str, object]:
    f.load_reference()
    plan_load(path=settings.DATA_DIR / "plans" / f"{PLAN}.yaml")
    park = f.platform("示例·西湖文创园", level="national", kind="park", recognized_year=2019)
    digital, plain = f.digital_code(), f.plain_code()
    firms = {
        "xihu_digital": f.enterprise(district_code="330106", culture_code=digital, platform=park),
        "xihu_plain": f.enterprise(district_code="330106", culture_code=plain),
        "binjiang": f.enterprise(district_code="330108", culture_code=digital),
    }
    firms["xihu_digital"].name = "示例·西湖数字文化有限公司"
    firms["xihu_digital"].save()
    firms["binjiang"].name = "示例·滨江动漫有限公司"
    firms["binjiang"].save()
    for i, y in enumerate(YEARS):
        for j, firm in enumerate(firms.values()):
            f.year(
                firm,
                y,
                revenue=1000 * (j + 1) * (1 + 0.08 * i),
                components=(100 + 10 * i, 20, 30, 50 + 5 * j),
                is_above_scale=j != 1,
                employees=100 + 10 * i,
            )
    ClassificationDecision.objects.create(
        enterprise=firms["xihu_digital"],
        category=firms["xihu_digital"].culture_category,
        confidence=0.95,
        reason="行业代码对应文化产业小类（示例理由）",
        method="code",
        decided_at=timezone.now(),
    )
    Talent.objects.create(
        name="示例·张三",
        category="leading",
        district=f.district("330106"),
        id_number="330106199001011234",
        phone="13800001234",
        recognized_year=2021,
    )
    services.rollup_refresh()
    services.indicator_values_recompute(plan_code=PLAN, years=YEARS)
    return {"firms": firms, "park": park, "platform_model": Platform}
