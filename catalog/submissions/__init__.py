"""New catalog products created by sellers, hidden until staff approve them (ADR 0081).

``product_submit`` creates the product (``is_active=False``, ``review_status=pending``),
its pictures and the seller's first offer in one transaction. Staff decide in the admin
with ``product_review_approve`` (the product becomes active, its buy box and search
document are refreshed) or ``product_review_reject`` (it stays hidden; the reason is
shown to the seller). Both e-mail the seller's owners. A rejected product can be corrected
and sent again (``product_resubmit``): it is ``pending`` once more, in the same queue.
``is_active`` is what every storefront list, the product page and the search index already
read, so a product waiting for review is nowhere on the storefront.

A product with variations (``product_family_submit``, ADR 0095) is a parent, never sold, and
its variations, each with the seller's offer; all wait for review together, and staff decide
on the parent, which decides the family.

``checks`` holds the field and picture checks, ``submit`` the seller's writes, ``review``
the staff decisions, ``family`` the product with variations.
"""

from catalog.submissions.checks import (
    ATTRIBUTES_MAX,
    IMAGES_MAX,
    WEIGHT_MAX_GRAMS,
    SubmissionRefused,
    gtin_is_valid,
    leaf_categories,
)
from catalog.submissions.family import (
    VARIATIONS_MAX,
    VARIATIONS_MIN,
    VariationOffer,
    VariationRefused,
    product_family_submit,
)
from catalog.submissions.review import product_review_approve, product_review_reject
from catalog.submissions.submit import product_resubmit, product_submit, resubmittable_product

__all__ = [
    "ATTRIBUTES_MAX",
    "IMAGES_MAX",
    "WEIGHT_MAX_GRAMS",
    "VARIATIONS_MAX",
    "VARIATIONS_MIN",
    "SubmissionRefused",
    "VariationOffer",
    "VariationRefused",
    "gtin_is_valid",
    "leaf_categories",
    "product_family_submit",
    "product_resubmit",
    "product_review_approve",
    "product_review_reject",
    "product_submit",
    "resubmittable_product",
]
