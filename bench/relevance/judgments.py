"""Load ``judgments.toml``: the judged queries, their kinds and rules, checked against the vocabulary.

Every value a rule names (department, subcategory, noun, brand, adjective, feature, attribute
name and value) must be one the demo generator can produce (``marketplace.demo.vocabulary``),
so a misspelt value in a rule is an error, never a rule that silently matches nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench.relevance.rules import GRADES, RuleError, condition_values
from marketplace.demo import vocabulary as v

JUDGMENTS = Path(__file__).with_name("judgments.toml")
# Kinds written in the file; the length kinds are computed from the number of words.
TAGGED_KINDS = ("negation", "numbers", "brand", "typo", "synonym", "compound")
LENGTH_KINDS = ("short", "medium", "long")
KINDS = (*LENGTH_KINDS, *TAGGED_KINDS)
# Attributes the generator fills with made-up values (names, page counts, years).
FREE_ATTRIBUTES = frozenset({"Author", "Pages", "Publisher", "Publication year", "Release year"})


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    kinds: tuple[str, ...]  # the length kind first, then the written ones
    rules: dict  # grade -> rule (see rules.py)
    note: str = ""


def length_kind(text: str) -> str:
    """short: 1-2 words, medium: 3-4, long: 5 or more (words as separated by spaces)."""
    words = len(text.split())
    return "short" if words <= 2 else "medium" if words <= 4 else "long"


@cache
def vocabulary() -> dict[str, frozenset[str]]:
    """Every value a rule may name, by key."""
    tops = v.TOP_CATEGORIES
    families = [v.FAMILIES[t.family] for t in tops]
    styles = list(v.SUB_STYLES.values())
    attributes: dict[str, set[str]] = {}
    for source in [f.attributes for f in families] + [s.get("attributes", {}) for s in styles]:
        for name, values in source.items():
            attributes.setdefault(name, set()).update(values)
    for f in families:
        for name, values in f.variation_values.items():
            attributes.setdefault(name, set()).update(values)
    attributes.setdefault("Format", set())
    return {
        "top": frozenset(t.name for t in tops),
        "sub": frozenset(s.name for t in tops for s in t.subs),
        "noun": frozenset(n for t in tops for s in t.subs for n in s.nouns),
        "brand": frozenset(b for f in families for b in f.brands),
        "adj": frozenset(a for f in families for a in f.adjectives)
        | frozenset(a for s in styles for a in s.get("adjectives", ())),
        "feature": frozenset(x for f in families for x in f.features)
        | frozenset(x for s in styles for x in s.get("features", ())),
        **{f"attr:{name}": frozenset(values) for name, values in attributes.items()},
    }


def check_rule(rule, defines: dict) -> list[str]:
    """Return what is wrong with a rule: unknown keys or values no product can have."""
    known = vocabulary()
    problems = []
    try:
        for key, value in condition_values(rule):
            if key == "title":
                if not value.strip():
                    problems.append("an empty title phrase")
            elif key == "is":
                if value not in defines:
                    problems.append(f"is {value!r}: no such definition")
            elif key == "attr":
                name, val = value
                if name in FREE_ATTRIBUTES:
                    continue
                if f"attr:{name}" not in known:
                    problems.append(f"attribute {name!r} does not exist")
                elif val not in known[f"attr:{name}"]:
                    problems.append(f"attribute {name!r} has no value {val!r}")
            elif value not in known[key]:
                problems.append(f"{key} {value!r} does not exist")
    except RuleError as error:
        problems.append(str(error))
    return problems


def parse_judgments(data: dict) -> tuple[list[JudgedQuery], dict, list[str]]:
    """(queries, definitions, problems) of the parsed TOML data."""
    defines = data.get("define", {})
    problems = []
    for name, rule in defines.items():
        problems += [f"define {name}: {p}" for p in check_rule(rule, defines)]
    queries, seen = [], set()
    for entry in data.get("query", []):
        text = entry.get("text", "")
        if not text.strip():
            problems.append(f"a query without text: {entry!r}")
            continue
        if text in seen:
            problems.append(f"{text!r}: judged twice")
        seen.add(text)
        kinds = tuple(entry.get("kinds", ()))
        problems += [f"{text!r}: unknown kind {k!r}" for k in kinds if k not in TAGGED_KINDS]
        unknown = set(entry) - {"text", "kinds", "note", *GRADES}
        problems += [f"{text!r}: unknown field {k!r}" for k in sorted(unknown)]
        if "exact" not in entry:
            problems.append(f"{text!r}: no exact rule")
        rules = {g: entry[g] for g in GRADES if g in entry}
        for g, rule in rules.items():
            problems += [f"{text!r} {g}: {p}" for p in check_rule(rule, defines)]
        queries.append(
            JudgedQuery(text=text, kinds=(length_kind(text), *kinds), rules=rules, note=entry.get("note", ""))
        )
    return queries, defines, problems


def load_judgments(path: Path = JUDGMENTS) -> tuple[list[JudgedQuery], dict]:
    """The judged queries and the named conditions; raise RuleError when the file has problems."""
    with path.open("rb") as f:
        queries, defines, problems = parse_judgments(tomllib.load(f))
    if problems:
        raise RuleError(f"{path.name}: " + "; ".join(problems))
    return queries, defines
