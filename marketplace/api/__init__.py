"""What every REST API v1 endpoint shares (docs/api.md, docs/decisions/0090-rest-api.md).

``errors``: every error as ``application/problem+json`` (RFC 9457), in one place;
``pagination``: cursor pagination with a bounded page size; ``throttling``: per user and per IP;
``mixins``: refusing unknown fields on writes and ETags on reads; ``views``: the index, the
OpenAPI schema and its docs page.
"""
