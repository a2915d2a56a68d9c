"""From parsed clauses to what a backend matches and ranks: units and a k-of-n rule.

A *unit* is one thing the shopper asked for: a word, a number with its unit
("65 inch") or a compound ("hand shower"), with its alternatives (synonyms
from ``catalog.SearchSynonym``, a spelling correction, the joined or split
compound) and, for the last word typed, a prefix. A product matches a group of
units when it contains at least ``minimum_should_match(n)`` of its n units
(``MINIMUM_SHOULD_MATCH``, Elasticsearch's syntax and meaning), every "quoted
phrase" and none of the ``-exclusions``. Negations in words ("without X",
"X-free") are never required; ``NEGATION`` says whether they also exclude.
Both backends build their queries from a ``QueryPlan``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from itertools import combinations

from django.conf import settings

from catalog.search.parsing import STOP_WORDS, Clause, ParsedQuery, lexeme, parse, phrase_tsquery
from catalog.search.spelling import analyse, compound_finder, vocabulary
from catalog.search.synonyms import synonym_table

# 1-2 units: all required; 3: all but one; 4 or more: half, rounded up (2 of 4, 3 of 5 or 6, 4 of 7
# or 8). Elasticsearch's minimum_should_match syntax, sent to it unchanged.
MINIMUM_SHOULD_MATCH = "2<-1 3<-50%"
# A unit matched only through a spelling correction of a word the catalog lacks weighs this share of
# its weight in coverage: the shopper typed something else ("moving" is no typo of "movies").
CORRECTION_WEIGHT = 0.7  # measured: 0.25 -> nDCG@10 0.860, 0.5 -> 0.864, 0.7 -> 0.865, 1 -> 0.861
MAX_UNITS = 8  # more meaningful words than this: the rest only rank (C(8, 5) = 56 combinations)
# "ignore": a negated word is neither required nor excluded; "exclude": products that contain it
# are left out, unless they contain "X free" or "without X" (docs/search.md, "Query semantics").
NEGATION_DEFAULT = "exclude"
PG_STOP_WORDS = frozenset(
    w for w in STOP_WORDS if w not in {"w", "best", "good", "great", "nice", "top", "cheap", "cheapest"}
)
_SPEC_RE = re.compile(r"^(\d+)<(-?\d+%?)$")


def _apply(part: str, n: int) -> int:
    negative = part.startswith("-")
    value = part.lstrip("-")
    amount = math.floor(n * int(value[:-1]) / 100) if value.endswith("%") else int(value)
    return n - amount if negative else amount


def minimum_should_match(n: int, spec: str = MINIMUM_SHOULD_MATCH) -> int:
    """How many of n optional units must match, by Elasticsearch's rules for ``spec``."""
    if n <= 0:
        return 0
    required = n
    for condition in spec.split():
        found = _SPEC_RE.match(condition)
        if found and n > int(found.group(1)):
            required = _apply(found.group(2), n)
    return max(1, min(n, required))


def negation_mode() -> str:
    mode = getattr(settings, "SEARCH_NEGATION", NEGATION_DEFAULT)
    return mode if mode in ("ignore", "exclude") else NEGATION_DEFAULT


@dataclass(frozen=True)
class Unit:
    label: str  # as the shopper typed it, for "not found: ..."
    options: tuple[tuple[str, ...], ...]  # the words of each way of writing it; the first as typed
    prefix: bool = False
    weight: float = 1.0  # how telling it is (rare words more): what coverage weighs
    counted: bool = True  # False: a word the catalog lacks, not in the n of k-of-n

    def tsquery(self) -> str:
        parts = [
            phrase_tsquery(words, prefix=self.prefix and i == 0 and len(words) == 1)
            for i, words in enumerate(self.options)
        ]
        return parts[0] if len(parts) == 1 else "( " + " | ".join(parts) + " )"

    def lexemes(self) -> list[str]:
        return [lexeme(w, prefix=self.prefix and i == 0) for i, ws in enumerate(self.options) for w in ws]


@dataclass
class GroupPlan:
    units: list[Unit] = field(default_factory=list)  # optional: k of n
    required: list[Unit] = field(default_factory=list)  # quoted phrases
    excluded: list[tuple[str, ...]] = field(default_factory=list)  # -exclusions
    negated: list[Clause] = field(default_factory=list)  # "without X", "X-free"
    relaxed_by: int = 0  # units fewer than the rule asks (QueryPlan.relax)

    @property
    def minimum(self) -> int:
        if not self.units:
            return 0
        counted = sum(1 for u in self.units if u.counted)
        return max(1, minimum_should_match(counted) - self.relaxed_by)


