"""What the results page shows beside the hits: links that change one thing in the URL.

Every state of a search lives in its query string, so each facet value, chip,
sort option and page is a plain link built here from the current parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from catalog.search.types import FILTER_NAMES, Facet, SearchQuery, SearchResult

Params = list[tuple[str, str]]


@dataclass
class Link:
    label: str
    url: str
    count: int | None = None
    selected: bool = False


@dataclass
class FacetBlock:
    name: str
    label: str
    links: list[Link]
    open: bool


def query_from_params(params, *, page_size: int) -> SearchQuery:
    """Build the SearchQuery of a query string (a QueryDict or anything with getlist)."""
    filters = {name: tuple(params.getlist(name)) for name in FILTER_NAMES if params.getlist(name)}
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    return SearchQuery(
        text=params.get("q", "")[:500],
        filters=filters,
        sort=params.get("sort") or "relevance",
        page=max(1, min(page, 10_000)),
        page_size=page_size,
    )


def _url(path: str, params: Params) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _without(params: Params, *names: str, pair: tuple[str, str] | None = None) -> Params:
    return [(k, v) for k, v in params if k != "page" and k not in names and (k, v) != pair]


def facet_blocks(path: str, params: Params, result: SearchResult) -> list[FacetBlock]:
    blocks = []
    for facet in result.facets:
        links = [_facet_link(path, params, facet, value) for value in facet.values]
        blocks.append(FacetBlock(facet.name, facet.label, links, any(v.selected for v in facet.values)))
    return blocks


def _facet_link(path: str, params: Params, facet: Facet, value) -> Link:
    name = facet.name
    if name == "availability":
        name, flag = value.value, "1"
        target = _without(params, name) if value.selected else _without(params, name) + [(name, flag)]
    elif name == "price":
        low, _, high = value.value.partition("-")
        target = _without(params, "price_min", "price_max")
        if not value.selected:
            target += [("price_min", low)] if low != "0" else []
            target += [("price_max", high)] if high else []
    elif name in ("category", "rating"):
        target = _without(params, name) + ([] if value.selected else [(name, value.value)])
    else:  # brand, seller, condition: any of several
        pair = (name, value.value)
        target = _without(params, pair=pair) if value.selected else _without(params) + [pair]
    return Link(value.label, _url(path, target), value.count, value.selected)


def chips(path: str, params: Params, result: SearchResult) -> list[Link]:
    """A removable chip per applied filter."""
    links = []
    for applied in result.applied_filters:
        if applied.name in ("brand", "seller", "condition"):
            target = _without(params, pair=(applied.name, applied.value))
        else:
            target = _without(params, applied.name)
        links.append(Link(applied.label, _url(path, target)))
    return links


def hidden_fields(params: Params, *skip: str) -> Params:
    """The parameters a GET form must carry along (everything but ``skip`` and the page)."""
    return _without(params, *skip)
