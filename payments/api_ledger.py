"""The seller ledger as JSON, for Seller Central: one seller's statement, for its members only.

``GET /pay/api/sellers/<slug>/ledger/?start=YYYY-MM-DD&end=YYYY-MM-DD``
(default: this month so far, UTC) returns the balance, what can be paid out
now, and the period's statement. Anonymous callers get 403; a signed-in user
who is not a member of that seller, or whose role does not see money (only
owner and finance do), gets 404, as if the seller did not exist. A member who
may see it but has no second factor while ``MFA_REQUIRED_FOR_PRIVILEGED`` is on
gets 403 with the reason, as Seller Central's money pages send them to set one
up (``marketplace.accounts.mfa``).
"""

from __future__ import annotations

from datetime import UTC, date

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts.mfa import user_has_second_factor
from payments.ledger import ledger_available, ledger_balance, ledger_statement
from sellers.access import ROLE_SECTIONS, Section
from sellers.models import Seller

MAX_DAYS = 366
MFA_NEEDED = (
    "Two-factor authentication is required to read a seller's money. "
    "Add an authenticator app or a security key at /accounts/2fa/, then try again."
)


def seller_get_for_member(*, user, slug: str) -> Seller:
    """Return the seller with ``slug`` if ``user`` is one of its members whose role sees money
    (owner or finance, sellers/access.py); else raise Http404."""
    roles = [role for role, sections in ROLE_SECTIONS.items() if Section.MONEY in sections]
    seller = Seller.objects.filter(slug=slug, members__user=user, members__role__in=roles).first()
    if seller is None:
        raise Http404("No such seller.")
    return seller


class LedgerQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        today = timezone.now().astimezone(UTC).date()
        attrs.setdefault("end", today)
        attrs.setdefault("start", date(attrs["end"].year, attrs["end"].month, 1))
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError("start must be on or before end.")
        if (attrs["end"] - attrs["start"]).days >= MAX_DAYS:
            raise serializers.ValidationError(f"A statement covers at most {MAX_DAYS} days.")
        return attrs


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    description = serializers.CharField()
    seller_order = serializers.CharField(source="seller_order.number", default=None)
    # Set by ledger_statement: the day the entry can be paid out, null until delivery.
    available_on = serializers.DateField(allow_null=True)


class SellerLedgerApi(APIView):
    """One seller's balance and statement, for the members of that seller."""

    permission_classes = [IsAuthenticated]

    def get(self, request, slug: str):
        seller = seller_get_for_member(user=request.user, slug=slug)
        if settings.MFA_REQUIRED_FOR_PRIVILEGED and not user_has_second_factor(request.user):
            raise PermissionDenied(MFA_NEEDED)
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        statement = ledger_statement(
            seller=seller, start=query.validated_data["start"], end=query.validated_data["end"]
        )
        money = serializers.DecimalField(max_digits=12, decimal_places=2)
        return Response(
            {
                "seller": {"slug": seller.slug, "name": seller.name},
                "balance": money.to_representation(ledger_balance(seller=seller)),
                "available": money.to_representation(ledger_available(seller=seller, now=timezone.now())),
                "statement": {
                    "start": statement.start.isoformat(),
                    "end": statement.end.isoformat(),
                    "opening_balance": money.to_representation(statement.opening_balance),
                    "credits": money.to_representation(statement.credits),
                    "debits": money.to_representation(statement.debits),
                    "closing_balance": money.to_representation(statement.closing_balance),
                    "entries": LedgerEntrySerializer(statement.entries, many=True).data,
                },
            }
        )
