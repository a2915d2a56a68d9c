"""Parse shopper query text into clauses: words, phrases, exclusions, negations.

Web-search syntax (``websearch_to_tsquery``'s): words, "quoted phrases",
``-exclusions`` and ``or`` between alternatives. On top of it, the way shoppers
type: negation phrases ("without X", "no X", "X-free", "X free") make X a
*soft* negation (never required; see ``matching.NEGATION``), shopping stop
words ("for", "with", "best", ...) are never required, and a number followed
by a unit ("65 inch", "3.5mm", "1tb", '65"') becomes one phrase, written the
way ``normalise_units`` writes documents too. Only letters, digits and the
``.``/``/`` inside numbers ("3.5", "3/4") reach a tsquery, each lexeme quoted,
so no input can produce tsquery syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from catalog.search.types import MAX_QUERY_LENGTH

MAX_CLAUSES = 12
MAX_WORD_LENGTH = 40

_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# A number with its decimals or fraction ("3.5", "3/4") is one word, as PostgreSQL's parser reads it.
_WORD_RE = re.compile(r"\d+(?:[./]\d+)+|[^\W_]+")

# PostgreSQL's english stop words (share/tsearch_data/english.stop) and words shoppers add that
# say nothing about the product. None is ever required; a query of nothing else still searches.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own same
    so than too very s t can will just don should now
    w best good great nice top cheap cheapest quality perfect ideal really something looking want
    need needs buy works that's thats"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
NEGATION_WORDS = frozenset({"without", "no", "not", "w/o", "minus", "excluding"})
FREE_WORD = "free"

# Units written after a number, split from it ("1tb" -> "1 tb") in documents and queries alike.
UNITS = (
    "mm|cm|km|in|inch|inches|ft|feet|oz|lb|lbs|kg|mg|g|ml|l|gb|tb|mb|mah|w|kw|v|hz|khz|mhz|ghz|qt|gal|"
    "pcs|pc|pack|pk|ct|count|piece|pieces|watt|watts|volt|volts|mp|fps|rpm|sqft"
)
UNIT_WORDS = frozenset(UNITS.split("|"))
# What normalise_units does, as PostgreSQL regular expressions (ARE) for the document SQL.
UNIT_SQL_STEPS = (
    ('([0-9])\\s*(["”″]|inches\\M|inch\\M|in\\M)', "\\1 inch ", "gi"),
    (f"([0-9])({UNITS})\\M", "\\1 \\2", "gi"),
)
_INCH_RE = re.compile(r"(\d)\s*([\"”″]|inches\b|inch\b|in\b)", re.IGNORECASE)
_UNIT_RE = re.compile(rf"(\d)({UNITS})\b", re.IGNORECASE)


def normalise_units(text: str) -> str:
    """Split a unit from its number and spell inches one way: '65in', '65"' -> '65 inch'."""
    return _UNIT_RE.sub(r"\1 \2", _INCH_RE.sub(r"\1 inch ", text))


def normalise_units_sql(expression: str) -> str:
    """SQL applying normalise_units to a text expression (for the documents)."""
    for pattern, replacement, flags in UNIT_SQL_STEPS:
        quoted = pattern.replace("'", "''")
        expression = f"regexp_replace({expression}, '{quoted}', '{replacement}', '{flags}')"
    return expression


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    phrase: bool = False  # the words must be adjacent, in order
    negated: bool = False  # an explicit -exclusion
    soft: bool = False  # a negation in words ("without X", "X-free"): never required
    free_form: bool = False  # the soft negation was written "X free" / "X-free"
    required: bool = False  # a "quoted phrase": always required
    stop: bool = False  # a stop word: never required

    @property
    def meaningful(self) -> bool:
        return not (self.negated or self.soft or self.stop)


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # OR of ANDs

    @property
    def is_empty(self) -> bool:
        """True when nothing positive was asked for (only exclusions, negations or punctuation)."""
        return not any(not c.negated and not c.soft for group in self.groups for c in group)

    def positive_words(self) -> list[str]:
        return [w for group in self.groups for c in group if c.meaningful for w in c.words]

    def soft_negations(self) -> list[Clause]:
        return [c for group in self.groups for c in group if c.soft]

    def last_word(self) -> str | None:
        """The last word typed when it stands alone (not in a phrase, a negation or a number)."""
        if not self.groups or not self.groups[-1]:
            return None
        clause = self.groups[-1][-1]
        if not clause.meaningful or clause.phrase or len(clause.words) != 1:
            return None
        word = clause.words[0]
        return None if any(ch.isdigit() for ch in word) else word

    def to_tsquery(self, *, prefix_last: bool = False) -> str:
        """Every meaningful word required (the strict reading; for display and tests)."""
        last = self.last_word() if prefix_last else None
        groups = []
        for group in self.groups:
            parts = []
            for clause in group:
                if clause.stop or clause.soft:
                    continue
                prefix = last is not None and clause is self.groups[-1][-1]
                text = phrase_tsquery(clause.words, prefix=prefix)
                parts.append(f"!{text}" if clause.negated else text)
            if parts:
                groups.append(" & ".join(parts))
        return " | ".join(f"( {group} )" for group in groups)


def lexeme(word: str, *, prefix: bool = False) -> str:
    return f"'{word}'" + (":*" if prefix else "")


def phrase_tsquery(words: tuple[str, ...], *, prefix: bool = False) -> str:
    if len(words) == 1:
        return lexeme(words[0], prefix=prefix)
    return "( " + " <-> ".join(lexeme(w) for w in words) + " )"


def words_of(text: str) -> tuple[str, ...]:
    return tuple(w[:MAX_WORD_LENGTH] for w in _WORD_RE.findall(text.lower()))


def normalise(text: str) -> str:
    """Lower-case, collapse white space and cut to the maximum query length."""
    return " ".join(text.lower().split())[:MAX_QUERY_LENGTH]


def _is_number(word: str) -> bool:
    return word[:1].isdigit()


def _merge_units(group: list[Clause]) -> list[Clause]:
    """A number followed by a unit is one phrase: ("65", "inch") must be adjacent."""
    merged: list[Clause] = []
    for clause in group:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.meaningful
            and clause.meaningful
            and not previous.required
            and len(previous.words) == 1
            and _is_number(previous.words[0])
            and len(clause.words) == 1
            and clause.words[0] in UNIT_WORDS
        ):
            unit = "inch" if clause.words[0] in ("in", "inches") else clause.words[0]
            merged[-1] = Clause(words=(previous.words[0], unit), phrase=True)
            continue
        merged.append(clause)
    return merged


def _bare_clause(bare: str, negate_next: bool) -> Clause | None:
    negated = bare.startswith("-") and len(bare) > 1
    words = words_of(bare)
    if not words:
        return None
    if (
        not negated
        and len(words) > 1
        and words[-1] == FREE_WORD
        and bare.lower().rstrip(".,!?").endswith("-free")
    ):
        return Clause(words=words[:-1], phrase=len(words) > 2, soft=True, free_form=True)
    stop = not negated and len(words) == 1 and words[0] in STOP_WORDS
    if negate_next and not negated and not stop:
        return Clause(words=words, phrase=len(words) > 1, soft=True)
    return Clause(words=words, phrase=len(words) > 1, negated=negated, stop=stop)


def parse(text: str) -> ParsedQuery:
    """Parse query text; never fails, whatever the input."""
    groups: list[list[Clause]] = [[]]
    clauses = 0
    negate_next = False
    for match in _TOKEN_RE.finditer(normalise_units((text or "")[:MAX_QUERY_LENGTH])):
        if clauses >= MAX_CLAUSES:
            break
        minus, quoted, bare = match.groups()
        group = groups[-1]
        if bare is not None:
            low = bare.lower()
            if low == "or":
                if group:
                    groups.append([])
                negate_next = False
                continue
            if low in NEGATION_WORDS:
                negate_next = True
                continue
            if words_of(low) == (FREE_WORD,) and group and group[-1].meaningful and not group[-1].required:
                group[-1] = replace(group[-1], soft=True, free_form=True)
                continue
            clause = _bare_clause(bare, negate_next)
            if clause is None:
                continue
            negate_next = negate_next and clause.stop
        else:
            words = words_of(quoted)
            if not words:
                continue
            clause = Clause(words=words, phrase=len(words) > 1, negated=bool(minus), required=not minus)
            negate_next = False
        group.append(clause)
        clauses += 1
    groups = [_merge_units(group) for group in groups if group]
    # A group of exclusions alone would match nearly everything: drop it.
    groups = [group for group in groups if any(not c.negated and not c.soft for c in group)]
    return ParsedQuery(groups=groups)
