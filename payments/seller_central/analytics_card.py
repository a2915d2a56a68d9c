"""The dashboard's Analytics card (Section.PERFORMANCE): the last 30 days' sales, orders and conversion.

Registered from ``PaymentsConfig.ready``; two queries (sold lines and views by day).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from marketplace.core.money import format_money
from payments.seller_central.analytics import DEFAULT_DAYS, percent, today_utc
from payments.seller_central.analytics_data import ZERO, analytics_daily_list, ratio
from sellers.access import Section
from sellers.central import DashboardCard
from sellers.models import Seller


def analytics_card_context(seller: Seller) -> dict:
    today = today_utc()
    days = analytics_daily_list(seller=seller, start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)
    orders, views = sum(day.orders for day in days), sum(day.views for day in days)
    return {
        "title": f"Last {DEFAULT_DAYS} days",
        "rows": [
            ("Sales", format_money(sum((day.sales for day in days), start=ZERO))),
            ("Orders", orders),
            ("Conversion", percent(ratio(orders, views))),
        ],
        "url": reverse("seller:analytics"),
        "link_label": "Analytics",
    }


ANALYTICS_CARD = DashboardCard(
    key="payments-analytics",
    section=Section.PERFORMANCE,
    template="sellers/central/card.html",
    context=analytics_card_context,
    order=60,
)
