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
import math
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from catalog.search.parsing import UNIT_WORDS

VERSION_KEY = "search:vocabulary:version"
MIN_WORD_LENGTH = 4
# A word this long may have its first letter changed, added or dropped ("bamsung", "amsung"); a
# shorter one only swapped with the second: "room", "soil", "ears" are words, not typos of "loom",
# "oil", "cars" (docs/search.md, "Query semantics").
MIN_FIRST_LETTER_CHANGE = 6


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
    buckets: dict[tuple[str, int], list[str]]  # by first letter and length
    seconds: dict[tuple[str, int], list[str]]  # by second letter and length
    top_frequency: int = 1

    @classmethod
    def build(cls, version: str, rows) -> Vocabulary:
        frequency = dict(rows)
        buckets, seconds = defaultdict(list), defaultdict(list)
        for term in frequency:
            buckets[term[0], len(term)].append(term)
            if len(term) > 1:
                seconds[term[1], len(term)].append(term)
        top = max(frequency.values(), default=1)
        return cls(version, sorted(frequency), frequency, dict(buckets), dict(seconds), top)

    def weight(self, words) -> float:
        """How telling a word is: ln(1 + F / (1 + f)), f its catalog frequency (plural or
        singular), F the most frequent word's; for a phrase, its rarest word's."""
        top = self.top_frequency
        weights = []
        for word in words:
            forms = (word, word + "s", word[:-1] if word.endswith("s") else word)
            frequency = max(self.frequency.get(form, 0) for form in forms)
            weights.append(math.log(1 + top / (1 + frequency)))
        return max(weights, default=1.0)

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

    def _candidates(self, word: str, limit: int):
        """Terms of a length within ``limit`` sharing the first letter, the second (the first
        changed), or with the first two swapped, inserted or deleted."""
        seen: set[str] = set()
        for length in range(len(word) - limit, len(word) + limit + 1):
            for index, key in (
                (self.buckets, word[0]),  # same first letter
                (self.buckets, word[1]),  # first letter dropped, or the first two swapped
                (self.seconds, word[1]),  # first letter changed
                (self.seconds, word[0]),  # a letter added in front
            ):
                for term in index.get((key, length), ()):
                    if term not in seen:
                        seen.add(term)
                        yield term

    def correct(
        self, word: str, *, exclude: str = "", completions: bool = True, real_word: bool = False
    ) -> str | None:
        """Return the catalog word closest to word (ties: most frequent), or None; never
        ``exclude``, and no word that starts with ``word`` unless ``completions``. A
        ``real_word`` (a catalog word) is only moved one edit, keeping its first letter."""
        limit = 1 if real_word and max_distance(word) else max_distance(word)
        if not limit:
            return None
        best: tuple[int, int, str] | None = None
        for term in self._candidates(word, limit):
            if term == exclude or (not completions and term.startswith(word)):
                continue
            distance = damerau_levenshtein(word, term, limit)
            if distance > limit:
                continue
            # A changed first letter: one edit at most, in a long word that is no catalog word
            # ("bamsung"; not "vocals" -> "focal", "room" -> "loom", "pens" -> "lens").
            first_changed = term[0] != word[0] and term[:2] != word[1::-1]
            if first_changed and (distance > 1 or real_word or len(word) < MIN_FIRST_LETTER_CHANGE):
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
    words = sorted(
        {
            w
            for w in words
            if len(w) >= MIN_WORD_LENGTH and w not in UNIT_WORDS and not any(c.isdigit() for c in w)
        }
    )
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


@dataclass
class Analysis:
    fixes: dict[str, str]  # {misspelt word: correction}
    prefix_last: bool  # the last word is a prefix being typed
    absent: set[str]  # words no catalog word shares a stem with, and with no correction


def analyse(words: list[str], *, last_word: str | None) -> Analysis:
    """Find the misspelt words, the prefix being typed and the words the catalog lacks.

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
    absent = {w for w in unknown if w not in fixes and not (w == last_word and prefix_last)}
    return Analysis(fixes, prefix_last, absent)


MIN_COMPOUND_PART = 3


def compound_finder():
    """Return ``find(first, second)`` -> the joined word when the catalog has it, and
    ``find(word)`` -> the two catalog words an unknown word is made of (or None).

    The vocabulary is loaded on the first call only.
    """
    loaded: list[Vocabulary] = []

    def vocab() -> Vocabulary:
        if not loaded:
            loaded.append(vocabulary())
        return loaded[0]

    def find(first: str, second: str | None = None):
        if any(c.isdigit() for c in first + (second or "")):
            return None
        frequency = vocab().frequency
        if second is not None:
            joined = first + second
            return joined if min(len(first), len(second)) >= 2 and joined in frequency else None
        if len(first) < 2 * MIN_COMPOUND_PART or first in frequency:
            return None
        best = None
        for i in range(MIN_COMPOUND_PART, len(first) - MIN_COMPOUND_PART + 1):
            left, right = first[:i], first[i:]
            if left in frequency and right in frequency:
                score = min(frequency[left], frequency[right])
                if best is None or score > best[0]:
                    best = (score, (left, right))
        return best[1] if best else None

    return find