def _k_of_n(units: list[Unit], k: int) -> str:
    texts = [u.tsquery() for u in units]
    if k >= len(texts):
        return " & ".join(texts)
    return " | ".join("( " + " & ".join(combo) + " )" for combo in combinations(texts, k))


def _negation_exclusion(clause: Clause) -> str:
    words = clause.words
    unless = [phrase_tsquery((*words, "free")), phrase_tsquery(("without", *words))]
    return "!( " + phrase_tsquery(words) + "".join(f" & !{u}" for u in unless) + " )"


@dataclass
class QueryPlan:
    groups: list[GroupPlan]
    negation: str = NEGATION_DEFAULT

    def relax(self) -> QueryPlan | None:
        """The same plan needing one unit fewer per group, or None when every group needs one."""
        if not any(g.minimum > 1 for g in self.groups):
            return None
        groups = [replace(g, relaxed_by=g.relaxed_by + (g.minimum > 1)) for g in self.groups]
        return QueryPlan(groups=groups, negation=self.negation)

    def with_alternatives(self, alternatives: dict[str, str]) -> QueryPlan:
        """The same plan where each one-word unit in ``alternatives`` also matches its value."""
        groups = [
            replace(
                g,
                units=[
                    _with_options(u, [(alternatives[u.label],)])
                    if u.label in alternatives and len(u.options[0]) == 1
                    else u
                    for u in g.units
                ],
            )
            for g in self.groups
        ]
        return QueryPlan(groups=groups, negation=self.negation)

    @property
    def searchable(self) -> bool:
        return any(g.units or g.required for g in self.groups)

    @property
    def units(self) -> list[Unit]:
        """Every optional unit of every group, in order (what coverage counts)."""
        return [u for g in self.groups for u in g.units]

    @property
    def relaxed(self) -> bool:
        """True when some product may match without every unit."""
        return any(g.minimum < len(g.units) for g in self.groups)

    @property
    def coverage_base(self) -> int:
        """The unit count a full match has (the smallest group's, for "a or b")."""
        return min((len(g.units) for g in self.groups if g.units), default=0)

    def _group(self, g: GroupPlan, *, strict: bool, positive_only: bool) -> str:
        parts = [u.tsquery() for u in g.required]
        if g.units:
            k = len(g.units) if strict else g.minimum
            parts.append(f"( {_k_of_n(g.units, k)} )")
        if not positive_only:
            parts += [f"!{phrase_tsquery(words)}" for words in g.excluded]
            if self.negation == "exclude":
                parts += [_negation_exclusion(c) for c in g.negated]
        return " & ".join(parts)

    def match(self, *, strict: bool = False, positive_only: bool = False) -> str:
        """tsquery text of what matches (``strict``: every unit required)."""
        groups = [self._group(g, strict=strict, positive_only=positive_only) for g in self.groups]
        return " | ".join(f"( {text} )" for text in groups if text)

    def rank(self) -> str:
        """Every lexeme asked for, OR-ed: what ts_rank scores (it ignores operators)."""
        seen = dict.fromkeys(x for g in self.groups for u in [*g.required, *g.units] for x in u.lexemes())
        return " | ".join(seen)

    def proximity(self) -> str:
        """Adjacent pairs of the query's words."""
        pairs = []
        for g in self.groups:
            singles = [u for u in g.units if len(u.options[0]) == 1 and not u.prefix]
            for a, b in zip(singles, singles[1:], strict=False):
                pairs.append(phrase_tsquery((a.options[0][0], b.options[0][0])))
        return " | ".join(dict.fromkeys(pairs))

    def free_of(self) -> str:
        """ "X free" for each "X-free" / "X free" negation: a product that says so is what was asked."""
        phrases = [phrase_tsquery((*c.words, "free")) for g in self.groups for c in g.negated if c.free_form]
        return " | ".join(dict.fromkeys(phrases))


def _unit(clause: Clause) -> Unit:
    return Unit(label=" ".join(clause.words), options=(clause.words,))


