"""A query plan made ready for the PostgreSQL backend's SQL, and how a candidate is scored.

The score (docs/search.md, "Ranking and its cost"):
    coverage ** COVERAGE_POWER * (TEXT_FLOOR + ts_rank + PROXIMITY_BONUS * adjacent
    + FREE_OF_BONUS * x_free) * (1 + POPULARITY_WEIGHT * popularity)
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.search.filters import ResolvedFilters
from catalog.search.matching import QueryPlan
from catalog.search.spelling import vocabulary

RANK_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D description, C categories and attributes, B brand, A title
# coverage = the share of the query's weight (rare words weigh more) the product holds;
# adjacent = two query words side by side; x_free = it says "X free" for an "X free" query.
COVERAGE_POWER = 2
TEXT_FLOOR = 0.1
PROXIMITY_BONUS = 0.15
FREE_OF_BONUS = 0.5  # the product says "X-free" when the shopper asked for "X free"
POPULARITY_WEIGHT = 0.5


@dataclass
class SqlPlan:
    """A query made ready for SQL."""

    tsq: str  # empty: no text, every listed product matches
    tsq_positive: str  # the same without exclusions (ts_rank scores a negation as 0)
    tsq_all: str  # every unit required ("" when that is tsq)
    tsq_rank: str
    tsq_proximity: str
    tsq_free: str
    units: list[str]  # tsquery text of each unit, for coverage
    labels: list[str]  # each unit as typed
    weights: list[float]  # each unit's weight
    coverage_base: int
    relaxed: bool  # a product may match without every unit
    corrections: dict[str, str]
    filters: ResolvedFilters
    searchable: bool
    source: QueryPlan


def sql_plan(plan: QueryPlan, *, corrections, filters: ResolvedFilters, searchable: bool) -> SqlPlan:
    units = plan.units
    return SqlPlan(
        tsq=plan.match(),
        tsq_positive=plan.match(positive_only=True),
        tsq_all=plan.match(strict=True) if plan.relaxed else "",
        tsq_rank=plan.rank(),
        tsq_proximity=plan.proximity(),
        tsq_free=plan.free_of(),
        units=[u.tsquery() for u in units],
        labels=[u.label for u in units],
        weights=[u.weight for u in units],
        coverage_base=plan.coverage_base,
        relaxed=plan.relaxed and len(plan.groups) == 1,
        corrections=corrections,
        filters=filters,
        searchable=searchable,
        source=plan,
    )


def score_sql(plan: SqlPlan) -> tuple[str, str]:
    """SQL of the relevance score of a candidate ``d`` (with ``q`` and ``m.mask``), and of the
    bitmask of the units it contains (bit i: unit i)."""
    checks = [f"(d.document @@ q.units[{i + 1}])::int * {1 << i}" for i in range(len(plan.units))]
    mask = " + ".join(checks) or "0"
    if len(plan.source.groups) == 1 and not plan.source.relaxed:
        # every unit is required: each candidate holds them all, nothing to check
        mask, coverage = str((1 << len(plan.units)) - 1), "1.0"
    elif plan.weights and len(plan.source.groups) == 1:
        # the share of the query's weight (rare words weigh more) that the product holds
        total = sum(plan.weights)
        parts = " + ".join(f"((m.mask >> {i}) & 1) * {w / total:.4f}" for i, w in enumerate(plan.weights))
        coverage = f"({parts})"
    elif plan.coverage_base:
        coverage = f"least(1.0, bit_count(m.mask::bit(32)) / {float(plan.coverage_base)})"
    else:
        coverage = "1.0"
    text = f"{TEXT_FLOOR} + coalesce(ts_rank('{RANK_WEIGHTS}', d.document, q.r), 0)"
    if plan.tsq_proximity:
        text += f" + {PROXIMITY_BONUS} * coalesce((d.document @@ q.p)::int, 0)"
    if plan.tsq_free:
        text += f" + {FREE_OF_BONUS} * coalesce((d.document @@ q.f)::int, 0)"
    score = f"power({coverage}, {COVERAGE_POWER}) * ({text}) * (1 + {POPULARITY_WEIGHT} * d.popularity)"
    return score, mask


def prefix_fixes(plan: SqlPlan) -> dict[str, str]:
    """{the word being typed: its correction}, when it is one (the prefix unit)."""
    typed = [u.label for u in plan.source.units if u.prefix and u.label.isalpha()]
    if not typed:
        return {}
    fix = vocabulary().correct(typed[0], completions=False)  # the prefix has them
    return {typed[0]: fix} if fix and fix != typed[0] else {}


def real_word_fixes(plan: SqlPlan, masks: dict[int, int]) -> dict[str, str]:
    """{word: its closest other catalog word} for the words no shown product contains."""
    missing, _ = unmatched_words(plan, masks)
    candidates = [w for w in missing if " " not in w and w not in plan.corrections and w.isalpha()]
    if not candidates:
        return {}
    vocab = vocabulary()
    fixes = {w: vocab.correct(w, exclude=w, real_word=True) for w in candidates}
    return {w: fix for w, fix in fixes.items() if fix and fix.rstrip("s") != w.rstrip("s")}


def unmatched_words(plan: SqlPlan, masks: dict[int, int]) -> tuple[list[str], list[str]]:
    """The words no shown product contains, and those some shown products lack."""
    if not masks or not plan.relaxed:
        return [], []
    missing, partial = [], []
    for i, label in enumerate(plan.labels):
        holders = sum(1 for mask in masks.values() if mask & (1 << i))
        if holders == 0:
            missing.append(label)
        elif holders < len(masks):
            partial.append(label)
    return missing, partial
