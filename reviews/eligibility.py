"""Who may review a product family: a buyer whose order line of it was delivered (DESIGN decision 9).

A family is a parent with its variations, or a standalone product; a review
belongs to the family, so a buyer of "Size M" and of "Size L" reviews once.
The line must be in a parcel the carrier delivered (an outbound ``fulfillment.Shipment``
delivered): a paid, shipped, cancelled or refunded-before-delivery order does
not count. A line delivered and then returned still does: the buyer had the
product in hand (docs/decisions/0086-reviews.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from catalog.models import Product
from fulfillment.models import Shipment
from marketplace.core.errors import ApplicationError
from orders.models import OrderLine

NOT_DELIVERED = "You can review a product once an order of it has been delivered to you."
ALREADY_REVIEWED = "You have already reviewed this product: edit your review instead."
SIGN_IN = "Sign in to review a product."


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The family to review and the delivered line that entitles the buyer."""

    family: Product
    line: OrderLine
    purchased_product: Product | None
    variation_label: str


def family_of(product: Product) -> Product:
    """The product a review of ``product`` belongs to: its parent, or itself."""
    return product.parent if product.parent_id else product


def variation_label(product: Product | None) -> str:
    """ "Size: M, Colour: Blue" for a variation; empty for anything else."""
    if product is None or not product.parent_id or not product.variant_attributes:
        return ""
    return ", ".join(f"{name}: {value}" for name, value in product.variant_attributes.items())[:200]


def delivered_lines(*, user, family: Product):
    """The buyer's order lines of the family that a delivered parcel carried, newest delivery first."""
    return (
        OrderLine.objects.filter(
            seller_order__order__user=user,
            shipment_lines__shipment__status=Shipment.Status.DELIVERED,
            shipment_lines__shipment__direction=Shipment.Direction.OUTBOUND,
        )
        .filter(
            product__in=Product.objects.filter(pk=family.pk) | Product.objects.filter(parent_id=family.pk)
        )
        .annotate(delivered=Max("shipment_lines__shipment__delivered_at"))
        .select_related("product", "seller_order")
        .order_by("-delivered", "-id")
    )


def review_eligibility(*, user, product: Product) -> Eligibility:
    """The buyer's right to review ``product``'s family, or ``ApplicationError`` saying why not."""
    from reviews.models import Review

    if user is None or not user.is_authenticated:
        raise ApplicationError(SIGN_IN)
    family = family_of(product)
    if Review.objects.filter(author=user, product=family).exists():
        raise ApplicationError(ALREADY_REVIEWED)
    line = delivered_lines(user=user, family=family).first()
    if line is None:
        raise ApplicationError(NOT_DELIVERED)
    purchased = line.product
    return Eligibility(
        family=family, line=line, purchased_product=purchased, variation_label=variation_label(purchased)
    )
