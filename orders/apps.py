from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self):
        from marketplace.accounts.privacy.registry import privacy_register
        from orders import privacy

        privacy_register(privacy.SECTION)  # what orders holds about a person (GDPR, ADR 0089)
        from django.contrib.auth.signals import user_logged_in

        from orders import handlers

        user_logged_in.connect(handlers.cart_merge_on_sign_in, dispatch_uid="orders.cart_merge_on_sign_in")

        from orders import notifications

        notifications.register()

        from orders.seller_central import cards

        cards.register()

        from orders.messages import cards as message_cards

        message_cards.register()

        from marketplace.core import events

        # Sales counts (orders/sales.py, ADR 0083): the order is counted after its payment commits.
        events.subscribe_async("order.paid", "orders.sales.order_paid_count_sales")
