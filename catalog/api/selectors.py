"""Reads the API needs that the storefront pages do not."""

from __future__ import annotations

from catalog.models import Category


def category_tree() -> list[dict]:
    """Every active category reachable from an active root, as nested dicts, in one query.

    Each node: ``id``, ``slug``, ``name``, ``children`` (ordered by position, then name).
    A category under an inactive parent is left out, as the storefront cannot reach it.
    """
    rows = list(
        Category.objects.filter(is_active=True)
        .only("id", "slug", "name", "parent_id", "position", "depth")
        .order_by("depth", "position", "name")
    )
    nodes = {row.pk: {"id": row.pk, "slug": row.slug, "name": row.name, "children": []} for row in rows}
    roots = []
    for row in rows:
        if row.parent_id is None:
            roots.append(nodes[row.pk])
        elif row.parent_id in nodes:
            nodes[row.parent_id]["children"].append(nodes[row.pk])
        else:
            nodes.pop(row.pk)  # its parent is inactive (or itself unreachable)
    return roots
