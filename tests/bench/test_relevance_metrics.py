"""The relevance benchmark's metrics, BM25 baseline, judgment rules and judged-query set.

No database: the metrics are checked on tiny hand-made rankings with values worked out by
hand, the rules on hand-made products, and the judged set against the demo vocabulary.
"""

import math

import pytest

from bench.relevance.bm25 import BM25, random_orders
from bench.relevance.facts import Facts, contains, facts_of, styles
from bench.relevance.judgments import check_rule, length_kind, load_judgments, parse_judgments
from bench.relevance.metrics import (
    dcg,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    score_query,
    summarise,
)
from bench.relevance.rules import grade, grade_catalog, index_facts

LOG2_3 = math.log2(3)


# --- metrics ------------------------------------------------------------------------------


def test_dcg_discounts_each_gain_by_log2_of_its_rank_plus_one():
    assert dcg([1, 0.1, 0]) == pytest.approx(1 + 0.1 / LOG2_3, abs=1e-12)
    assert dcg([1, 0.1, 0]) == pytest.approx(1.0630929753571459, abs=1e-12)
    assert dcg([]) == 0


def test_ndcg_divides_by_the_best_ranking_of_every_judged_product():
    # given: a substitute first, the exact product second; the catalog also has a complement
    grades = {1: "substitute", 2: "exact", 3: "complement"}
    # when
    value = ndcg_at_k([1, 2, 99], grades)
    # then: (0.1 + 1 / log2 3) / (1 + 0.1 / log2 3 + 0.01 / log2 4)
    assert value == pytest.approx(0.6843315801483025, abs=1e-12)
    assert ndcg_at_k([2, 1, 3], grades) == pytest.approx(1.0)


def test_ndcg_counts_only_the_first_k_results():
    grades = {50: "exact"}
    ranking = list(range(100, 110)) + [50]
    assert ndcg_at_k(ranking, grades, k=10) == 0.0
    assert ndcg_at_k(ranking, grades, k=11) == pytest.approx(1 / math.log2(12))


def test_ndcg_is_zero_without_judged_products_or_relevant_results():
    assert ndcg_at_k([1, 2], {}) == 0.0
    assert ndcg_at_k([], {1: "exact"}) == 0.0
    assert ndcg_at_k([7, 8], {1: "exact"}) == 0.0


def test_recall_is_capped_at_k_exact_products():
    few = {1: "exact", 2: "exact", 3: "exact", 4: "substitute"}
    assert recall_at_k([4, 1, 9, 2], few) == pytest.approx(2 / 3)
    many = dict.fromkeys(range(20), "exact")
    assert recall_at_k([0, 1, 2, 3, 4, 50, 51, 52, 53, 54, 5], many) == pytest.approx(0.5)
    assert recall_at_k([1], {1: "substitute"}) == 0.0


def test_reciprocal_rank_is_that_of_the_first_exact_product():
    grades = {5: "substitute", 6: "exact", 7: "exact"}
    assert reciprocal_rank([5, 9, 6, 7], grades) == pytest.approx(1 / 3)
    assert reciprocal_rank([5, 9], grades) == 0.0


def test_summary_gives_means_and_shares_of_queries():
    # given: a query answered perfectly with 12 results, one with 3 results and no exact one,
    # one with no result at all
    scores = [
        score_query([1], {1: "exact"}, total=12),
        score_query([5, 6, 7], {1: "exact"}, total=3),
        score_query([], {1: "exact"}, total=0),
    ]
    # when
    s = summarise(scores)
    # then
    assert (s.n, s.ndcg, s.recall, s.mrr) == (
        3,
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
    )
    assert s.zero_rate == pytest.approx(1 / 3)
    assert s.under_k_rate == pytest.approx(2 / 3)


# --- BM25 and random orders ---------------------------------------------------------------


def test_bm25_scores_by_the_standard_formula():
    # given: product 1 "red red shoe", 2 "shoe", 3 "blue"; N 3, average length 5/3
    index = BM25([(1, "red", 2), (1, "shoe", 1), (2, "shoe", 1), (3, "blue", 1)])
    # when
    scores = index.scores(["red", "shoe", "shoe"])
    ranking, total = index.rank(["red", "shoe"], depth=10)
    # then: idf(red) = ln(1 + 2.5 / 1.5), idf(shoe) = ln(1 + 1.5 / 2.5), k1 1.2, b 0.75
    assert index.idf("red") == pytest.approx(0.9808292530117263, abs=1e-12)
    assert index.idf("shoe") == pytest.approx(0.47000362924573563, abs=1e-12)
    assert scores == {1: pytest.approx(1.4550431176011571, abs=1e-12), 2: pytest.approx(0.561960861054684)}
    assert (ranking, total) == ([1, 2], 2)
    assert index.matching(["shoe", "blue", "nothing"]) == [1, 2, 3]


