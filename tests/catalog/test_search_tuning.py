"""Relevance tuning (issue 12): real words are not "corrected" into unrelated catalog words, words the
catalog lacks do not count in minimum-should-match, and a correction weighs less than a word typed."""

import pytest

from catalog.search import SearchQuery, search
from catalog.search.spelling import Vocabulary
from tests.catalog.test_search_ranking import shop, slugs  # noqa: F401 (the fixture)

VOCABULARY = Vocabulary.build(
    "test",
    [("loom", 182), ("oil", 62), ("cars", 57), ("lens", 63), ("pens", 14), ("deep", 11)]
    + [("battery", 135), ("butter", 17), ("lamp", 5), ("lamb", 3), ("samsung", 40)],
)


@pytest.mark.parametrize("word", ["room", "soil", "ears", "keep"])
def test_a_short_word_keeps_its_first_letter(word):
    assert VOCABULARY.correct(word) is None


@pytest.mark.parametrize(
    ("word", "fix"),
    [("bamsung", "samsung"), ("amsung", "samsung"), ("asmsung", "samsung"), ("lmap", "lamp")],
)
def test_long_words_and_swaps_may_still_change_the_first_letter(word, fix):
    assert VOCABULARY.correct(word) == fix


@pytest.mark.parametrize(("word", "fix"), [("pens", None), ("battery", None), ("lamb", "lamp")])
def test_a_catalog_word_moves_one_edit_and_keeps_its_first_letter(word, fix):
    assert VOCABULARY.correct(word, exclude=word, real_word=True) == fix


def test_a_word_the_catalog_lacks_does_not_count_in_minimum_should_match(shop):  # noqa: F811
    # given "dorm" and "room" only in a description: no catalog (title) word, and no correction
    shop("fridge", "Mini Fridge", "Fits a dorm room.")
    shop("throw", "Small Loom Throw")
    shop("small-fridge", "Small Fridge")
    shop.index()

    # when
    result = search(SearchQuery(text="small fridge for a dorm room"))

    # then 2 of the 2 known words, or 1 of them with both of the others; nothing on "small" alone
    assert [hit.product.slug for hit in result.hits] == ["fridge", "small-fridge"]
    assert result.did_you_mean is None
    assert result.corrected_words == {}


def test_a_correction_weighs_less_than_the_word_typed(shop):  # noqa: F811
    # given "moving" is no catalog word and is corrected to "movies"; "soil" has no correction
    shop("barrow", "Garden Wheelbarrow")
    shop("movies", "Movies Box Set", sales=500)
    shop.index()

    # when
    result = search(SearchQuery(text="wheelbarrow for moving soil"))

    # then the word typed ranks above the correction, whatever the sales
    assert [hit.product.slug for hit in result.hits] == ["barrow", "movies"]
    assert result.corrected_words == {"moving": "movies"}
