"""Search relevance measured on judged shopper queries (issue 12, item 4).

    .venv/bin/python -m bench.relevance                     # make bench-relevance
    .venv/bin/python -m bench.relevance --database-url postgres://postgres@127.0.0.1:5432/copy

``judgments.toml`` holds the queries and, for each, rules over a product's
structured data that grade every listed product of the demo catalog (exact,
substitute, complement, irrelevant). The run sends each query through
``catalog.search.search(SearchQuery(...))`` as the results page does, ranks the
same catalog with a plain BM25 baseline and a random order of the products that
match any word, and reports nDCG@10, recall@10, MRR, the zero-result rate and
the share of queries with fewer than 10 results, overall and by kind of query.
See docs/search.md, "Relevance".
"""
