"""Schema pieces shared by the shopper endpoints (errors, headers, examples)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from marketplace.api.schema import THROTTLED, problem

NOT_SIGNED_IN = problem(401, "No or an invalid session token: sign in first.")
INVALID_BODY = problem(
    400,
    "The body is not JSON, a field is missing, has the wrong type or is not accepted "
    "(`errors` names each), or a business rule refused it (`business-rule`, `detail` says why).",
)
CART_TOKEN = OpenApiParameter(
    "X-Cart-Token",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A guest's cart token (returned by the first write to the cart). Signed in, a guest token "
        "sent with the session token merges that cart into the shopper's."
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "1 to 255 printable ASCII characters, new for each operation (a UUID is fine). A retry with "
        "the same key and body answers what the first request answered (with "
        "`Idempotent-Replayed: true`); the same key with another body is a 422."
    ),
)
# A retry while the first request runs waits for it (the key's unique index), then replays.
IDEMPOTENCY_ERRORS = problem(422, "This Idempotency-Key was used with a different body.")

__all__ = [
    "CART_TOKEN",
    "IDEMPOTENCY_ERRORS",
    "IDEMPOTENCY_KEY",
    "INVALID_BODY",
    "NOT_SIGNED_IN",
    "THROTTLED",
]
