"""Judgment rules: grade any product for a query from its structured data (``facts.Facts``).

A query in ``judgments.toml`` has up to three rules, ``exact``, ``substitute`` and
``complement``, tried in that order; the first that holds gives the grade, and a product none
holds is irrelevant. A rule is a condition or a list of conditions (any of them). A condition
is a table whose keys must all hold:

- ``top``, ``sub``, ``noun``, ``brand``: the product's department, subcategory, noun or brand is
  one of the listed values;
- ``adj``, ``feature``: one of the listed adjectives or features is in the title;
- ``attr = {Name = [values]}``: for each name, the product or one of its variations has one of
  the values;
- ``title = [phrases]``: one of the phrases is in the title, as whole words;
- ``is = [names]``: each named condition of ``[define]`` holds;
- ``any = [conditions]``: at least one holds; ``not = condition or [conditions]``: none holds.
"""

from __future__ import annotations

from collections.abc import Mapping

from bench.relevance.facts import Facts, contains

GRADES = ("exact", "substitute", "complement")
GAINS = {"exact": 1.0, "substitute": 0.1, "complement": 0.01, "irrelevant": 0.0}
LIST_KEYS = ("top", "sub", "noun", "brand", "adj", "feature", "title", "is")
KEYS = frozenset({*LIST_KEYS, "attr", "any", "not"})


class RuleError(ValueError):
    """A rule that names a key the language does not have, or is not shaped as it should be."""


def as_conditions(rule) -> list[Mapping]:
    """A rule is one condition or a list of them; return the list."""
    if rule is None:
        return []
    if isinstance(rule, Mapping):
        return [rule]
    if isinstance(rule, list) and all(isinstance(c, Mapping) for c in rule):
        return rule
    raise RuleError(f"a rule is a table or a list of tables, not {rule!r}")


def holds(condition: Mapping, facts: Facts, defines: Mapping[str, list]) -> bool:
    """Whether every key of the condition holds for the product."""
    return all(_key_holds(key, value, facts, defines) for key, value in condition.items())


def _key_holds(key: str, value, facts: Facts, defines: Mapping[str, list]) -> bool:
    if key == "top":
        return facts.top in value
    if key == "sub":
        return facts.sub in value
    if key == "noun":
        return facts.noun in value
    if key == "brand":
        return facts.brand in value
    if key == "adj":
        return not facts.adjectives.isdisjoint(value)
    if key == "feature":
        return not facts.features.isdisjoint(value)
    if key == "title":
        return any(contains(facts.title, phrase) for phrase in value)
    if key == "attr":
        return all(
            not facts.attributes.get(name, frozenset()).isdisjoint(vals) for name, vals in value.items()
        )
    if key == "is":
        return all(any_holds(defines[name], facts, defines) for name in value)
    if key == "any":
        return any_holds(value, facts, defines)
    if key == "not":
        return not any_holds(value, facts, defines)
    raise RuleError(f"unknown key {key!r}")


def any_holds(rule, facts: Facts, defines: Mapping[str, list]) -> bool:
    return any(holds(c, facts, defines) for c in as_conditions(rule))


def grade(query: Mapping, facts: Facts, defines: Mapping[str, list]) -> str:
    """The grade of the product for the query: exact, substitute, complement or irrelevant."""
    for name in GRADES:
        if any_holds(query.get(name), facts, defines):
            return name
    return "irrelevant"


def condition_values(rule):
    """Yield (key, value) for every leaf of a rule, nested ones included, to validate them."""
    for condition in as_conditions(rule):
        for key, value in condition.items():
            if key not in KEYS:
                raise RuleError(f"unknown key {key!r} in {dict(condition)!r}")
            if key in ("any", "not"):
                yield from condition_values(value)
            elif key == "attr":
                if not isinstance(value, Mapping):
                    raise RuleError(f"attr takes a table of lists, not {value!r}")
                for name, vals in value.items():
                    if not isinstance(vals, list):
                        raise RuleError(f"attr {name!r} takes a list, not {vals!r}")
                    for val in vals:
                        yield "attr", (name, val)
            else:
                if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                    raise RuleError(f"{key} takes a list of strings, not {value!r}")
                for val in value:
                    yield key, val


SCOPE_KEYS = ("noun", "sub", "brand", "top")


def scope(rule, defines: Mapping[str, list]) -> set[tuple[str, str]] | None:
    """Pairs (key, value) of which a product must have one for the rule to hold; None: any product.

    Only a shortcut: grading the products in scope gives the same grades as grading all of them.
    """
    pairs: set[tuple[str, str]] = set()
    for condition in as_conditions(rule):
        found = _condition_scope(condition, defines)
        if found is None:
            return None
        pairs |= found
    return pairs


def _condition_scope(condition: Mapping, defines: Mapping[str, list]) -> set[tuple[str, str]] | None:
    for key in SCOPE_KEYS:
        if key in condition:
            return {(key, value) for value in condition[key]}
    for name in condition.get("is", ()):
        found = scope(defines[name], defines)
        if found is not None:
            return found
    if "any" in condition:
        return scope(condition["any"], defines)
    return None


def scope_key(facts: Facts) -> tuple[tuple[str, str], ...]:
    return (("noun", facts.noun), ("sub", facts.sub), ("brand", facts.brand), ("top", facts.top))


def index_facts(products: list[Facts]) -> dict[tuple[str, str], list[Facts]]:
    """(key, value) -> the products that have it, for ``grade_catalog``."""
    index: dict[tuple[str, str], list[Facts]] = {}
    for facts in products:
        for pair in scope_key(facts):
            index.setdefault(pair, []).append(facts)
    return index


def grade_catalog(
    rules: Mapping, products: list[Facts], index: Mapping, defines: Mapping[str, list]
) -> dict[int, str]:
    """Product id -> grade, for every product of the catalog the query does not find irrelevant."""
    pairs: set[tuple[str, str]] | None = set()
    for name in GRADES:
        found = scope(rules.get(name), defines)
        if found is None:
            pairs = None
            break
        pairs |= found
    if pairs is None:
        candidates = products
    else:
        seen: dict[int, Facts] = {}
        for pair in pairs:
            for facts in index.get(pair, ()):
                seen[facts.id] = facts
        candidates = list(seen.values())
    grades = {}
    for facts in candidates:
        g = grade(rules, facts, defines)
        if g != "irrelevant":
            grades[facts.id] = g
    return grades
