"""The Orders card of the Seller Central dashboard (registered in ``OrdersConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse

from orders.seller_central.selectors import seller_order_counts
from sellers.access import Section
from sellers.central import DashboardCard, dashboard_card_register


def orders_card_context(seller) -> dict:
    """To acknowledge, due to ship today and overdue: one query."""
    counts = seller_order_counts(seller=seller)
    return {
        "title": "Orders",
        "rows": [
            ("To acknowledge", counts["to_acknowledge"]),
            ("To ship today", counts["due_today"]),
            ("Overdue", counts["overdue"]),
        ],
        "url": reverse("seller:order-list"),
        "link_label": "See orders",
    }


def register() -> None:
    dashboard_card_register(
        DashboardCard(
            key="orders",
            section=Section.ORDERS,
            template="sellers/central/card.html",
            context=orders_card_context,
            order=20,
        )
    )