def test_bm25_breaks_ties_by_the_lower_id_and_stops_at_depth():
    index = BM25([(9, "mug", 1), (4, "mug", 1), (7, "mug", 1)])
    assert index.rank(["mug"], depth=2) == ([4, 7], 3)
    assert index.rank(["teapot"], depth=2) == ([], 0)


def test_random_orders_are_repeatable_samples_of_the_matches():
    ids = list(range(100))
    orders = random_orders(ids, depth=24, samples=3, seed=5)
    assert orders == random_orders(ids, depth=24, samples=3, seed=5)
    assert [len(o) for o in orders] == [24, 24, 24]
    assert all(len(set(o)) == 24 and set(o) <= set(ids) for o in orders)
    assert orders[0] != orders[1]
    assert random_orders([3, 1], depth=24, samples=1, seed=5)[0] in ([1, 3], [3, 1])


# --- facts and rules ----------------------------------------------------------------------


def test_facts_read_the_longest_noun_then_adjectives_and_features_from_the_title():
    facts = facts_of(
        pk=1,
        title="Voltura Smart Smart Speaker, Dual Pairing, Black",
        brand="Voltura",
        top="Electronics",
        sub="Speakers",
        attributes={"Colour": "Black"},
        variants=[],
    )
    assert facts.noun == "Smart Speaker"
    assert facts.adjectives == {"Smart"}
    assert facts.features == {"Dual Pairing"}
    plain = facts_of(
        pk=2, title="Voltura Smart Speaker, Dual Pairing", brand="Voltura", top="Electronics",
        sub="Speakers", attributes={}, variants=[],
    )  # fmt: skip
    assert (plain.noun, plain.adjectives) == ("Smart Speaker", frozenset())


def test_facts_merge_the_values_of_a_familys_variations():
    facts = facts_of(
        pk=3,
        title="Stride Lab Men's Cushioned Running Shoes, Arch Support",
        brand="Stride Lab",
        top="Shoes",
        sub="Running Shoes",
        attributes={"Colour": "Navy", "Sole": "Rubber"},
        variants=[{"Size": "9"}, {"Size": "9.5"}],
    )
    assert facts.attributes == {"Colour": {"Navy"}, "Sole": {"Rubber"}, "Size": {"9", "9.5"}}
    assert facts.noun == "Running Shoes"


def test_books_and_films_get_the_one_noun_of_their_subcategory():
    assert styles()[("Books", "Fiction")].nouns == ("Novel",)
    facts = facts_of(pk=4, title="The Salt Machine", brand="Lantern House", top="Books", sub="Fiction",
                     attributes={}, variants=[])  # fmt: skip
    assert facts.noun == "Novel"


def test_phrases_match_whole_words_only():
    assert contains("Finch & Fox Men's Chinos", "Men's")
    assert not contains("Finch & Fox Women's Chinos", "Men's")
    assert contains("Power Bank, 20,000 mAh", "20,000 mAh")
    assert not contains("Toy, Ages 3+", "Ages 3+ years")


SHOE = Facts(
    id=10,
    title="AeroStep Women's Leather Hiking Boots, Arch Support",
    brand="AeroStep",
    top="Shoes",
    sub="Boots",
    noun="Hiking Boots",
    adjectives=frozenset({"Leather"}),
    features=frozenset({"Arch Support"}),
    attributes={"Upper material": frozenset({"Mesh"}), "Size": frozenset({"8", "9"})},
)
DEFINES = {"leather": [{"adj": ["Leather"]}, {"attr": {"Upper material": ["Leather"]}}]}


def test_the_first_grade_whose_rule_holds_wins():
    rules = {"exact": {"noun": ["Hiking Boots"], "attr": {"Size": ["9"]}}, "substitute": {"sub": ["Boots"]}}
    assert grade(rules, SHOE, DEFINES) == "exact"
    assert grade({**rules, "exact": {"noun": ["Hiking Boots"], "attr": {"Size": ["10"]}}}, SHOE, DEFINES) == (
        "substitute"
    )
    assert (
        grade({"exact": {"sub": ["Sandals"]}, "complement": {"top": ["Shoes"]}}, SHOE, DEFINES)
        == "complement"
    )
    assert grade({"exact": {"sub": ["Sandals"]}}, SHOE, DEFINES) == "irrelevant"


def test_not_any_and_named_conditions():
    without_leather = {"exact": {"noun": ["Hiking Boots"], "not": {"is": ["leather"]}}}
    assert grade(without_leather, SHOE, DEFINES) == "irrelevant"
    either = {"exact": {"any": [{"feature": ["Memory Foam Insole"]}, {"title": ["women's"]}]}}
    assert grade(either, SHOE, DEFINES) == "exact"
    assert grade({"exact": {"title": ["men's"]}}, SHOE, DEFINES) == "irrelevant"


