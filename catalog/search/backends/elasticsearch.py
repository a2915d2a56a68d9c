"""The Elasticsearch backend: not built yet (issue 3, item 3)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class ElasticsearchBackend:
    def __init__(self):
        raise ImproperlyConfigured(
            "SEARCH_BACKEND=elasticsearch is not available yet: the Elasticsearch backend is still to be "
            "built. Use SEARCH_BACKEND=postgres (the default)."
        )
