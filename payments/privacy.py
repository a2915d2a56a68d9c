"""What payments holds about a person (payments and refunds of their orders), for export and erasure.

Payments, refunds and the ledger are kept (accounting law) and carry no
personal field; the fraud check's IP address is erased.
"""

from __future__ import annotations

from marketplace.accounts.privacy.registry import PrivacySection, rows_of
from payments.models import FraudAssessment, Payment, Refund


def payments_export(user) -> dict:
    return {
        "payments": rows_of(
            Payment.objects.filter(order__user=user),
            ["id", "order__number", "provider", "amount", "currency", "status", "created_at"],
        ),
        "refunds": rows_of(
            Refund.objects.filter(payment__order__user=user),
            ["id", "payment__order__number", "amount", "reason", "status", "created_at"],
        ),
    }


def payments_erase(user) -> int:
    return FraudAssessment.objects.filter(order__user=user).update(ip_address=None)


SECTION = PrivacySection(key="payments", export=payments_export, erase=payments_erase)
