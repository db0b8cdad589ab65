"""The explainable culture classifier: GB/T 4754 code (+ business scope for the 18 partial codes)
→ 2018 culture 小类 or "not cultural", with a confidence and a reason a person can read.

Pure: the mapping and rules are passed in; jieba segments the scope (keywords are added to its
dictionary so a rule's phrase stays one token)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
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
    # search mode adds the words inside a long word (开业典礼 → 开业, 典礼), so a two-character keyword
    # is found in a compound the dictionary keeps whole
    return frozenset(jieba.lcut_for_search(scope, HMM=False))


def _clause_with(scope: str, word: str) -> str:
    for clause in _CLAUSE.split(scope):
        if word in clause:
            return clause.strip()
    return word


# --- business scope → clauses, with the exclusions set apart ----------------------------------------

# Words that turn what follows them (to the end of the clause) into an exclusion.
_NEG_BEFORE = ("不含", "不包含", "不包括", "不得从事", "不得经营", "不涉及", "不从事", "禁止")
# Words that turn what precedes them (from the start of the clause) into an exclusion.
_NEG_AFTER = ("除外", "限分支机构经营", "限分支经营", "分支机构经营")
# Boilerplate of registration extracts: no evidence either way, dropped.
_BOILERPLATE = (
    "依法须经批准的项目",
    "依法需经批准的项目",
    "经相关部门批准后方可开展经营活动",
    "具体经营项目以审批结果为准",
    "具体经营项目以相关部门批准文件或许可证件为准",
    "凭营业执照依法自主开展经营活动",
    "未经金融等监管部门批准",
)
_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE = re.compile(r"[；;。\n]+")
_HEAD = re.compile(r"^(一般项目|许可项目|一般经营项目|许可经营项目|经营范围)[:：]?")


@dataclass(frozen=True)
class Clauses:
    """A business scope read clause by clause: `evidence` (what the firm does), `excluded` (clauses
    under 不含/除外/不得从事/限分支机构经营 …) and `dropped` (registration boilerplate)."""

    evidence: tuple[str, ...]
    excluded: tuple[str, ...]
    dropped: tuple[str, ...]

    @property
    def text(self) -> str:
        return "；".join(self.evidence)


def _negated(clause: str) -> tuple[str, str]:
    """(kept part, excluded part) of one clause."""
    for word in _NEG_BEFORE:
        at = clause.find(word)
        if at >= 0:
            return clause[:at].strip(" ，,、:："), clause[at:].strip(" ，,、")
    for word in _NEG_AFTER:
        at = clause.find(word)
        if at >= 0:
            # "A、B除外" / "C（限分支机构经营）": the words before the marker, from the last comma on
            head = clause[:at]
            cut = max(head.rfind("，"), head.rfind(","))
            return head[: cut + 1].strip(" ，,、"), clause[cut + 1 :].strip(" ，,、")
    return clause, ""


@lru_cache(maxsize=65536)
def clauses(scope: str) -> Clauses:
    text = unicodedata.normalize("NFKC", scope or "")
    evidence: list[str] = []
    excluded: list[str] = []
    dropped: list[str] = []
    # parentheses first: "财务软件开发（不含网络游戏）", "X（限分支机构经营）", "（危险品除外）"
    while True:
        m = _PAREN.search(text)
        if m is None:
            break
        inner = m.group(1).strip()
        before, after = text[: m.start()], text[m.end() :]
        if any(b in inner for b in _BOILERPLATE):
            dropped.append(inner)
            text = before + after
        elif any(w in inner for w in _NEG_AFTER[1:]):
            # the clause the parenthesis qualifies is for branches only: not the firm's own business
            cut = max(before.rfind(s) for s in "；;。\n，,、")
            excluded.append(f"{before[cut + 1 :].strip()}（{inner}）")
            text = before[: cut + 1] + after
        elif any(w in inner for w in (*_NEG_BEFORE, *_NEG_AFTER)):
            excluded.append(inner)
            text = before + after
        else:
            text = f"{before}，{inner}{after}" if inner else before + after
    for sentence in _SENTENCE.split(text):
        sentence = _HEAD.sub("", sentence.strip()).strip(" ，,、")
        if not sentence:
            continue
        if any(b in sentence for b in _BOILERPLATE):
            dropped.append(sentence)
            continue
        kept, gone = _negated(sentence)
        if gone:
            excluded.append(gone)
        if kept:
            evidence.append(kept)
    return Clauses(tuple(evidence), tuple(excluded), tuple(dropped))


def _matches(words: tuple[str, ...], text: str, tokens: frozenset[str]) -> list[str]:
    return [w for w in words if w in tokens or (len(w) >= 3 and w in text)]


def _partial_code(code: str, mapping: dict[str, MapEntry]) -> Decision:
    """A GB/T code given only to 门类/大类/中类 (a letter, 2 or 3 digits): the 小类 cannot be told, so the
    decision goes to review unless no culture 小类 lies under it."""
    level = {1: "门类", 2: "大类", 3: "中类"}.get(len(code), "部分")
    under = sorted(c for c in mapping if c.startswith(code)) if code.isdigit() else []
    if not under:
        if not code.isdigit():
            reason = f"行业只填到{level}（{code}），无法判定文化产业小类，需人工审核"
            return Decision(None, 0.3, reason, "code")
        return Decision(
            None, 0.9, f"行业代码{code}只到{level}，其下没有属于文化产业的小类 → 非文化产业", "code"
        )
    cats = sorted({mapping[c].category_code for c in under})
    names = "、".join(f"{c}" for c in under[:6]) + ("等" if len(under) > 6 else "")
    guess = cats[0] if len(cats) == 1 else None
    target = f"，可能为 {cats[0]} {mapping[under[0]].category_name}" if guess else ""
    return Decision(
        guess,
        0.5,
        f"行业代码{code}只到{level}，其下{names}属于文化产业{target}；无法判定具体小类，需人工审核",
        "code",
    )


def classify(gbt_code: str, scope: str, *, mapping: dict[str, MapEntry], rules: dict[str, Rule]) -> Decision:
    code = (gbt_code or "").strip()
    if not code:
        return Decision(None, 0.3, "未填国民经济行业代码，无法判定", "code")
    if len(code) < 4:
        return _partial_code(code, mapping)
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
    parts = clauses(scope)
    evidence = parts.text
    tokens = _tokens(evidence) if evidence else frozenset()
    hits = _matches(rule.include, evidence, tokens)
    against = _matches(rule.exclude, evidence, tokens)
    # what the exclusions mention is said, so a reader sees why it did not count
    negated = [w for w in rule.include if any(w in x for x in parts.excluded) and w not in hits]
    note = ""
    if negated:
        shown = "、".join([f"“{x}”" for x in parts.excluded if any(w in x for w in negated)][:2])
        note = f"（{shown}为除外条款，不作为依据）"
    if hits and not against:
        quoted = "、".join(f"“{_clause_with(evidence, w)}”" for w in dict.fromkeys(hits[:3]))
        confidence = 0.9 if len(hits) >= 2 else 0.8
        return Decision(
            rule.category_code, confidence, f"{head}；经营范围含{quoted}{note} → {target}", "scope"
        )
    if hits and against:
        return Decision(
            rule.category_code,
            0.5,
            f"{head}；经营范围既含“{'、'.join(hits[:3])}”又含排除词“{'、'.join(against[:3])}”{note}，"
            f"暂归 {target}，需人工审核",
            "scope",
        )
    return Decision(
        None, 0.75, f"{head}；经营范围未含{entry.category_name}相关关键词{note} → 非文化产业", "scope"
    )
