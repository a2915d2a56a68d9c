"""Parse shopper query text into a tsquery, with web-search semantics.

Supported, as ``websearch_to_tsquery`` does: words (all required), "quoted
phrases", ``-exclusions`` and ``or`` between alternatives. On top of it: the
last word may match as a prefix (type-ahead) and a misspelt word may match
its correction too. Only letters and digits reach the tsquery, each lexeme
quoted, so no input can produce tsquery syntax; any other character splits
words, as PostgreSQL's parser would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalog.search.types import MAX_QUERY_LENGTH

MAX_CLAUSES = 12
MAX_WORD_LENGTH = 40

_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    phrase: bool = False  # the words must be adjacent, in order
    negated: bool = False


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # OR of ANDs

    @property
    def is_empty(self) -> bool:
        return not any(clause for group in self.groups for clause in group if not clause.negated)

    def positive_words(self) -> list[str]:
        return [w for group in self.groups for c in group if not c.negated for w in c.words]

    def last_word(self) -> str | None:
        """The last word typed when it stands alone (not in a phrase or an exclusion)."""
        if not self.groups or not self.groups[-1]:
            return None
        clause = self.groups[-1][-1]
        return clause.words[-1] if not clause.negated and not clause.phrase and clause.words else None

    def to_tsquery(
        self,
        *,
        prefix_last: bool = False,
        alternatives: dict[str, str] | None = None,
        weights: str = "",
        positive_only: bool = False,
    ) -> str:
        """Return text for ``to_tsquery``; ``weights`` ("AB") restricts positive words to them.

        ``positive_only`` leaves exclusions out (ts_rank scores a negation as 0).
        """
        alternatives = alternatives or {}
        last = self.last_word() if prefix_last else None
        groups = []
        for g, group in enumerate(self.groups):
            parts = []
            for c, clause in enumerate(group):
                if positive_only and clause.negated:
                    continue
                is_last = g == len(self.groups) - 1 and c == len(group) - 1
                parts.append(self._clause(clause, is_last and last is not None, alternatives, weights))
            if parts:
                groups.append(" & ".join(parts))
        return " | ".join(f"( {group} )" for group in groups)

    @staticmethod
    def _clause(clause: Clause, prefix: bool, alternatives: dict[str, str], weights: str) -> str:
        label = "" if clause.negated else weights

        def lexeme(word: str, is_prefix: bool = False) -> str:
            suffix = ("*" if is_prefix else "") + label
            return f"'{word}'" + (f":{suffix}" if suffix else "")

        if clause.phrase or len(clause.words) > 1:
            text = "( " + " <-> ".join(lexeme(w) for w in clause.words) + " )"
        else:
            word = clause.words[0]
            options = [lexeme(word, prefix)]
            if not clause.negated and word in alternatives:
                options.append(lexeme(alternatives[word]))
            text = options[0] if len(options) == 1 else "( " + " | ".join(options) + " )"
        return f"!{text}" if clause.negated else text


def words_of(text: str) -> tuple[str, ...]:
    return tuple(w[:MAX_WORD_LENGTH] for w in _WORD_RE.findall(text.lower()))


def normalise(text: str) -> str:
    """Lower-case, collapse white space and cut to the maximum query length."""
    return " ".join(text.lower().split())[:MAX_QUERY_LENGTH]


def parse(text: str) -> ParsedQuery:
    """Parse query text; never fails, whatever the input."""
    groups: list[list[Clause]] = [[]]
    clauses = 0
    for match in _TOKEN_RE.finditer((text or "")[:MAX_QUERY_LENGTH]):
        if clauses >= MAX_CLAUSES:
            break
        minus, quoted, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            negated = bare.startswith("-") and len(bare) > 1
            words = words_of(bare)
            phrase = False
        else:
            negated, words, phrase = bool(minus), words_of(quoted), True
        if not words:
            continue
        groups[-1].append(Clause(words=words, phrase=phrase and len(words) > 1, negated=negated))
        clauses += 1
    groups = [group for group in groups if group]
    # A group of exclusions alone would match nearly everything: drop it.
    groups = [group for group in groups if any(not clause.negated for clause in group)]
    return ParsedQuery(groups=groups)
