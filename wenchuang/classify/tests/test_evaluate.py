"""`classify evaluate`: the labelled set covers every partial code on both sides, the counting is right,
and the command prints precision and recall per 小类."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wenchuang.classify.classifier import Decision
from wenchuang.classify.evaluate import NOT_CULTURE, evaluate
from wenchuang.classify.services import classifier_inputs

EVALSET = Path(settings.DATA_DIR) / "evaluation" / "classify-scopes.csv"


def _rows():
    with EVALSET.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_set_covers_every_partial_code_on_both_sides_with_negations(reference):
    mapping, _rules, _ = classifier_inputs()
    rows = _rows()
    assert len(rows) >= 300
    partial = {code for code, e in mapping.items() if e.partial}
    assert {r["gbt_code"] for r in rows} == partial
    for code in partial:
        mine = [r for r in rows if r["gbt_code"] == code]
        assert {r["expected"] for r in mine} == {mapping[code].category_code, ""}
        kinds = Counter(r["kind"] for r in mine)
        assert kinds["negation"] >= 3 and kinds["mixed"] >= 2 and kinds["positive"] >= 5
        assert kinds["negative"] >= 5 and kinds["branch-only"] >= 1


def test_counting_against_an_independent_tally():
    rows = [
        {"gbt_code": "1", "business_scope": "a", "expected": "X", "kind": "p"},
        {"gbt_code": "1", "business_scope": "b", "expected": "X", "kind": "p"},
        {"gbt_code": "1", "business_scope": "c", "expected": "", "kind": "n"},
        {"gbt_code": "1", "business_scope": "d", "expected": "", "kind": "n"},
        {"gbt_code": "1", "business_scope": "e", "expected": "Y", "kind": "p"},
    ]
    answers = {"a": "X", "b": None, "c": "X", "d": None, "e": "Y"}
    ev = evaluate(rows, lambda g, s: Decision(answers[s], 0.5 if s == "e" else 0.9, "", "scope"))
    # X: predicted for a, c; truly a, b → tp 1, fp 1, fn 1
    assert (ev.precision("X"), ev.recall("X")) == (0.5, 0.5)
    assert (ev.precision("Y"), ev.recall("Y")) == (1.0, 1.0)
    # 非文化: predicted for b, d; truly c, d → tp 1, fp 1, fn 1
    assert (ev.tp[NOT_CULTURE], ev.fp[NOT_CULTURE], ev.fn[NOT_CULTURE]) == (1, 1, 1)
    assert (ev.correct, ev.review, ev.by_kind) == (3, 1, {"p": [2, 3], "n": [1, 2]})


def test_the_command_prints_precision_and_recall_per_category(reference, capsys):
    call_command("classify", "evaluate", str(EVALSET))
    out = capsys.readouterr().out
    assert "精确率" in out and "召回率" in out
    assert "0243  多媒体、游戏动漫和数字出版软件开发" in out
    call_command("classify", "evaluate", str(EVALSET), "--json")
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == len(_rows())
    assert {c["category"] for c in data["per_category"]} >= {"0243", "0954", NOT_CULTURE}
    # exclusions are not evidence: the negation and branch-only rows come out as not cultural
    neg = data["by_kind"]["negation"]
    assert neg["correct"] >= neg["rows"] - 1
    assert data["by_kind"]["branch-only"]["correct"] == data["by_kind"]["branch-only"]["rows"]
    assert data["accuracy"] >= 0.9


def test_a_file_without_the_columns_gets_a_message(reference, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="评测文件缺少列"):
        call_command("classify", "evaluate", str(bad))
