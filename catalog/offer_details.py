"""A seller corrects a listing's details after making it: its SKU, condition note and handling time.

The condition itself is fixed once a listing exists: a different condition is a different
listing (a new SKU), because shoppers may hold it in their carts as the condition they chose,
and orders keep the SKU and condition they were placed with (``OrderLine`` snapshots both), so
no order changes when a listing's details do. The handling time feeds the delivery promise and
the buy box, so a change refreshes both, as a price change does.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from catalog.models import Offer
from catalog.services import (
    DuplicateSku,
    _constraint_name,
    _offer_changed,
    _offer_fields_check,
    _offer_lock,
)
from marketplace.core.audit import audit_record
from sellers.models import Seller

DETAIL_FIELDS = ("sku", "condition_note", "handling_days")


@transaction.atomic
def offer_update_details(
    *, offer: Offer, seller: Seller, sku: str, condition_note: str, handling_days: int, actor=None
) -> Offer:
    """Set the SKU, condition note and handling days of one of ``seller``'s offers; return it.

    The same checks as a new listing (a used item keeps a note; a SKU is unique among the
    seller's listings); saving the same values again changes nothing. Recorded in the audit log
    as ``offer.details_changed`` with the changed fields.
    """
    locked = _offer_lock(offer=offer, seller=seller)
    sku, _condition, note, handling_days = _offer_fields_check(
        sku=sku, condition=locked.condition, condition_note=condition_note, handling_days=handling_days
    )
    before = {name: getattr(locked, name) for name in DETAIL_FIELDS}
    after = {"sku": sku, "condition_note": note, "handling_days": handling_days}
    if before == after:
        return locked
    locked.sku, locked.condition_note, locked.handling_days = sku, note, handling_days
    try:
        with transaction.atomic():
            locked.save(update_fields=[*DETAIL_FIELDS, "updated_at"])
    except IntegrityError as error:
        if _constraint_name(error) == "unique_sku_per_seller":
            raise DuplicateSku(
                f"You already have a listing with the SKU “{sku}”: choose another SKU."
            ) from None
        raise
    audit_record(action="offer.details_changed", target=locked, before=before, after=after, actor=actor)
    if before["handling_days"] != handling_days:
        _offer_changed(locked)
    return locked
