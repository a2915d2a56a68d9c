"""The sandbox carrier: a carrier that behaves like a real one over simulated time.

Buying a label records a ``SandboxParcel`` and plans all its scan events at
once, deterministically from the tracking number: pick-up, sort facility, a
hub, the delivery station, out for delivery and delivery, or a failed
attempt first (the scenario, drawn against the late and exception shares in
settings, or forced with ``sandbox_parcel_replan``). The events become
visible as the sandbox clock (the real time plus ``SandboxClock``'s offset,
moved with ``sandbox_clock_advance``) passes them: ``track`` reports them and
``sandbox_webhooks_due`` pushes them as webhooks signed the way Stripe signs
its own (``Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256>``).
"""

from fulfillment.carriers.sandbox.carrier import SandboxCarrier
from fulfillment.carriers.sandbox.common import (
    CARRIER_NAME,
    SERVICES,
    sandbox_clock_advance,
    sandbox_now,
    tracking_number_generate,
    tracking_number_valid,
)
from fulfillment.carriers.sandbox.plan import sandbox_parcel_replan
from fulfillment.carriers.sandbox.webhooks import SIGNATURE_HEADER, sandbox_webhook_sign, sandbox_webhooks_due

__all__ = [
    "CARRIER_NAME",
    "SERVICES",
    "SIGNATURE_HEADER",
    "SandboxCarrier",
    "sandbox_clock_advance",
    "sandbox_now",
    "sandbox_parcel_replan",
    "sandbox_webhook_sign",
    "sandbox_webhooks_due",
    "tracking_number_generate",
    "tracking_number_valid",
]
