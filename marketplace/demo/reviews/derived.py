"""The rows of past orders that follow from the order, its line and its parcel, written by PostgreSQL.

What the services would have written after placing and shipping an order is
the same few rows each time: the stock allocation the units shipped from, the
sandbox payment and ours, the fraud screening, the audit trail (placed, paid,
shipped, delivered, completed), the seller's SALE and COMMISSION ledger
entries (the amounts ``payments.ledger`` posts: items plus shipping; items
times the commission rate, rounded half up), the parcel's scans and the review
request. Python sends one row per order to a temporary table (``FACTS``) and
one ``INSERT ... SELECT`` per table writes them all: much less work than
sending each row.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection

from marketplace.demo.reviews.copy import Table

FACTS = "demo_past_order_facts"
COLUMNS = (
    ("order_id", "bigint"),
    ("number", "text"),
    ("user_id", "bigint"),
    ("currency", "text"),
    ("total_amount", "numeric"),
    ("placed_at", "timestamptz"),
    ("paid_at", "timestamptz"),
    ("reserved_until", "timestamptz"),
    ("destination", "text"),
    ("seller_order_id", "bigint"),
    ("seller_order_number", "text"),
    ("seller_id", "bigint"),
    ("sale_amount", "numeric"),
    ("commission_amount", "numeric"),
    ("shipped_at", "timestamptz"),
    ("delivered_at", "timestamptz"),
    ("line_id", "bigint"),
    ("shipment_id", "bigint"),
    ("tracking_number", "text"),
    ("origin", "text"),
    ("shipper_id", "bigint"),
    ("picked_up_at", "timestamptz"),
    ("tracked_at", "timestamptz"),
    ("stock_id", "bigint"),
    ("quantity", "integer"),
    ("payment_id", "text"),
    ("client_secret", "text"),
    ("spread", "integer"),  # a number of the order's own, to vary its scans' times and words
    ("reviewed_at", "timestamptz"),
)
SKIPPED_REVIEWED = "The buyer has reviewed this product already."  # what reviews.requests says

_STATEMENTS = (
    # The units left the warehouse long ago: the allocation is shipped, today's stock untouched.
    """
INSERT INTO orders_stockallocation (line_id, stock_id, quantity, status, created_at, updated_at)
SELECT line_id, stock_id, quantity, 'shipped', placed_at, shipped_at FROM {facts}
""",
    """
INSERT INTO payments_payment (order_id, provider, provider_payment_id, amount, currency, status,
    failure_code, failure_message, next_action_url, idempotency_key, created_at, updated_at)
SELECT order_id, 'sandbox', payment_id, total_amount, currency, 'succeeded', '', '', '',
    'seed-demo-' || number, paid_at - interval '40 seconds', paid_at
FROM {facts}
""",
    """
INSERT INTO payments_sandboxpayment (payment_id, client_secret, amount_minor, currency, reference,
    idempotency_key, status, error_code, decline_code, error_message, card_last4, return_url,
    created_at, updated_at)
SELECT payment_id, client_secret, (total_amount * 100)::bigint, currency, number, 'seed-demo-' || number,
    'succeeded', '', '', '', '4242', '', paid_at - interval '40 seconds', paid_at
FROM {facts}
""",
    """
INSERT INTO payments_fraudassessment (order_id, score, reasons, decision, card_fingerprint, created_at)
SELECT order_id, 0, '[]', 'released', %(fingerprint)s, paid_at FROM {facts}
""",
    """
INSERT INTO orders_orderevent (order_id, seller_order_id, kind, from_status, to_status, actor_id, message,
    data, created_at)
SELECT f.order_id, e.seller_order_id, e.kind, e.from_status, e.to_status, e.actor_id, e.message, e.data,
    e.created_at
