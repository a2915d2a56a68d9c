from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog import handlers, images
        from marketplace.core import events

        events.subscribe("seller.status_changed", handlers.on_seller_status_changed)
        # A seller's rating breaks buy-box ties; a large seller has many offers, so after commit.
        events.subscribe_async("seller.rating_changed", "catalog.handlers.seller_rating_buy_boxes_refresh")
        # Payload: product_ids and/or offer_ids. See catalog/search/indexing.py.
        for name in ("product.changed", "product.rating_changed", "offer.changed", "stock.changed"):
            events.subscribe(name, handlers.on_products_changed)
        # With SEARCH_BACKEND=elasticsearch the same events also index Elasticsearch, via the outbox.
        from catalog.search.elasticsearch import subscribe_indexing

        subscribe_indexing()
        images.configure_pillow()
        # Seller Central: the "List your first product" step and the listings card.
        from catalog.seller_central import dashboard

        dashboard.register()
