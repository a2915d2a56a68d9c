from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self):
        from fulfillment import privacy
        from marketplace.accounts.privacy.registry import privacy_register

        privacy_register(privacy.SECTION)  # what fulfillment holds about a person (GDPR, ADR 0089)
        from fulfillment import checks, notifications, returns, scorecard  # noqa: F401  (checks: registers)
        from marketplace.core import events

        notifications.register()
        # A return parcel's delivery scan receives the return (same transaction as the scan).
        events.subscribe("return_shipment.delivered", returns.return_parcel_delivered)
        # The seller scorecard: chargebacks as defects, the warning e-mail (fulfillment/scorecard/).
        scorecard.register()
        # Seller Central: the low-stock e-mail, the inventory card and the checklist steps.
        from fulfillment.inventory.alerts import LOW_STOCK_EVENT
        from fulfillment.seller_central import dashboard

        events.subscribe_async(LOW_STOCK_EVENT, "fulfillment.notifications.low_stock_email_send")
        dashboard.register()
