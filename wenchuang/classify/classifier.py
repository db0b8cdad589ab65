"""The explainable culture classifier: GB/T 4754 code (+ business scope for the 18 partial codes)
→ 2018 culture 小类 or "not cultural", with a confidence and a reason a person can read.

Pure: the mapping and rules are passed in; jieba segments the scope (keywords are added to its
dictionary so a rule's phrase stays one token)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

REVIEW_BELOW = 0.7
_SPLIT = re.compile(r"[\s,，、;；]+")
_CLAUSE = re.compile(r"[；;。，,、\n（）()]")


@dataclass(frozen=True)
class MapEntry:
    category_code: str
    category_name: str
    gbt_name: str
    partial: bool


@dataclass(frozen=True)
class Rule:
    gbt_code: str
    category_code: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    category_code: str | None
    confidence: float
    reason: str
    method: str  # code | scope

    @property
    def needs_review(self) -> bool:
        return self.confidence < REVIEW_BELOW


def keywords(text: str) -> tuple[str, ...]:
    return tuple(k for k in _SPLIT.split(text or "") if k)


def scope_hash(scope: str) -> str:
    return hashlib.sha256((scope or "").strip().encode()).hexdigest()[:16]


_known_words: set[str] = set()


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, imported late (its dictionary is large) and quiet: on import it sets its own logger to
    DEBUG with its own stderr handler, so "Building prefix dict…" lines would reach every CLI run."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _ensure_words(words: tuple[str, ...]) -> None:
    jieba = _jieba()

    new = [w for w in words if w not in _known_words]
    for w in new:
        jieba.add_word(w, freq=200000)
        _known_words.add(w)
    if new:
        _tokens.cache_clear()


@lru_cache(maxsize=65536)
def _tokens(scope: str) -> frozenset[str]:
    jieba = _jieba()
    return frozenset(jieba.lcut(scope, HMM=False))


def _clause_with(scope: str, word: str) -> str:
    for clause in _CLAUSE.split(scope):
        if word in clause:
            return clause.strip()
    return word


def classify(gbt_code: str, scope: str, *, mapping: dict[str, MapEntry], rules: dict[str, Rule]) -> Decision:
    code = (gbt_code or "").strip()
    if not code:
        return Decision(None, 0.3, "未填国民经济行业代码，无法判定", "code")
    entry = mapping.get(code)
    if entry is None:
        return Decision(
            None, 1.0, f"行业代码{code}不在《文化及相关产业分类（2018）》对照表中 → 非文化产业", "code"
        )
    target = f"{entry.category_code} {entry.category_name}"
    if not entry.partial:
        return Decision(
            entry.category_code, 1.0, f"行业代码{code}（{entry.gbt_name}）全部属于文化产业 → {target}", "code"
        )
    head = f"行业代码{code}为部分属于文化产业的行业(*)"
    rule = rules.get(code)
    if rule is None:
        return Decision(None, 0.4, f"{head}；尚无该行业的关键词规则，需人工审核", "scope")
    scope = (scope or "").strip()
    if not scope:
        return Decision(None, 0.3, f"{head}；未填经营范围，需人工审核", "scope")
    _ensure_words(rule.include + rule.exclude)
    tokens = _tokens(scope)
    hits = [w for w in rule.include if w in tokens or (len(w) >= 3 and w in scope)]
    against = [w for w in rule.exclude if w in tokens or (len(w) >= 3 and w in scope)]
    if hits and not against:
        quoted = "、".join(f"“{_clause_with(scope, w)}”" for w in dict.fromkeys(hits[:3]))
        confidence = 0.9 if len(hits) >= 2 else 0.8
        return Decision(rule.category_code, confidence, f"{head}；经营范围含{quoted} → {target}", "scope")
    if hits and against:
        return Decision(
            rule.category_code,
            0.5,
            f"{head}；经营范围既含“{'、'.join(hits[:3])}”又含排除词“{'、'.join(against[:3])}”，"
            f"暂归 {target}，需人工审核",
            "scope",
        )
    return Decision(None, 0.75, f"{head}；经营范围未含{entry.category_name}相关关键词 → 非文化产业", "scope")
