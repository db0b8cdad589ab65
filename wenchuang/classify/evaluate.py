"""Precision and recall of the classifier per culture 小类 against a labelled set of business scopes
(`data/evaluation/classify-scopes.csv`, built by scripts/build_classify_evalset.py). Pure: the rows
and the classify function are passed in. `wenchuang classify evaluate FILE [--json]`."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenchuang.classify.classifier import Decision

NOT_CULTURE = "非文化"
COLUMNS = ("gbt_code", "business_scope", "expected")


class EvaluationFileError(ValueError):
    pass


@dataclass
class Evaluation:
    rows: int = 0
    correct: int = 0
    review: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind → [correct, rows]
    errors: list[dict[str, str]] = field(default_factory=list)

    def precision(self, label: str) -> float | None:
        n = self.tp[label] + self.fp[label]
        return self.tp[label] / n if n else None

    def recall(self, label: str) -> float | None:
        n = self.tp[label] + self.fn[label]
        return self.tp[label] / n if n else None

    def labels(self) -> list[str]:
        found = set(self.tp) | set(self.fp) | set(self.fn)
        return sorted(found - {NOT_CULTURE}) + ([NOT_CULTURE] if NOT_CULTURE in found else [])

    def as_dict(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        names = names or {}

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 3)

        return {
            "rows": self.rows,
            "accuracy": r(self.correct / self.rows) if self.rows else None,
            "to_review": self.review,
            "per_category": [
                {
                    "category": label,
                    "name": names.get(label, ""),
                    "support": self.tp[label] + self.fn[label],
                    "tp": self.tp[label],
                    "fp": self.fp[label],
                    "fn": self.fn[label],
                    "precision": r(self.precision(label)),
                    "recall": r(self.recall(label)),
                }
                for label in self.labels()
            ],
            "by_kind": {k: {"correct": c, "rows": n} for k, (c, n) in sorted(self.by_kind.items())},
            "errors": self.errors,
        }


def read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationFileError(f"无法读取评测文件{path}：{exc}") from exc
    if not rows:
        raise EvaluationFileError(f"评测文件{path}没有数据行")
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        raise EvaluationFileError(
            f"评测文件缺少列：{'、'.join(missing)}（须有 gbt_code、business_scope、expected）"
        )
    return rows


def evaluate(rows: Iterable[dict[str, str]], classify: Callable[[str, str], Decision]) -> Evaluation:
    """Every row's decision against its label. The predicted label is the decision's 小类 (or 非文化),
    whether or not it goes to review; how many go to review is counted beside."""
    ev = Evaluation()
    for row in rows:
        expected = (row.get("expected") or "").strip() or NOT_CULTURE
        d = classify(row["gbt_code"].strip(), row["business_scope"])
        got = d.category_code or NOT_CULTURE
        ev.rows += 1
        ev.review += d.needs_review
        kind = (row.get("kind") or "").strip() or "-"
        tally = ev.by_kind.setdefault(kind, [0, 0])
        tally[1] += 1
        if got == expected:
            ev.correct += 1
            tally[0] += 1
            ev.tp[got] += 1
        else:
            ev.fp[got] += 1
            ev.fn[expected] += 1
            ev.errors.append(
                {
                    "id": row.get("id", ""),
                    "gbt_code": row["gbt_code"],
                    "business_scope": row["business_scope"],
                    "expected": expected,
                    "got": got,
                    "reason": d.reason,
                }
            )
    return ev


def report_lines(out: dict[str, Any]) -> list[str]:
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    lines = [
        f"评测样本：{out['rows']}条；准确率 {pct(out['accuracy'])}；需人工审核 {out['to_review']}条",
        "",
        f"{'小类':<6}{'名称':<20}{'样本':>4}{'TP':>5}{'FP':>5}{'FN':>5}{'精确率':>9}{'召回率':>9}",
    ]
    for c in out["per_category"]:
        lines.append(
            f"{c['category']:<6}{c['name'][:18]:<20}{c['support']:>4}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}"
            f"{pct(c['precision']):>9}{pct(c['recall']):>9}"
        )
    lines.append("")
    lines.append(
        "按样本类型：" + "；".join(f"{k} {v['correct']}/{v['rows']}" for k, v in out["by_kind"].items())
    )
    if out["errors"]:
        lines.append("")
        lines.append(f"判错的样本（{len(out['errors'])}）：")
        for e in out["errors"]:
            lines.append(
                f"  #{e['id']} {e['gbt_code']} “{e['business_scope']}”：应为{e['expected']}，判为{e['got']}"
            )
    return lines
