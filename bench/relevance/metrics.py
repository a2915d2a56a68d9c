"""Ranking metrics over graded judgments: plain functions of a ranked id list and the grades.

``grades`` maps a product id to its grade (exact, substitute, complement); a product not in it
is irrelevant. Gains: exact 1, substitute 0.1, complement 0.01, irrelevant 0 (rules.GAINS).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.relevance.rules import GAINS

K = 10


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: the sum of gain / log2(rank + 1), ranks from 1."""
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def ndcg_at_k(ranking: Sequence[int], grades: Mapping[int, str], k: int = K) -> float:
    """DCG of the first k results over the DCG of the best k of every judged product (0 if none)."""
    ideal = dcg(sorted((GAINS[g] for g in grades.values()), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(GAINS[grades.get(pid, "irrelevant")] for pid in ranking[:k]) / ideal


def recall_at_k(ranking: Sequence[int], grades: Mapping[int, str], k: int = K) -> float:
    """Exact products in the first k over min(k, exact products in the catalog) (0 if none).

    Capped at k, so 1.0 means the first k results are as exact as the catalog allows.
    """
    exact = sum(1 for g in grades.values() if g == "exact")
    if not exact:
        return 0.0
    found = sum(1 for pid in ranking[:k] if grades.get(pid) == "exact")
    return found / min(k, exact)


def reciprocal_rank(ranking: Sequence[int], grades: Mapping[int, str]) -> float:
    """1 / the rank of the first exact product of the ranking; 0 when none is in it."""
    for rank, pid in enumerate(ranking, start=1):
        if grades.get(pid) == "exact":
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class QueryScore:
    ndcg: float
    recall: float
    rr: float
    total: int  # how many products the ranker says match
    zero: bool
    under_k: bool  # fewer than k results


def score_query(ranking: Sequence[int], grades: Mapping[int, str], total: int, k: int = K) -> QueryScore:
    return QueryScore(
        ndcg=ndcg_at_k(ranking, grades, k),
        recall=recall_at_k(ranking, grades, k),
        rr=reciprocal_rank(ranking, grades),
        total=total,
        zero=total == 0,
        under_k=total < k,
    )


@dataclass(frozen=True)
class Summary:
    n: int
    ndcg: float
    recall: float
    mrr: float
    zero_rate: float
    under_k_rate: float


def summarise(scores: Sequence[QueryScore]) -> Summary:
    """Means over the queries (rates as shares of the queries)."""
    n = len(scores)
    if not n:
        return Summary(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return Summary(
        n=n,
        ndcg=sum(s.ndcg for s in scores) / n,
        recall=sum(s.recall for s in scores) / n,
        mrr=sum(s.rr for s in scores) / n,
        zero_rate=sum(s.zero for s in scores) / n,
        under_k_rate=sum(s.under_k for s in scores) / n,
    )


def mean_scores(samples: Sequence[QueryScore]) -> QueryScore:
    """The average of several scores of one query (random orderings)."""
    n = len(samples)
    first = samples[0]
    return QueryScore(
        ndcg=sum(s.ndcg for s in samples) / n,
        recall=sum(s.recall for s in samples) / n,
        rr=sum(s.rr for s in samples) / n,
        total=first.total,
        zero=first.zero,
        under_k=first.under_k,
    )
