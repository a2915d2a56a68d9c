"""Fulfillment's part of the Seller Central dashboard and onboarding checklist (registered in apps.py)."""

from __future__ import annotations

from django.urls import reverse

from fulfillment.inventory.selectors import inventory_summary
from fulfillment.models import ReturnPolicy, Warehouse
from sellers.access import Section
from sellers.central import DashboardCard, OnboardingStep, dashboard_card_register, onboarding_step_register
from sellers.models import Seller


def inventory_card(seller: Seller) -> dict:
    """Low-stock and out-of-stock listings on sale, and warehouses (two queries)."""
    summary = inventory_summary(seller=seller)
    if not summary["warehouses"]:
        return {
            "title": "Inventory",
            "rows": [],
            "empty": "Add a warehouse to hold your stock.",
            "url": reverse("seller:warehouse-add"),
            "link_label": "Add a warehouse",
        }
    return {
        "title": "Inventory",
        "rows": [
            ("Low on stock", summary["low"]),
            ("Out of stock", summary["out"]),
            ("Warehouses", f"{summary['active_warehouses']} active of {summary['warehouses']}"),
        ],
        "url": reverse("seller:inventory") + ("?stock=low" if summary["low"] else ""),
        "link_label": "See low stock" if summary["low"] else "Open inventory",
    }


def register() -> None:
    onboarding_step_register(
        OnboardingStep(
            "shipping",
            "Set up shipping (a warehouse and handling time)",
            "seller:shipping-settings",
            done=lambda seller: Warehouse.objects.filter(seller=seller).exists(),
            order=20,
        )
    )
    onboarding_step_register(
        OnboardingStep(
            "return-policy",
            "Set your return policy",
            "seller:return-policy",
            done=lambda seller: ReturnPolicy.objects.filter(seller=seller).exists(),
            order=30,
        )
    )
    dashboard_card_register(
        DashboardCard("inventory", Section.INVENTORY, "sellers/central/card.html", inventory_card, order=20)
    )