FROM {facts} f CROSS JOIN LATERAL (VALUES
    (NULL::bigint, 'placed', '', 'pending_payment', f.user_id, 'Order placed.',
        jsonb_build_object('lines', 1, 'sellers', 1, 'reserved_until', to_json(f.reserved_until)),
        f.placed_at),
    (f.seller_order_id, 'ready_to_ship', 'pending_payment', 'ready_to_ship', NULL, 'Paid.', '{{}}'::jsonb,
        f.paid_at),
    (NULL, 'paid', 'pending_payment', 'paid', NULL, 'Payment ' || f.payment_id || ' received.',
        jsonb_build_object('amount', f.total_amount::text, 'payment_reference', f.payment_id), f.paid_at),
    (f.seller_order_id, 'shipped', 'ready_to_ship', 'shipped', f.shipper_id,
        'Sandbox Carrier ' || f.tracking_number, '{{}}'::jsonb, f.shipped_at),
    (f.seller_order_id, 'delivered', 'shipped', 'delivered', NULL, 'Every parcel delivered.', '{{}}'::jsonb,
        f.delivered_at),
    (NULL, 'completed', 'paid', 'completed', NULL, 'Every part delivered.', '{{}}'::jsonb, f.delivered_at)
) AS e(seller_order_id, kind, from_status, to_status, actor_id, message, data, created_at)
""",
    """
INSERT INTO payments_ledgerentry (seller_id, kind, amount, currency, key, seller_order_id, description,
    created_at)
SELECT seller_id, 'sale', sale_amount, currency, 'sale:' || seller_order_id, seller_order_id,
    'Sale ' || seller_order_number || ': items and shipping', paid_at
FROM {facts} WHERE sale_amount <> 0
UNION ALL
SELECT seller_id, 'commission', -commission_amount, currency, 'commission:' || seller_order_id,
    seller_order_id, 'Commission on ' || seller_order_number, paid_at
FROM {facts} WHERE commission_amount <> 0
""",
    """
INSERT INTO fulfillment_trackingevent (shipment_id, event_id, code, status, description, location,
    occurred_at, received_at, source)
SELECT f.shipment_id, f.tracking_number || '-' || e.n || '-' || e.code, e.code, e.status, e.description,
    left(e.location, 120), e.occurred_at, f.tracked_at, 'poll'
FROM {facts} f CROSS JOIN LATERAL (VALUES
    ('00', 'picked_up', 'in_transit', 'Picked up', f.origin, f.picked_up_at),
    ('01', 'out_for_delivery', 'out_for_delivery', 'Out for delivery', f.destination,
        greatest(f.delivered_at - interval '5 hours' - (f.spread %% 50) * interval '1 minute',
            f.picked_up_at)),
    ('02', 'delivered', 'delivered',
        (ARRAY['Delivered, handed to resident', 'Delivered, left at front door', 'Delivered to mailbox'])
            [1 + f.spread %% 3],
        f.destination, f.delivered_at)
) AS e(n, code, status, description, location, occurred_at)
""",
    # Asked a few days after delivery (reviews.requests); not when the buyer had reviewed it already.
    """
INSERT INTO reviews_reviewrequest (order_line_id, due_at, sent_at, skipped_reason, created_at)
SELECT line_id, due_at,
    CASE WHEN reviewed_at < due_at THEN NULL
        WHEN due_at <= %(now)s THEN due_at + (10 + spread %% 40) * interval '1 minute' END,
    CASE WHEN reviewed_at < due_at THEN %(skipped)s ELSE '' END,
    delivered_at
FROM (SELECT *, delivered_at + %(delay)s * interval '1 day' AS due_at FROM {facts}) f
""",
)


def facts_table() -> Table:
    """An empty table of the per-order facts the statements read."""
    return Table.raw(FACTS, [name for name, _ in COLUMNS])


def derived_rows_write(*, facts: Table, card_fingerprint: str, now: datetime) -> None:
    """Send the batch's facts and write what follows from them, one statement per table."""
    if not facts.rows:
        return
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    params = {
        "fingerprint": card_fingerprint,
        "delay": int(settings.REVIEW_REQUEST_DELAY_DAYS),
        "now": now,
        "skipped": SKIPPED_REVIEWED,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {FACTS} ({columns}) ON COMMIT DROP")
        facts.copy()
        for statement in _STATEMENTS:
            cursor.execute(statement.format(facts=FACTS), params)
