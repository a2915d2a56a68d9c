"""The Messages card of the Seller Central dashboard (registered in ``OrdersConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from orders.messages.selectors import conversation_waiting_summary, duration_label
from sellers.access import Section
from sellers.central import DashboardCard, dashboard_card_register


def messages_card_context(seller) -> dict:
    """Conversations awaiting a reply and how long the oldest has waited: one query."""
    summary = conversation_waiting_summary(seller=seller)
    oldest = summary["oldest"]
    return {
        "title": "Buyer messages",
        "rows": [
            ("Awaiting your reply", summary["waiting"]),
            ("Oldest waiting", duration_label(timezone.now() - oldest) if oldest else "None"),
        ],
        "url": reverse("seller:message-list") + ("?show=unanswered" if summary["waiting"] else ""),
        "link_label": "Answer buyers" if summary["waiting"] else "See messages",
    }


def register() -> None:
    dashboard_card_register(
        DashboardCard(
            key="messages",
            section=Section.ORDERS,
            template="sellers/central/card.html",
            context=messages_card_context,
            order=25,
        )
    )
