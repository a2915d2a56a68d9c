"""Writes of Seller Central's inventory pages: stock set by hand, thresholds, warehouses, settings.

Keyword-only, one transaction each, locks before checks; every refusal is an ``ApplicationError``
with a sentence for the seller, and nothing is written then.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Offer
from fulfillment.inventory.alerts import AlertState, alert_of, offers_available, stock_alerts_check
from fulfillment.inventory.history import Cause, Move, history_record
from fulfillment.models import ReturnPolicy, SellerShippingSettings, Stock, StockAlertSetting, Warehouse
from fulfillment.stock import stock_refresh_after_commit
from marketplace.core.audit import audit_record
from marketplace.core.errors import ApplicationError
from sellers.models import Seller

MAX_ON_HAND = 1_000_000
MAX_THRESHOLD = 1_000_000


def _own(seller: Seller, offer: Offer | None = None, warehouse: Warehouse | None = None) -> None:
    if offer is not None and offer.seller_id != seller.pk:
        raise ApplicationError("That listing is not one of yours.")
    if warehouse is not None and warehouse.seller_id != seller.pk:
        raise ApplicationError("That warehouse is not one of yours.")


def _whole(value, *, name: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ApplicationError(f"The {name} must be a whole number from 0 to {maximum:,}.")
    return value


@transaction.atomic
def stock_set_on_hand(
    *,
    seller: Seller,
    offer: Offer,
    warehouse: Warehouse,
    on_hand: int,
    actor=None,
    cause: str = Cause.MANUAL,
    reference: str = "",
) -> Stock:
    """Set the units on hand of ``offer`` in ``warehouse`` (the row is made if missing); return the row.

    Never below what is reserved for orders. Records the change in the history, refreshes the
    product's pages (and its buy box when the offer's availability crosses zero) after commit,
    and fires or re-arms the listing's low-stock alert.
    """
    _own(seller, offer, warehouse)
    on_hand = _whole(on_hand, name="quantity on hand", maximum=MAX_ON_HAND)
    if cause not in (Cause.MANUAL, Cause.IMPORT):
        raise ApplicationError(f"{cause!r} is not a cause of a stock change made by a seller.")
    # The warehouse row first: deactivating it (warehouse_update) and stocking it queue.
    locked_warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    if on_hand > 0 and not locked_warehouse.is_active:
        raise ApplicationError(f"{locked_warehouse.name} is not active: activate it before adding stock.")
    stock, _ = Stock.objects.get_or_create(offer=offer, warehouse=warehouse)
    stock = (
        Stock.objects.select_for_update(of=("self",))
        .select_related("offer", "offer__stock_alert")
        .get(pk=stock.pk)
    )
    if on_hand < stock.reserved:
        raise ApplicationError(
            f"{stock.reserved} unit{'s are' if stock.reserved != 1 else ' is'} reserved for orders at "
            f"{locked_warehouse.name}, so the stock on hand cannot go below {stock.reserved}.",
            extra={"reserved": stock.reserved},
        )
    if on_hand == stock.on_hand:
        return stock
    before = offers_available(offer_ids=[offer.pk]).get(offer.pk, 0)
    changed = Stock.objects.filter(pk=stock.pk, reserved__lte=on_hand).update(
        on_hand=on_hand, updated_at=timezone.now()
    )
    if changed != 1:  # the lock makes this impossible; the condition is the last line of defence
        raise ApplicationError("The stock changed meanwhile; reload the page and try again.")
    history_record(
        levels={stock.pk: (stock.on_hand, stock.reserved)},
        moves=[Move(stock.pk, on_hand - stock.on_hand, 0, reference)],
        cause=cause,
        actor=actor,
    )
    audit_record(
        action="stock.adjusted",
        target=stock,
        before={"on_hand": stock.on_hand},
        after={"on_hand": on_hand},
        reason=reference or cause,
        seller_id=seller.pk,
        actor=actor,
    )
    stock.refresh_from_db(fields=["on_hand", "reserved", "updated_at"])
    after = offers_available(offer_ids=[offer.pk]).get(offer.pk, 0)
    product_id = stock.offer.product_id
    stock_refresh_after_commit(
        changed=[product_id], crossed=[product_id] if (before > 0) != (after > 0) else []
    )
    alert = alert_of(stock.offer)
    if alert is not None:
        stock_alerts_check(
            states=[AlertState(offer.pk, alert.low_stock_threshold, alert.alerted_at is not None, after)]
        )
    return stock


@transaction.atomic
def stock_threshold_set(*, seller: Seller, offer: Offer, threshold: int | None) -> StockAlertSetting | None:
    """Set (or, with None, remove) the listing's low-stock threshold; alert at once if already below it."""
    _own(seller, offer)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if threshold is None:
        StockAlertSetting.objects.filter(offer=locked).delete()
        return None
    threshold = _whole(threshold, name="low-stock threshold", maximum=MAX_THRESHOLD)
    setting, _ = StockAlertSetting.objects.update_or_create(
        offer=locked, defaults={"low_stock_threshold": threshold}
    )
    stock_alerts_check(states=[AlertState(locked.pk, threshold, setting.alerted_at is not None)])
    setting.refresh_from_db()
    return setting


