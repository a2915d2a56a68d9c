"""What fulfillment holds about a person (returns, claims), for the GDPR export and erasure.

Returns and claims are kept whole: they are the record of refunds and of
decisions the person may contest (legal claims); they carry no address.
"""

from __future__ import annotations

from fulfillment.models import Claim, ReturnRequest
from marketplace.accounts.privacy.registry import PrivacySection, rows_of

OPEN_RETURNS = [ReturnRequest.Status.REQUESTED, ReturnRequest.Status.APPROVED, ReturnRequest.Status.RECEIVED]


def fulfillment_export(user) -> dict:
    return {
        "returns": rows_of(
            ReturnRequest.objects.filter(user=user),
            [
                "id",
                "number",
                "seller_order__number",
                "status",
                "reason",
                "comment",
                "refund_amount",
                "requested_at",
                "decided_at",
                "refunded_at",
            ],
        ),  # fmt: skip
        "claims": rows_of(
            Claim.objects.filter(user=user),
            [
                "id",
                "number",
                "seller_order__number",
                "reason",
                "description",
                "status",
                "staff_note",
                "refund_amount",
                "opened_at",
                "decided_at",
            ],
        ),  # fmt: skip
    }


def fulfillment_erase(user) -> int:
    return 0


def fulfillment_refusals(user) -> list[str]:
    reasons = []
    if ReturnRequest.objects.filter(user=user, status__in=OPEN_RETURNS).exists():
        reasons.append("A return is still open.")
    if Claim.objects.filter(user=user, status=Claim.Status.OPEN).exists():
        reasons.append("A claim is still being looked at.")
    return reasons


SECTION = PrivacySection(
    key="fulfillment", export=fulfillment_export, erase=fulfillment_erase, refusals=fulfillment_refusals
)