def test_rules_naming_values_no_product_has_are_refused():
    assert check_rule({"noun": ["Hiking Boot"]}, {}) == ["noun 'Hiking Boot' does not exist"]
    assert check_rule({"attr": {"Size": ["13"]}}, {}) == ["attribute 'Size' has no value '13'"]
    assert check_rule({"colour": ["Red"]}, {}) == ["unknown key 'colour' in {'colour': ['Red']}"]
    assert check_rule({"is": ["nothing"]}, {}) == ["is 'nothing': no such definition"]
    assert check_rule({"attr": {"Author": ["Anyone"]}, "sub": ["Fiction"]}, {}) == []


def test_a_query_without_an_exact_rule_or_judged_twice_is_a_problem():
    data = {"query": [{"text": "mug", "substitute": {"noun": ["Coffee Mug"]}}, {"text": "mug", "exact": {}}]}
    _, _, problems = parse_judgments(data)
    assert problems == ["'mug': no exact rule", "'mug': judged twice"]


# --- the judged set -----------------------------------------------------------------------


def test_the_judged_set_is_large_varied_and_valid():
    queries, _ = load_judgments()
    kinds = [k for q in queries for k in q.kinds]
    assert len(queries) >= 150
    assert kinds.count("long") >= len(queries) / 3
    for kind in ("negation", "numbers", "brand", "typo", "synonym", "compound", "short"):
        assert kinds.count(kind) >= 10, kind


def test_length_kinds_count_words():
    assert [length_kind(t) for t in ("tv", "65 inch tv", "a b c d", "dog bed for large dogs")] == [
        "short", "medium", "medium", "long",
    ]  # fmt: skip


def vocabulary_catalog() -> list[Facts]:
    """Products of every subcategory covering each of its nouns and each brand of its family."""
    from marketplace.demo import vocabulary as v

    products = []
    for top in v.TOP_CATEGORIES:
        brands = v.FAMILIES[top.family].brands
        for sub in top.subs:
            style = styles()[(top.name, sub.name)]
            for i in range(max(len(sub.nouns), len(brands))):
                n = len(products)
                products.append(
                    Facts(
                        id=n + 1,
                        title=f"{brands[i % len(brands)]} {sub.nouns[i % len(sub.nouns)]}",
                        brand=brands[i % len(brands)],
                        top=top.name,
                        sub=sub.name,
                        noun=sub.nouns[i % len(sub.nouns)],
                        adjectives=frozenset(style.adjectives[n % 3 : n % 3 + 2]),
                        features=frozenset(style.features[n % 2 :]),
                    )
                )
    return products


def test_grading_only_the_products_in_scope_gives_the_grades_of_all():
    # given: every query, and a catalog with every noun and brand of the vocabulary
    queries, defines = load_judgments()
    products = vocabulary_catalog()
    index = index_facts(products)
    for query in queries:
        # when
        scoped = grade_catalog(query.rules, products, index, defines)
        # then
        everything = {f.id: grade(query.rules, f, defines) for f in products}
        assert scoped == {pid: g for pid, g in everything.items() if g != "irrelevant"}, query.text


# --- the report ---------------------------------------------------------------------------


def test_the_report_compares_the_rankers_overall_and_by_kind_and_lists_defects():
    from bench.relevance.judgments import JudgedQuery
    from bench.relevance.report import render
    from bench.relevance.run import QueryRun, Run

    # given: one query answered perfectly by ours only, one with no exact product at all
    mug = Facts(id=1, title="Wild Clay Studio Coffee Mug", noun="Coffee Mug")
    found = QueryRun(
        query=JudgedQuery(text="coffee mug", kinds=("short",), rules={}),
        grades={1: "exact"},
        ours=score_query([1], {1: "exact"}, total=12),
        bm25=score_query([], {1: "exact"}, total=0),
        random=score_query([], {1: "exact"}, total=0),
        ours_ids=[1],
    )
    defect = QueryRun(
        query=JudgedQuery(text="teapot without lid", kinds=("medium", "negation"), rules={}),
        grades={},
        ours=score_query([1], {}, total=1),
        bm25=score_query([1], {}, total=1),
        random=score_query([1], {}, total=1),
        ours_ids=[1],
    )
    run = Run(
        queries=[found, defect], facts={1: mug}, backend="postgres", database="db", products=1, listed=1,
        depth=24, random_samples=1, seconds={"queries": 0.5},
    )  # fmt: skip
    # when
    text = render(run, command="python -m bench.relevance", worst=1, label="abc123")
    # then
    assert "| ours (postgres) | 0.500 | 0.500 | 0.500 | 0.0% | 50.0% |" in text
    assert "| BM25 | 0.000 | 0.000 | 0.000 | 50.0% | 100.0% |" in text
    assert "| negation | 1 | 0.000 / 0.000 / 0.000 |" in text
    assert "| short | 1 | 1.000 / 0.000 / 0.000 |" in text
    assert "Code: abc123" in text
    assert "(a defect of the set): `teapot without lid`." in text
    assert "1. `teapot without lid` (medium, negation): nDCG 0.000 (BM25 0.000), 1 results, 0 exact" in text
    assert "Ours: [-] Wild Clay Studio Coffee Mug." in text