@dataclass(frozen=True, slots=True)
class WarehouseData:
    """What a seller types about a warehouse (checked by the form, checked again here)."""

    name: str
    line1: str
    city: str
    region: str
    postal_code: str
    country: str
    timezone: str
    cutoff_hour: int
    latitude: Decimal
    longitude: Decimal
    is_active: bool = True


def _check_warehouse(data: WarehouseData) -> None:
    if not data.name.strip() or not data.city.strip():
        raise ApplicationError("A warehouse needs a name and a city.")
    if not 0 <= data.cutoff_hour <= 23:
        raise ApplicationError("The cut-off hour must be from 0 to 23.")
    if not Decimal(-90) <= data.latitude <= Decimal(90):
        raise ApplicationError("The latitude must be from -90 to 90.")
    if not Decimal(-180) <= data.longitude <= Decimal(180):
        raise ApplicationError("The longitude must be from -180 to 180.")


def _fields(data: WarehouseData) -> dict:
    return {
        "name": data.name.strip(),
        "line1": data.line1.strip(),
        "city": data.city.strip(),
        "region": data.region.strip(),
        "postal_code": data.postal_code.strip(),
        "country": data.country,
        "timezone": data.timezone,
        "cutoff_hour": data.cutoff_hour,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "is_active": data.is_active,
    }


@transaction.atomic
def warehouse_create(*, seller: Seller, data: WarehouseData) -> Warehouse:
    """Add a warehouse of the seller; its code is made unique from the seller and the name."""
    _check_warehouse(data)
    base = slugify(f"{seller.slug[:14]}-{data.name}")[:30].strip("-") or "wh"
    for _ in range(5):
        code = f"{base}-{secrets.token_hex(3)}"
        try:
            with transaction.atomic():
                return Warehouse.objects.create(seller=seller, code=code, **_fields(data))
        except IntegrityError:  # the code was taken meanwhile: draw another
            continue
    raise ApplicationError("The warehouse could not be saved; please try again.")


@transaction.atomic
def warehouse_update(*, seller: Seller, warehouse: Warehouse, data: WarehouseData) -> Warehouse:
    """Change a warehouse of the seller; refuse to deactivate one that holds stock on hand."""
    _own(seller, warehouse=warehouse)
    _check_warehouse(data)
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk, seller=seller)
    if locked.is_active and not data.is_active:
        units = sum(Stock.objects.filter(warehouse=locked).values_list("on_hand", flat=True))
        if units:
            raise ApplicationError(
                f"{locked.name} holds {units} unit{'s' if units != 1 else ''} on hand: move or sell "
                "them (or set the stock to 0) before deactivating it."
            )
    fields = _fields(data)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def shipping_settings_set(*, seller: Seller, handling_days: int) -> SellerShippingSettings:
    """Set the seller's default handling time (0 to 30 business days)."""
    handling_days = _whole(handling_days, name="handling time", maximum=30)
    setting, _ = SellerShippingSettings.objects.update_or_create(
        seller=seller, defaults={"handling_days": handling_days}
    )
    return setting


def return_window_bounds() -> tuple[int, int]:
    """The return windows a seller may choose, in days: ``RETURN_WINDOW_MIN_DAYS`` (0: no returns)
    to ``RETURN_WINDOW_MAX_DAYS`` (the model's 365 at most)."""
    low = getattr(settings, "RETURN_WINDOW_MIN_DAYS", 0)
    high = min(getattr(settings, "RETURN_WINDOW_MAX_DAYS", 365), 365)
    return low, high


@transaction.atomic
def return_policy_set(
    *, seller: Seller, window_days: int, shipping_refund: str, review_every_return: bool
) -> ReturnPolicy:
    """Set the seller's return policy (made if missing)."""
    low, high = return_window_bounds()
    if isinstance(window_days, bool) or not isinstance(window_days, int) or not low <= window_days <= high:
        raise ApplicationError(f"The return window must be from {low} to {high} days after delivery.")
    if shipping_refund not in ReturnPolicy.ShippingRefund.values:
        raise ApplicationError("Choose when the shipping is refunded.")
    policy, _ = ReturnPolicy.objects.update_or_create(
        seller=seller,
        defaults={
            "window_days": window_days,
            "shipping_refund": shipping_refund,
            "review_every_return": bool(review_every_return),
        },
    )
    return policy