def _with_options(unit: Unit, extra) -> Unit:
    options = list(unit.options)
    for words in extra:
        if words and words not in options:
            options.append(tuple(words))
    return replace(unit, options=tuple(options))


def build_plan(
    parsed: ParsedQuery,
    *,
    corrections: dict[str, str] | None = None,
    prefix_last: bool = False,
    synonyms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] | None = None,
    compounds=None,
    weigh=None,
    absent: frozenset[str] | set[str] = frozenset(),
) -> QueryPlan:
    """Turn parsed clauses into units with their alternatives, group by group.

    ``compounds(first, second)`` returns the joined word when the vocabulary has it,
    ``compounds(word)`` the two words it splits into (or None). A one-word unit in
    ``absent`` (no catalog word, no correction) does not count in the k-of-n rule's n.
    """
    corrections, synonyms = corrections or {}, synonyms or {}
    last = parsed.last_word() if prefix_last else None
    groups = []
    for g_index, clauses in enumerate(parsed.groups):
        plan = GroupPlan()
        meaningful = [c for c in clauses if c.meaningful and not c.required]
        i = 0
        while i < len(meaningful):
            clause = meaningful[i]
            following = meaningful[i + 1] if i + 1 < len(meaningful) else None
            pair = (*clause.words, *following.words) if following else ()
            joined = None
            if following and len(clause.words) == len(following.words) == 1:
                joined = pair if pair in synonyms else None
                if joined is None and compounds is not None:
                    word = compounds(clause.words[0], following.words[0])
                    joined = pair if word else None
            if joined:
                unit = Unit(label=" ".join(pair), options=(pair,))
                extra = list(synonyms.get(pair, ()))
                if compounds is not None and (word := compounds(pair[0], pair[1])):
                    extra.append((word,))
                plan.units.append(_with_options(unit, extra))
                i += 2
                continue
            unit = _unit(clause)
            is_last = g_index == len(parsed.groups) - 1 and clause is clauses[-1] and last is not None
            if is_last:
                unit = Unit(label=unit.label, options=unit.options, prefix=True)
            elif clause.words[0] in absent and len(clause.words) == 1:
                unit = replace(unit, counted=False)
            extra = list(synonyms.get(clause.words, ()))
            if len(clause.words) == 1:
                word = clause.words[0]
                if word in corrections:
                    extra.append((corrections[word],))
                if compounds is not None and not is_last and (split := compounds(word)):
                    extra.append(tuple(split))
            plan.units.append(_with_options(unit, extra))
            i += 1
        plan.units = list({u.tsquery(): u for u in plan.units}.values())[:MAX_UNITS]
        if weigh is not None:
            plan.units = [
                replace(
                    u,
                    weight=min(weigh(words) for words in u.options)
                    * (CORRECTION_WEIGHT if u.label in corrections else 1.0),
                )
                for u in plan.units
            ]
        plan.required = [_with_options(_unit(c), synonyms.get(c.words, ())) for c in clauses if c.required]
        plan.excluded = [c.words for c in clauses if c.negated]
        plan.negated = [c for c in clauses if c.soft]
        if not plan.units and not plan.required:
            # Only stop words: search for those PostgreSQL indexes ("best"), never the others.
            words = [c.words for c in clauses if c.stop and c.words[0] not in PG_STOP_WORDS]
            plan.units = [Unit(label=" ".join(w), options=(w,)) for w in dict.fromkeys(words)]
        groups.append(plan)
    return QueryPlan(groups=groups, negation=negation_mode())


@dataclass
class Understood:
    parsed: ParsedQuery
    plan: QueryPlan
    corrections: dict[str, str]


def understand(text: str) -> Understood:
    """Parse the text, find its typos and prefix, and apply synonyms and compounds (both backends)."""
    parsed = parse(text)
    corrections: dict[str, str] = {}
    prefix_last = False
    if parsed.is_empty:
        return Understood(parsed, QueryPlan(groups=[], negation=negation_mode()), corrections)
    analysis = analyse(parsed.positive_words(), last_word=parsed.last_word())
    corrections, prefix_last = analysis.fixes, analysis.prefix_last
    plan = build_plan(
        parsed,
        corrections=corrections,
        prefix_last=prefix_last,
        absent=analysis.absent,
        synonyms=synonym_table(),
        compounds=compound_finder(),
        weigh=vocabulary().weight,
    )
    return Understood(parsed, plan, corrections)
