"""Typo tolerance without pg_trgm: a vocabulary of catalog words and edit distance.

The vocabulary (``catalog.SearchTerm``: words of titles, brands and category
names with their frequency) is loaded into each process and reloaded when its
version in the cache changes. A query word that is neither a catalog word
(same stem) nor the start of one is compared, by a bounded Damerau-Levenshtein
distance, with the catalog words of similar length that start with the same
letter (or the same two letters swapped); the most frequent of the closest
wins.
"""

from __future__ import annotations

import bisect
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

VERSION_KEY = "search:vocabulary:version"
MIN_WORD_LENGTH = 4


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment distance of a and b, or limit + 1 if it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


def max_distance(word: str) -> int:
    if len(word) < MIN_WORD_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2


@dataclass
class Vocabulary:
    version: str
    sorted_terms: list[str]
    frequency: dict[str, int]
    buckets: dict[tuple[str, int], list[str]]

    @classmethod
    def build(cls, version: str, rows) -> Vocabulary:
        frequency = dict(rows)
        buckets = defaultdict(list)
        for term in frequency:
            buckets[term[0], len(term)].append(term)
        return cls(version, sorted(frequency), frequency, dict(buckets))

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.sorted_terms, prefix)
        return i < len(self.sorted_terms) and self.sorted_terms[i].startswith(prefix)

    def completions(self, prefix: str, *, limit: int = 5, scan: int = 500) -> list[str]:
        """Return the most frequent words starting with prefix (among the first ``scan``)."""
        if not prefix:
            return []
        i = bisect.bisect_left(self.sorted_terms, prefix)
        found = []
        for term in self.sorted_terms[i : i + scan]:
            if not term.startswith(prefix):
                break
            found.append(term)
        found.sort(key=lambda t: (-self.frequency[t], t))
        return found[:limit]

    def correct(self, word: str) -> str | None:
        """Return the catalog word closest to word (ties: most frequent), or None."""
        limit = max_distance(word)
        if not limit:
            return None
        firsts = {word[0]} | ({word[1]} if len(word) > 1 else set())
        best: tuple[int, int, str] | None = None
        for first in firsts:
            for length in range(len(word) - limit, len(word) + limit + 1):
                for term in self.buckets.get((first, length), ()):
                    distance = damerau_levenshtein(word, term, limit)
                    if distance > limit:
                        continue
                    key = (distance, -self.frequency[term], term)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None


_lock = threading.Lock()
_loaded: Vocabulary | None = None


def vocabulary_changed() -> None:
    """Tell every process to reload the vocabulary on its next search."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def vocabulary() -> Vocabulary:
    """Return this process's vocabulary, reloading it when another process changed it."""
    global _loaded
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    if _loaded is not None and _loaded.version == version:
        return _loaded
    with _lock, connection.cursor() as cursor:
        cursor.execute("SELECT term, frequency FROM catalog_searchterm")
        _loaded = Vocabulary.build(version, cursor.fetchall())
    return _loaded


def unknown_words(words: list[str]) -> set[str]:
    """Return the words whose stem is no catalog word's stem (stop words count as known)."""
    words = sorted({w for w in words if len(w) >= MIN_WORD_LENGTH and not w.isdigit()})
    if not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS q(w) "
            "CROSS JOIN LATERAL (SELECT (ts_lexize('english_stem', q.w))[1] AS stem) s "
            "WHERE s.stem IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM catalog_searchterm t WHERE t.lexeme = s.stem)",
            [words],
        )
        return {row[0] for row in cursor.fetchall()}


def analyse(words: list[str], *, last_word: str | None) -> tuple[dict[str, str], bool]:
    """Return ({misspelt word: correction}, whether the last word is a prefix being typed).

    The last word is being typed when it is no catalog word but starts one;
    it is then matched as a prefix and not corrected.
    """
    unknown = unknown_words(words)
    vocab = vocabulary() if unknown or last_word else None
    prefix_last = bool(
        last_word
        and last_word not in vocab.frequency
        and (last_word in unknown or len(last_word) < MIN_WORD_LENGTH)
        and vocab.has_prefix(last_word)
    )
    fixes = {}
    for word in sorted(unknown):
        if word == last_word and prefix_last:
            continue
        fix = vocab.correct(word)
        if fix and fix != word:
            fixes[word] = fix
    return fixes, prefix_last
