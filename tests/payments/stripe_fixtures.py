"""A stand-in for Stripe's HTTP API, at the HTTP client boundary, and Stripe-signed webhooks.

``FakeStripe`` is a ``stripe.HTTPClient`` (through ``payments.providers.stripe.HTTPClient``):
the real ``stripe`` library builds and sends every request, and the fake answers
with JSON shaped like Stripe's recorded test-mode responses (API objects with
the fields Stripe returns), keeping the intents, charges and refunds it made so
a test can walk a payment through its life. It records each request (method,
path, decoded form or query, headers) so tests assert what our adapter sent.

Things a shopper or a staff member does at Stripe, not through our server, are
methods: ``confirm_in_browser`` (the Payment Element), ``decline_in_browser``,
``refund_in_dashboard``, and what the card networks do later,
``refund_settle`` (a pending refund succeeds, fails or is canceled). Webhook
bodies are built by ``event`` and signed by ``sign`` exactly as Stripe signs
them: ``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body" keyed with the endpoint
secret>``.

Server-side confirmation answers as Stripe does for its test payment methods
(``pm_card_visa`` succeeds, ``pm_card_chargeDeclined`` and
``pm_card_chargeDeclinedInsufficientFunds`` are declined with HTTP 402 and an
error that carries the intent, ``pm_card_authenticationRequired`` asks for
3-D Secure). The library does not retry a 402 (only connection errors, 409 and
5xx), and the fixture sets its network retries to 0, so a test never sleeps;
``lose_next_answer`` simulates a timeout after Stripe did the work. A request
to a route the fake does not know fails the test at teardown (``unrouted``),
and nothing ever reaches the network: the fake is the HTTP client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import override_settings

from payments.providers import stripe as stripe_adapter
from payments.providers.stripe import HTTPClient, NetworkError, set_http_client

API_VERSION = "2026-10-28.endive"
SECRET_KEY = "sk_test_51QfakeMarketplaceKey"
PUBLISHABLE_KEY = "pk_test_51QfakeMarketplaceKey"
WEBHOOK_SECRET = "whsec_test_3b9c1f0e2a7d4c58a1e6f2b0d9c8e7a6"


def _id(prefix: str) -> str:
    return f"{prefix}_3Q{secrets.token_hex(11)}"


@dataclass
class Request:
    method: str
    path: str
    params: dict  # the form body (POST) or the query string (GET), as Stripe's flat keys
    headers: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


def payment_intent(
    *, amount: int, currency: str, order_number: str, status="requires_payment_method"
) -> dict:
    intent_id = _id("pi")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": {"allow_redirects": "always", "enabled": True},
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{intent_id}_secret_{secrets.token_urlsafe(18)}",
        "confirmation_method": "automatic",
        "created": int(time.time()),
        "currency": currency,
        "customer": None,
        "description": f"Order {order_number}",
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": {"order_number": order_number},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": {"id": "pmc_1QfakeConfig0001", "parent": None},
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            },
            "link": {"persistent_token": None},
        },
        "payment_method_types": ["card", "link"],
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": None,
    }


def charge(*, intent: dict, fingerprint="Xt5EWLLDS7FJjR1c", country="US") -> dict:
    return {
        "id": _id("ch"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"],
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "authorization_code": "123456",
        "balance_transaction": _id("txn"),
        "billing_details": {
            "address": {"city": None, "country": country, "line1": None, "postal_code": "89501"},
            "email": None,
            "name": "Ada Lovelace",
            "phone": None,
        },
        "calculated_statement_descriptor": "MARKETPLACE",
        "captured": True,
        "created": int(time.time()),
        "currency": intent["currency"],
        "customer": None,
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": True,
        "payment_intent": intent["id"],
        "payment_method": _id("pm"),
        "payment_method_details": {
            "card": {
                "amount_authorized": intent["amount"],
                "brand": "visa",
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": "pass",
                    "cvc_check": "pass",
                },
                "country": country,
                "exp_month": 12,
                "exp_year": 2034,
                "fingerprint": fingerprint,
                "funding": "credit",
                "last4": "4242",
                "network": "visa",
                "three_d_secure": None,
                "wallet": None,
            },
            "type": "card",
        },
        "radar_options": {},
        "receipt_email": None,
        "receipt_number": None,
        "receipt_url": "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xUWZha2U",
        "refunded": False,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded",
        "transfer_data": None,
        "transfer_group": None,
    }


REFUND_STATUSES = ("pending", "requires_action", "succeeded", "failed", "canceled")


def refund(*, charge_obj: dict, amount: int, status="succeeded") -> dict:
    made = {
        "id": _id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": _id("txn"),
        "charge": charge_obj["id"],
        "created": int(time.time()),
        "currency": charge_obj["currency"],
        "destination_details": {
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": {},
        "payment_intent": charge_obj["payment_intent"],
        "payment_method": charge_obj["payment_method"],
        "reason": None,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "pending",
        "transfer_reversal": None,
    }
    return refund_with_status(made, status)


def refund_with_status(made: dict, status: str, failure_reason: str | None = None) -> dict:
    """``made`` in ``status``, with the fields Stripe sends in that status (and only then)."""
    assert status in REFUND_STATUSES, status
    changed = {
        key: value
        for key, value in made.items()
        if key not in ("pending_reason", "failure_reason", "failure_balance_transaction", "next_action")
    }
    changed["status"] = status
    if status == "pending":
        changed["pending_reason"] = "processing"
    if status == "requires_action":
        changed["next_action"] = {
            "display_details": {
                "email_sent": {"email_sent_at": int(time.time()), "email_sent_to": "ada@example.com"}
            },
            "type": "display_details",
        }
    if status in ("failed", "canceled"):
        changed["failure_balance_transaction"] = _id("txn")
        default = "merchant_request" if status == "canceled" else "unknown"
        changed["failure_reason"] = failure_reason or default
    if status == "succeeded":
        changed["destination_details"] = {
            "card": {
                "reference": "74567890123456789012345",
                "reference_status": "available",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        }
    return changed


def dispute(*, charge_obj: dict, reason="fraudulent", with_intent=True) -> dict:
    return {
        "id": _id("dp"),
        "object": "dispute",
        "amount": charge_obj["amount"],
        "balance_transactions": [],
        "charge": charge_obj["id"],
        "created": int(time.time()),
        "currency": charge_obj["currency"],
        "evidence_details": {
            "due_by": int(time.time()) + 7 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": charge_obj["payment_intent"] if with_intent else None,
        "payment_method_details": {
            "card": {"brand": "visa", "case_type": "chargeback", "network_reason_code": "10.4"},
            "type": "card",
        },
        "reason": reason,
        "status": "needs_response",
    }


def _error(status: int, error: dict) -> tuple[int, dict]:
    return status, {"error": {"request_log_url": "https://dashboard.stripe.com/test/logs/req_fake", **error}}


class FakeStripe(HTTPClient):
    """Stripe's API for one test: answers like Stripe and remembers what it was sent."""

    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.requests: list[Request] = []
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}  # Connect accounts
        # The status of each refund made through the API (Stripe: "pending" for most cards).
        self.refund_status = "succeeded"
        self.unrouted: list[Request] = []  # requests to a route this fake does not know
        self._lose_answers = 0
        self._replies: dict[str, tuple[str, str, dict, tuple[int, dict]]] = {}
        # Reentrant: the routes call the same helpers as the methods tests call (confirm_in_browser
        # inside a confirm request); a plain Lock taken twice by one thread would hang the test.
        self._lock = threading.RLock()

    # -- the HTTPClient interface -----------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        params = dict(parse_qsl(body if method == "post" else parts.query, keep_blank_values=True))
        request = Request(method.upper(), parts.path, params, dict(headers or {}))
        with self._lock:
            self.requests.append(request)
            replayed = request.method == "POST" and request.idempotency_key in self._replies
            status, payload = self._answer(request)
            lost, self._lose_answers = self._lose_answers > 0, max(self._lose_answers - 1, 0)
        if lost:
            raise NetworkError("Request to Stripe timed out (the fake lost the answer).", should_retry=True)
        response_headers = {"Request-Id": f"req_{secrets.token_hex(7)}", "Stripe-Version": API_VERSION}
        if replayed:
            response_headers["Idempotent-Replayed"] = "true"
        return json.dumps(payload), status, response_headers

    def close(self):
        pass

    # -- what tests read ------------------------------------------------------

    def sent(self, method: str, path_start: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_start)]

    def lose_next_answer(self, count: int = 1) -> None:
        """Do the next ``count`` requests, then drop their answers (a timeout on our side)."""
        self._lose_answers = count

    # -- Stripe's side of the world ------------------------------------------

    def confirm_in_browser(self, intent_id: str, **card) -> dict:
        """The shopper pays with the Payment Element: the intent succeeds with a charge."""
        with self._lock:
            intent = self.intents[intent_id]
            charge_obj = charge(intent=intent, **card)
            self.charges[charge_obj["id"]] = charge_obj
            intent.update(
                status="succeeded",
                amount_received=intent["amount"],
                latest_charge=charge_obj["id"],
                payment_method=charge_obj["payment_method"],
                last_payment_error=None,
            )
            return dict(intent)

    def decline_in_browser(self, intent_id: str, decline_code="insufficient_funds") -> dict:
        messages = {
            "insufficient_funds": "Your card has insufficient funds.",
            "generic_decline": "Your card was declined.",
        }
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "charge": _id("ch"),
                    "code": "card_declined",
                    "decline_code": decline_code,
                    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
                    "message": messages[decline_code],
                    "type": "card_error",
                },
            )
            return dict(intent)

    def require_action(self, intent_id: str) -> dict:
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="requires_action",
                next_action={"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}},
            )
            return dict(intent)

    def refund_in_dashboard(self, intent_id: str, amount: int, status: str = "succeeded") -> dict:
        """Staff refund in Stripe's dashboard: Stripe tells us only by webhook (``charge.refunded``)."""
        with self._lock:
            return self._refund(self.intents[intent_id], amount, status)

    def refund_settle(self, refund_id: str, status: str, failure_reason: str | None = None) -> dict:
        """The card network's answer to a refund: ``succeeded``, ``failed`` or ``canceled``.

        A refund that fails or is canceled gives its amount back to the charge
        (``amount_refunded``), as Stripe does; the refund is returned for the
        ``refund.updated`` / ``refund.failed`` event.
        """
        with self._lock:
            before = self.refunds[refund_id]
            after = refund_with_status(before, status, failure_reason)
            charge_obj = self.charges[after["charge"]]
            gave_back = before["status"] not in ("failed", "canceled") and status in ("failed", "canceled")
            if gave_back:
                charge_obj["amount_refunded"] -= after["amount"]
                charge_obj["refunded"] = False
            self.refunds[refund_id] = after
            return dict(after)

    def onboard(self, account_id: str, *, payouts_enabled: bool = True) -> dict:
        """The seller finishes Stripe's onboarding: details submitted, payouts on (or still checked)."""
        with self._lock:
            account = self.accounts[account_id]
            account.update(
                details_submitted=True,
                payouts_enabled=payouts_enabled,
                charges_enabled=payouts_enabled,
                capabilities={"transfers": "active" if payouts_enabled else "pending"},
                requirements={**account["requirements"], "currently_due": [], "eventually_due": []},
            )
            return dict(account)

    def charge_of(self, intent_id: str) -> dict:
        return dict(self.charges[self.intents[intent_id]["latest_charge"]])

    # -- routing ------------------------------------------------------------------

    def _answer(self, request: Request) -> tuple[int, dict]:
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return _error(
                401, {"message": "Invalid API Key provided: sk_test_****", "type": "invalid_request_error"}
            )
        key = request.idempotency_key
        if request.method == "POST" and key:
            replay = self._replies.get(key)
            if replay is not None:
                if replay[:3] != (request.method, request.path, request.params):
                    return _error(
                        400,
                        {
                            "message": "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                            "type": "idempotency_error",
                        },
                    )
                return replay[3]
        answer = self._route(request)
        if request.method == "POST" and key:
            self._replies[key] = (request.method, request.path, request.params, answer)
        return answer

    def _route(self, request: Request) -> tuple[int, dict]:
        segments = request.path.strip("/").split("/")[1:]  # without "v1"
        match request.method, segments:
            case "POST", ["payment_intents"]:
                return self._create_intent(request.params)
            case "GET", ["payment_intents"]:
                return 200, self._list(
                    [self._expanded(i, request.params) for i in self.intents.values()], "/v1/payment_intents"
                )
            case "GET", ["payment_intents", intent_id]:
                return self._with_intent(
                    intent_id, lambda intent: (200, self._expanded(intent, request.params))
                )
            case "POST", ["payment_intents", intent_id, "cancel"]:
                return self._with_intent(intent_id, self._cancel)
            case "POST", ["payment_intents", intent_id, "confirm"]:
                return self._with_intent(intent_id, lambda intent: self._confirm(intent, request.params))
            case "POST", ["refunds"]:
                return self._with_intent(
                    request.params.get("payment_intent", ""),
                    lambda intent: self._create_refund(intent, request.params),
                )
            case "GET", ["refunds"]:
                intent_id = request.params.get("payment_intent")
                found = [r for r in self.refunds.values() if r["payment_intent"] == intent_id]
                return 200, self._list(sorted(found, key=lambda r: r["created"], reverse=True), "/v1/refunds")
            case "POST", ["transfers"]:
                return self._create_transfer(request.params)
            case "POST", ["accounts"]:
                return self._create_account(request.params)
            case "GET", ["accounts", account_id]:
                if account_id not in self.accounts:
                    return self._missing("account", account_id)
                return 200, dict(self.accounts[account_id])
            case "POST", ["account_links"]:
                return self._create_account_link(request.params)
            case "GET", ["charges", charge_id]:
                if charge_id not in self.charges:
                    return self._missing("charge", charge_id)
                return 200, dict(self.charges[charge_id])
            case "GET", ["refunds", refund_id]:
                if refund_id not in self.refunds:
                    return self._missing("refund", refund_id)
                return 200, dict(self.refunds[refund_id])
        self.unrouted.append(request)
        return _error(
            404,
            {
                "message": f"Unrecognized request URL ({request.method}: {request.path}).",
                "type": "invalid_request_error",
            },
        )

    def _create_transfer(self, params: dict) -> tuple[int, dict]:
        if not params.get("destination", "").startswith("acct_"):
            return _error(
                400,
                {
                    "message": "No such destination: '{}'".format(params.get("destination", "")),
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "param": "destination",
                },
            )
        transfer = {
            "id": _id("tr"),
            "object": "transfer",
            "amount": int(params["amount"]),
            "amount_reversed": 0,
            "currency": params["currency"],
            "created": int(time.time()),
            "destination": params["destination"],
            "livemode": False,
            "metadata": {},
            "reversed": False,
            "source_type": "card",
        }
        self.transfers[transfer["id"]] = transfer
        return 200, transfer

    def _create_account(self, params: dict) -> tuple[int, dict]:
        account_id = _id("acct")
        due = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
        account = {
            "id": account_id,
            "object": "account",
            "business_profile": {"mcc": None, "name": None, "url": None},
            "business_type": None,
            "capabilities": {"transfers": "inactive"},
            "charges_enabled": False,
            "controller": {
                "fees": {"payer": params.get("controller[fees][payer]")},
                "is_controller": True,
                "losses": {"payments": params.get("controller[losses][payments]")},
                "requirement_collection": "stripe",
                "stripe_dashboard": {"type": params.get("controller[stripe_dashboard][type]")},
                "type": "application",
            },
            "country": params.get("country", "US"),
            "created": int(time.time()),
            "default_currency": "usd",
            "details_submitted": False,
            "email": params.get("email"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "payouts_enabled": False,
            "requirements": {
                "currently_due": due,
                "disabled_reason": "requirements.past_due",
                "eventually_due": due,
                "past_due": due,
            },
            "type": "express",
        }
        self.accounts[account_id] = account
        return 200, dict(account)

    def _create_account_link(self, params: dict) -> tuple[int, dict]:
        account_id = params.get("account", "")
        if account_id not in self.accounts:
            return self._missing("account", account_id)
        if params.get("type") != "account_onboarding" or not params.get("return_url"):
            return _error(
                400, {"message": "Missing required param: return_url.", "type": "invalid_request_error"}
            )
        now = int(time.time())
        return 200, {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"https://connect.stripe.com/setup/e/{account_id}/{secrets.token_urlsafe(12)}",
        }

    @staticmethod
    def _list(data: list, url: str) -> dict:
        return {"object": "list", "data": data, "has_more": False, "url": url}

    @staticmethod
    def _missing(kind: str, object_id: str) -> tuple[int, dict]:
        return _error(
            404,
            {
                "code": "resource_missing",
                "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
                "message": f"No such {kind}: '{object_id}'",
                "param": "intent" if kind == "payment_intent" else "id",
                "type": "invalid_request_error",
            },
        )

    def _with_intent(self, intent_id, answer):
        intent = self.intents.get(intent_id)
        if intent is None:
            return self._missing("payment_intent", intent_id)
        return answer(intent)

    def _expanded(self, intent: dict, params: dict) -> dict:
        shown = dict(intent)
        expands = {value for name, value in params.items() if name.startswith("expand[")}
        if shown["latest_charge"] and ({"latest_charge", "data.latest_charge"} & expands):
            shown["latest_charge"] = dict(self.charges[shown["latest_charge"]])
        return shown

    def _create_intent(self, params: dict) -> tuple[int, dict]:
        amount = params.get("amount", "")
        if not amount.isdigit() or int(amount) < 1:
            return _error(
                400,
                {
                    "code": "parameter_invalid_integer",
                    "message": "This value must be greater than or equal to 1.",
                    "param": "amount",
                    "type": "invalid_request_error",
                },
            )
        intent = payment_intent(
            amount=int(amount),
            currency=params["currency"],
            order_number=params.get("metadata[order_number]", ""),
        )
        intent["description"] = params.get("description")
        self.intents[intent["id"]] = intent
        return 200, dict(intent)

    # Stripe's test payment methods and what confirming with each does.
    DECLINES = {
        "pm_card_chargeDeclined": "generic_decline",
        "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    }
    NEEDS_AUTHENTICATION = ("pm_card_authenticationRequired", "pm_card_threeDSecure2Required")

    def _confirm(self, intent: dict, params: dict) -> tuple[int, dict]:
        """``POST /v1/payment_intents/:id/confirm`` with a saved payment method, as Stripe answers it."""
        method = params.get("payment_method", "")
        if intent["status"] not in ("requires_payment_method", "requires_confirmation", "requires_action"):
            return _error(
                400,
                {
                    "code": "payment_intent_unexpected_state",
                    "doc_url": "https://stripe.com/docs/error-codes/payment-intent-unexpected-state",
                    "message": "You cannot confirm this PaymentIntent because it has a status of "
                    f"{intent['status']}.",
                    "payment_intent": dict(intent),
                    "type": "invalid_request_error",
                },
            )
        if not method.startswith("pm_"):
            return self._missing("payment_method", method)
        if method in self.DECLINES:
            decline_code = self.DECLINES[method]
            self.decline_in_browser(intent["id"], decline_code)
            error = intent["last_payment_error"]
            error["payment_method"] = {"id": method, "object": "payment_method", "type": "card"}
            message = error["message"]
            return _error(
                402,
                {
                    "charge": error["charge"],
                    "code": "card_declined",
                    "decline_code": decline_code,
                    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
                    "message": message,
                    "payment_intent": dict(intent),
                    "payment_method": {"id": method, "object": "payment_method", "type": "card"},
                    "type": "card_error",
                },
            )
        if method in self.NEEDS_AUTHENTICATION:
            self.require_action(intent["id"])
            if params.get("return_url"):
                intent["next_action"] = {
                    "redirect_to_url": {
                        "return_url": params["return_url"],
                        "url": f"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intent['id']}",
                    },
                    "type": "redirect_to_url",
                }
            intent["payment_method"] = method
            return 200, dict(intent)
        self.confirm_in_browser(intent["id"])
        self.charges[intent["latest_charge"]]["payment_method"] = method
        intent.update(payment_method=method, next_action=None)
        return 200, dict(intent)

    def _cancel(self, intent: dict) -> tuple[int, dict]:
        if intent["status"] in ("succeeded", "canceled"):
            return _error(
                400,
                {
                    "code": "payment_intent_unexpected_state",
                    "doc_url": "https://stripe.com/docs/error-codes/payment-intent-unexpected-state",
                    "message": "You cannot cancel this PaymentIntent because it has a status of "
                    f"{intent['status']}. Only a PaymentIntent with one of the following statuses may be "
                    "canceled: requires_payment_method, requires_capture, requires_confirmation, "
                    "requires_action, processing.",
                    "payment_intent": dict(intent),
                    "type": "invalid_request_error",
                },
            )
        intent.update(
            status="canceled", canceled_at=int(time.time()), cancellation_reason="requested_by_customer"
        )
        return 200, dict(intent)

    def _create_refund(self, intent: dict, params: dict) -> tuple[int, dict]:
        if intent["status"] != "succeeded":
            return _error(
                400,
                {
                    "code": "charge_not_refundable",
                    "message": f"This PaymentIntent ({intent['id']}) does not have a successful charge "
                    "to refund.",
                    "type": "invalid_request_error",
                },
            )
        charge_obj = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount") or charge_obj["amount"] - charge_obj["amount_refunded"])
        if amount > charge_obj["amount"] - charge_obj["amount_refunded"]:
            return _error(
                400,
                {
                    "code": "amount_too_large",
                    "message": "Refund amount is greater than unrefunded amount on charge.",
                    "param": "amount",
                    "type": "invalid_request_error",
                },
            )
        return 200, self._refund(intent, amount, self.refund_status)

    def _refund(self, intent: dict, amount: int, status: str = "succeeded") -> dict:
        charge_obj = self.charges[intent["latest_charge"]]
        made = refund(charge_obj=charge_obj, amount=amount, status=status)
        self.refunds[made["id"]] = made
        charge_obj["amount_refunded"] += amount
        charge_obj["refunded"] = charge_obj["amount_refunded"] == charge_obj["amount"]
        return dict(made)


def event(event_type: str, obj: dict, *, event_id: str | None = None, previous_attributes=None) -> bytes:
    """The JSON body Stripe posts for an event about ``obj`` (a snapshot of it)."""
    body = {
        "id": event_id or _id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": {
            "object": obj,
            **({"previous_attributes": previous_attributes} if previous_attributes else {}),
        },
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": f"req_{secrets.token_hex(7)}", "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(body, indent=2).encode()


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@pytest.fixture
def stripe_api(monkeypatch):
    """Stripe configured (test keys) and its HTTP API answered by a ``FakeStripe``.

    The library's network retries are off (they sleep between tries), and a
    request to a route the fake does not answer fails the test.
    """
    fake = FakeStripe()
    monkeypatch.setattr(stripe_adapter, "MAX_NETWORK_RETRIES", 0)
    set_http_client(fake)
    with override_settings(
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_WEBHOOK_TOLERANCE_SECONDS=300,
        PAYMENT_PROVIDER="",
    ):
        yield fake
    set_http_client(None)
    assert fake.unrouted == [], f"Requests the fake Stripe does not answer: {fake.unrouted}"
