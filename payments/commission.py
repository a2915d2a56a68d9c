"""The marketplace's commission: which rate applies to a sale, and how much it is.

A rate is resolved per order line, first match wins:

1. the seller's own ``commission_rate`` (a negotiated rate covers everything
   the seller sells);
2. the product category's ``commission_rate``, or the nearest ancestor's
   that has one (``Category.path`` lists the ancestors, root first);
3. ``settings.DEFAULT_COMMISSION_RATE``.

The commission on a line is its pre-tax total (unit price x quantity) times
the rate, rounded half up to the cent. Shipping and tax carry no commission
(ADR 0032).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from catalog.models import Category
from marketplace.core.money import quantize
from orders.models import OrderLine, SellerOrder
from sellers.models import Seller


def default_commission_rate() -> Decimal:
    return Decimal(str(settings.DEFAULT_COMMISSION_RATE))


def _ancestor_ids(path: str) -> list[int]:
    """Return the category ids of ``path`` ("3/17/42/"), nearest first: [42, 17, 3]."""
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


def category_commission_rates(*, categories: Iterable[Category]) -> dict[int, Decimal | None]:
    """Return each category's effective rate (its own or its nearest ancestor's), in one query.

    ``None`` means no category on the way to the root has a rate.
    """
    paths = {category.pk: category.path for category in categories}
    wanted = {ancestor for path in paths.values() for ancestor in _ancestor_ids(path)}
    own = dict(
        Category.objects.filter(pk__in=wanted, commission_rate__isnull=False).values_list(
            "pk", "commission_rate"
        )
    )
    rates: dict[int, Decimal | None] = {}
    for category_id, path in paths.items():
        rates[category_id] = next(
            (own[ancestor] for ancestor in _ancestor_ids(path) if ancestor in own), None
        )
    return rates


def commission_rate_for(*, seller: Seller, category: Category | None) -> Decimal:
    """Return the commission rate for ``seller`` selling in ``category``."""
    if seller.commission_rate is not None:
        return seller.commission_rate
    if category is not None:
        rate = category_commission_rates(categories=[category])[category.pk]
        if rate is not None:
            return rate
    return default_commission_rate()


def seller_order_commission_lines(*, seller_order: SellerOrder) -> list[tuple[OrderLine, Decimal, Decimal]]:
    """Return (line, rate, commission) for each line of ``seller_order``.

    Three queries: the lines with their products' categories, the seller,
    and the categories' ancestors.
    """
    lines = list(
        OrderLine.objects.filter(seller_order_id=seller_order.pk)
        .select_related("product__category")
        .order_by("pk")
    )
    seller = Seller.objects.only("commission_rate").get(pk=seller_order.seller_id)
    categories = {line.product.category for line in lines if line.product_id is not None}
    category_rates = (
        {} if seller.commission_rate is not None else category_commission_rates(categories=categories)
    )
    default = default_commission_rate()
    result = []
    for line in lines:
        if seller.commission_rate is not None:
            rate = seller.commission_rate
        else:
            rate = category_rates.get(line.product.category_id) if line.product_id is not None else None
            rate = default if rate is None else rate
        result.append((line, rate, quantize(line.total_amount * rate)))
    return result


def seller_order_commission(*, seller_order: SellerOrder) -> Decimal:
    """Return the commission on ``seller_order``: the sum of its lines' commissions."""
    return sum(
        (commission for _, _, commission in seller_order_commission_lines(seller_order=seller_order)),
        start=Decimal("0.00"),
    )
