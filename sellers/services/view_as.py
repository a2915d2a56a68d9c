"""Staff viewing Seller Central as a seller: open and close the audited access, record each page.

The access itself is read-only: ``sellers.central.SellerCentralMixin`` refuses
every write while one is open. docs/decisions/0079-staff-view-as.md.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_text
from sellers.access import OUTSIDE_CENTRAL, staff_may_view_as
from sellers.models import Seller, SellerCentralAccess, SellerCentralAccessView

REASON_MIN = 3
REASON_MAX = 300
PATH_MAX = SellerCentralAccessView._meta.get_field("path").max_length


def view_as_reason_parse(raw) -> str:
    """The reason typed for viewing as a seller: required, 3 to 300 characters."""
    reason = parse_text(
        raw, name="reason", limit=REASON_MAX, missing="Say why you are viewing this seller's Seller Central."
    )
    if len(reason) < REASON_MIN:
        raise ApplicationError(f"The reason is too short: at least {REASON_MIN} characters.")
    return reason


@transaction.atomic
def seller_central_access_start(
    *, staff, seller: Seller, reason, remote_ip: str | None
) -> SellerCentralAccess:
    """Open an access for ``staff`` to view ``seller``'s Seller Central; close any it still has open."""
    if not staff_may_view_as(staff):
        raise ApplicationError("You may not view Seller Central as a seller.")
    reason = view_as_reason_parse(reason)
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    if locked.status in OUTSIDE_CENTRAL:
        raise ApplicationError(
            f"{locked.name} is {locked.get_status_display().lower()}: it has no Seller Central to view."
        )
    now = timezone.now()
    SellerCentralAccess.objects.filter(staff=staff, ended_at=None).update(ended_at=now)
    return SellerCentralAccess.objects.create(
        staff=staff, seller=locked, reason=reason, remote_ip=remote_ip or None, started_at=now
    )


@transaction.atomic
def seller_central_access_stop(*, access_id: int, staff) -> bool:
    """Close ``staff``'s access ``access_id`` if it is still open; False when there was nothing to close."""
    return bool(
        SellerCentralAccess.objects.filter(pk=access_id, staff=staff, ended_at=None).update(
            ended_at=timezone.now()
        )
    )


@transaction.atomic(savepoint=False)
def seller_central_access_view_record(*, access: SellerCentralAccess, path: str, method: str) -> None:
    """Append one page to the access's audit: a single INSERT (no savepoint, nothing read)."""
    SellerCentralAccessView.objects.create(access=access, path=path[:PATH_MAX], method=method[:8])
