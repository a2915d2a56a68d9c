from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from marketplace.accounts.privacy.registry import privacy_register
        from payments import privacy

        privacy_register(privacy.SECTION)  # what payments holds about a person (GDPR, ADR 0089)
        from marketplace.core import events
        from payments import checks  # noqa: F401  (registers the system check)

        # Through the outbox, after the cancellation commits: the refund is a
        # provider call, kept out of the order's transaction, retried until done.
        events.subscribe_async("order.cancelled", "payments.handlers.order_cancelled_refund")
        events.subscribe_async("return.received", "payments.handlers.return_received_refund")
        events.subscribe_async("claim.granted", "payments.handlers.claim_granted_refund")
        events.subscribe_async(
            "seller_order.seller_cancelled", "payments.seller_cancellations.seller_order_cancelled_refund"
        )
        # The seller ledger (ADR 0032): postings are idempotent by key, so at-least-once is fine.
        events.subscribe_async("order.paid", "payments.ledger.order_paid_post")
        events.subscribe_async("order.released", "payments.ledger.order_paid_post")
        events.subscribe_async("refund.created", "payments.ledger.refund_created_post")
        events.subscribe_async("refund.failed", "payments.ledger.refund_failed_post")  # ADR 0082
        events.subscribe_async("dispute.created", "payments.ledger.dispute_created_post")
        # Sales counts (ADR 0083): units refunded leave the sales counts, and come back if it failed.
        for name in ("refund.created", "refund.failed"):
            events.subscribe_async(name, "payments.sales.refund_count_sales")
        # Seller Central (payments/seller_central/): the payout-account step and the money card.
        from payments.seller_central.cards import MONEY_CARD, PAYOUT_ACCOUNT_STEP
        from sellers.central import dashboard_card_register, onboarding_step_register

        onboarding_step_register(PAYOUT_ACCOUNT_STEP)
        dashboard_card_register(MONEY_CARD)
        # The analytics card (payments/seller_central/analytics_card.py, ADR 0078).
        from payments.seller_central.analytics_card import ANALYTICS_CARD

        dashboard_card_register(ANALYTICS_CARD)
