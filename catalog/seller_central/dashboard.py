"""Catalog's parts of the Seller Central dashboard: the "List your first product" step and the
listings card, registered from ``CatalogConfig.ready``."""

from __future__ import annotations

from django.urls import reverse

from catalog.seller_central.selectors import listing_summary, seller_has_offer
from sellers.access import Section
from sellers.central import DashboardCard, OnboardingStep, dashboard_card_register, onboarding_step_register
from sellers.models import Seller


def listings_card(seller: Seller) -> dict:
    """What the listings card shows (one query)."""
    summary = listing_summary(seller=seller)
    rows = [
        ("Active listings", summary["active"]),
        ("Paused", summary["paused"]),
        ("Buy boxes held", summary["buy_boxes"]),
        ("Out of stock", summary["out_of_stock"]),
    ]
    return {
        "title": "Listings",
        "rows": rows if summary["total"] else [],
        "empty": "No listings yet.",
        "url": reverse("seller:listing-list") if summary["total"] else reverse("seller:listing-add"),
        "link_label": "Manage your listings" if summary["total"] else "List your first product",
    }


def register() -> None:
    onboarding_step_register(
        OnboardingStep(
            "first-listing", "List your first product", "seller:listing-add", seller_has_offer, order=40
        )
    )
    dashboard_card_register(
        DashboardCard("listings", Section.LISTINGS, "sellers/central/card.html", listings_card, order=20)
    )
