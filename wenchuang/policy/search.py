"""Chinese full-text search over policy clauses: jieba tokens ranked by BM25 (rank-bm25).

The index is small (clauses of published policies) and rebuilt when the clauses change."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 对 为 是 有 哪些 什么 怎么 如何 吗 呢 可以 能 给 我 我们 企业 公司"
    " ， 。 、 ？ ！ ： ； （ ） 《 》 “ ” ? ! , . ( )".split()
)
SYNONYMS = {
    "补贴": ("补助", "奖励", "资助"),
    "补助": ("补贴",),
    "奖励": ("奖补", "补贴"),
    "钱": ("补助", "奖励"),
}
_SPACE = re.compile(r"\s+")


def tokens(text: str) -> list[str]:
    return [t for t in jieba.lcut_for_search(_SPACE.sub(" ", text)) if t.strip() and t not in STOPWORDS]


def query_tokens(text: str) -> list[str]:
    out = tokens(text)
    for t in list(out):
        out.extend(SYNONYMS.get(t, ()))
    return out


@dataclass(frozen=True)
class Doc:
    key: Any
    text: str


class ClauseIndex:
    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        corpus = [tokens(d.text) or ["∅"] for d in docs]
        self.bm25 = BM25Okapi(corpus) if docs else None

    def search(
        self, query: str, *, allowed: set[Any] | None = None, limit: int = 20
    ) -> list[tuple[Any, float]]:
        """(doc key, score) best first; only documents matching at least one query token."""
        q = query_tokens(query)
        if not q or self.bm25 is None:
            return []
        scores = self.bm25.get_scores(q)
        qset = set(q)
        ranked = []
        for doc, score, toks in zip(self.docs, scores, self.bm25_corpus(), strict=True):
            if allowed is not None and doc.key not in allowed:
                continue
            if qset & toks:
                ranked.append((doc.key, float(score)))
        ranked.sort(key=lambda kv: -kv[1])
        return ranked[:limit]

    def bm25_corpus(self) -> list[set[str]]:
        if not hasattr(self, "_sets"):
            self._sets = [set(tokens(d.text)) for d in self.docs]
        return self._sets
