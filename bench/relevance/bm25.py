"""A plain BM25 baseline over the products' text, and a random order of the products that match.

The text of a product is what the search document holds, as one field (fields concatenated,
no weights): title, brand, the names of its category and the category's ancestors, the
distinct attribute values of the product and its active variations, and the first 4,000
characters of the description. PostgreSQL's ``to_tsvector('english', ...)`` tokenises and stems
it (and the query), so both sides split words the same way, but nothing else of the search
code is used. A query's lexemes are OR-ed (an exclusion "-x" or "without x" is just another
word); each unique lexeme adds idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), with
idf = ln(1 + (N - df + 0.5) / (df + 0.5)), k1 = 1.2, b = 0.75. Ties go to the lower id.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Sequence

K1 = 1.2
B = 0.75

CORPUS_SQL = """
SELECT p.id, lex.lexeme, coalesce(array_length(lex.positions, 1), 1)
FROM catalog_product p
JOIN catalog_category c ON c.id = p.category_id
LEFT JOIN catalog_brand b ON b.id = p.brand_id
CROSS JOIN LATERAL (
    SELECT string_agg(a.name, ' ') AS names FROM catalog_category a
    WHERE a.id = ANY(string_to_array(rtrim(c.path, '/'), '/')::bigint[])
) cats
CROSS JOIN LATERAL (
    SELECT string_agg(DISTINCT kv.value, ' ') AS vals
    FROM catalog_product v
    CROSS JOIN LATERAL jsonb_each_text(
        CASE WHEN jsonb_typeof(v.attributes) = 'object' THEN v.attributes ELSE '{}' END
        || CASE WHEN jsonb_typeof(v.variant_attributes) = 'object' THEN v.variant_attributes ELSE '{}' END
    ) kv
    WHERE v.id = p.id OR (v.parent_id = p.id AND v.is_active)
) attrs
CROSS JOIN LATERAL unnest(to_tsvector('english', concat_ws(' ',
    p.title, b.name, cats.names, attrs.vals, left(p.description, 4000)))) lex
WHERE p.parent_id IS NULL AND p.is_active
"""

QUERY_TERMS_SQL = """
SELECT q.i, lex.lexeme
FROM unnest(%s::text[]) WITH ORDINALITY AS q(text, i)
CROSS JOIN LATERAL unnest(to_tsvector('english', q.text)) lex
ORDER BY q.i, lex.lexeme
"""


class BM25:
    """An in-memory inverted index: lexeme -> {product id: term frequency}."""

    def __init__(self, rows: Iterable[tuple[int, str, int]], *, k1: float = K1, b: float = B):
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[int, int]] = {}
        self.lengths: dict[int, int] = {}
        for pid, lexeme, tf in rows:
            self.postings.setdefault(lexeme, {})[pid] = tf
            self.lengths[pid] = self.lengths.get(pid, 0) + tf
        self.n = len(self.lengths)
        self.avgdl = sum(self.lengths.values()) / self.n if self.n else 0.0

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        """Product id -> BM25 score, for every product that holds at least one of the terms."""
        out: dict[int, float] = {}
        for term in dict.fromkeys(terms):
            posting = self.postings.get(term)
            if not posting:
                continue
            idf = self.idf(term)
            for pid, tf in posting.items():
                norm = self.k1 * (1 - self.b + self.b * self.lengths[pid] / self.avgdl)
                out[pid] = out.get(pid, 0.0) + idf * tf * (self.k1 + 1) / (tf + norm)
        return out

    def rank(self, terms: Iterable[str], depth: int) -> tuple[list[int], int]:
        """(the best ``depth`` product ids, best first; how many products match any term)."""
        scores = self.scores(terms)
        best = heapq.nsmallest(depth, scores.items(), key=lambda item: (-item[1], item[0]))
        return [pid for pid, _ in best], len(scores)

    def matching(self, terms: Iterable[str]) -> list[int]:
        """Every product holding at least one of the terms, in id order."""
        ids: set[int] = set()
        for term in dict.fromkeys(terms):
            ids.update(self.postings.get(term, ()))
        return sorted(ids)


def random_orders(ids: Sequence[int], *, depth: int, samples: int, seed: int) -> list[list[int]]:
    """``samples`` uniformly random orderings of ``ids``, each cut to its first ``depth``."""
    rng = random.Random(seed)
    return [rng.sample(ids, min(depth, len(ids))) for _ in range(samples)]


def load_corpus(cursor) -> BM25:
    cursor.execute(CORPUS_SQL)
    return BM25(cursor.fetchall())


def query_terms(cursor, texts: Sequence[str]) -> list[list[str]]:
    """The english lexemes of each query text (stop words dropped), in the texts' order."""
    cursor.execute(QUERY_TERMS_SQL, [list(texts)])
    terms: list[list[str]] = [[] for _ in texts]
    for i, lexeme in cursor.fetchall():
        terms[i - 1].append(lexeme)
    return terms
