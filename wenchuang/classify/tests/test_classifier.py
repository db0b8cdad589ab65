"""Each of the 18 partial (*) codes: a business scope that includes it and one that does not."""

from __future__ import annotations

import pytest

from wenchuang.classify.classifier import classify
from wenchuang.classify.services import classifier_inputs

CASES = [
    ("6513", "0243", "游戏软件开发；动漫设计", "企业管理软件开发；技术咨询"),
    ("6319", "0244", "彩铃业务；手机报", "呼叫中心服务"),
    ("6579", "0245", "文化资源数字化服务", "数据处理服务"),
    ("7484", "0321", "建筑设计；室内设计", "公路工程设计"),
    ("6432", "0450", "网络游戏运营；直播服务", "外卖平台服务"),
    ("7212", "0510", "文化产业投资；影视投资", "股权投资管理"),
    ("7211", "0521", "影视传媒企业总部管理", "企业总部管理"),
    ("7221", "0522", "文创园管理服务", "物流园管理服务"),
    ("2221", "0711", "书写纸、印刷纸制造", "瓦楞纸板制造"),
    ("7520", "0730", "版权代理；著作权登记代理", "专利代理；商标代理"),
    ("8070", "0754", "婚庆服务；婚礼策划", "婚姻介绍服务"),
    ("5181", "0755", "工艺品贸易代理", "钢材贸易代理"),
    ("9521", "0772", "书法艺术交流活动", "行业标准研究"),
    ("8399", "0774", "美术培训；舞蹈培训", "驾驶培训"),
    ("3963", "0832", "消费级航拍无人机制造", "植保无人机制造"),
    ("5175", "0842", "舞台灯光设备批发", "电线电缆批发"),
    ("3961", "0953", "VR头显、智能眼镜制造", "智能手环（健康监测）制造"),
    ("3969", "0954", "智能音箱制造", "智能家居控制器制造"),
]


@pytest.fixture
def inputs(reference):
    return classifier_inputs()


def test_every_partial_code_has_a_case(inputs):
    mapping, rules, _ = inputs
    partial = {code for code, e in mapping.items() if e.partial}
    assert partial == {c[0] for c in CASES} == set(rules)


@pytest.mark.parametrize(("gbt", "cat", "yes", "no"), CASES)
def test_partial_code_is_decided_from_the_scope(inputs, gbt, cat, yes, no):
    mapping, rules, _ = inputs
    hit = classify(gbt, yes, mapping=mapping, rules=rules)
    assert hit.category_code == cat, hit.reason
    assert (
        hit.reason.startswith(f"行业代码{gbt}为部分属于文化产业的行业(*)；经营范围含“") and cat in hit.reason
    )
    assert hit.confidence >= 0.7
    miss = classify(gbt, no, mapping=mapping, rules=rules)
    assert miss.category_code is None, miss.reason


def test_the_reason_quotes_the_scope(inputs):
    mapping, rules, _ = inputs
    d = classify("6513", "计算机软件开发；游戏软件开发；技术服务", mapping=mapping, rules=rules)
    assert d.reason == (
        "行业代码6513为部分属于文化产业的行业(*)；经营范围含“游戏软件开发” → "
        "0243 多媒体、游戏动漫和数字出版软件开发"
    )


def test_full_and_unknown_codes(inputs):
    mapping, rules, _ = inputs
    assert classify("8610", "", mapping=mapping, rules=rules).category_code == "0110"
    other = classify("0111", "种植", mapping=mapping, rules=rules)
    assert other.category_code is None and other.confidence == 1.0
    assert classify("6513", "", mapping=mapping, rules=rules).needs_review


def test_conflicting_scope_goes_to_review(inputs):
    mapping, rules, _ = inputs
    d = classify("6432", "网络游戏；外卖配送平台", mapping=mapping, rules=rules)
    assert d.needs_review and "排除词" in d.reason


def test_an_excluded_clause_is_not_evidence(inputs):
    mapping, rules, _ = inputs
    d = classify("6513", "财务软件开发（不含网络游戏）", mapping=mapping, rules=rules)
    assert d.category_code is None and not d.needs_review
    assert "“不含网络游戏”为除外条款，不作为依据" in d.reason
    assert "经营范围含“不含" not in d.reason


@pytest.mark.parametrize(
    "scope",
    [
        "企业管理软件开发，网络游戏、动漫设计除外",
        "软件开发；不得从事网络游戏、动漫设计",
        "游戏软件开发（限分支机构经营）；企业管理软件开发",
        "软件开发（不包括数字出版）；技术咨询",
    ],
)
def test_every_exclusion_form_is_set_apart(inputs, scope):
    mapping, rules, _ = inputs
    d = classify("6513", scope, mapping=mapping, rules=rules)
    assert d.category_code is None, d.reason
    assert "除外条款" in d.reason


def test_boilerplate_is_dropped_and_real_evidence_kept(inputs):
    mapping, rules, _ = inputs
    scope = (
        "一般项目：游戏软件开发；软件开发（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。"
        "许可项目：第二类增值电信业务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    d = classify("6513", scope, mapping=mapping, rules=rules)
    assert d.category_code == "0243" and "“游戏软件开发”" in d.reason


def test_positive_and_negated_mentions_together(inputs):
    mapping, rules, _ = inputs
    d = classify("6513", "动漫设计；软件开发（不含网络游戏）", mapping=mapping, rules=rules)
    assert d.category_code == "0243"
    assert "“动漫设计”" in d.reason and "“不含网络游戏”为除外条款" in d.reason


@pytest.mark.parametrize(
    ("code", "review", "category"),
    [("65", True, None), ("651", True, "0243"), ("01", False, None), ("886", True, "0255")],
)
def test_a_partial_code_lowers_confidence(inputs, code, review, category):
    mapping, rules, _ = inputs
    d = classify(code, "软件开发", mapping=mapping, rules=rules)
    assert d.needs_review is review, d.reason
    assert d.category_code == category
    assert f"行业代码{code}只到" in d.reason
