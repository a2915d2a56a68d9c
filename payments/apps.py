from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from marketplace.core import events

        # Through the outbox, after the cancellation commits: the refund is a
        # provider call, kept out of the order's transaction, retried until done.
        events.subscribe_async("order.cancelled", "payments.handlers.order_cancelled_refund")
