from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog import handlers
        from marketplace.core import events

        events.subscribe("seller.status_changed", handlers.on_seller_status_changed)
