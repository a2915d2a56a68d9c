"""Recompute every product's sales count from the sales days; with --rebuild, the days too (ADR 0083)."""

from django.core.management.base import BaseCommand

from orders.sales import sales_counts_refresh, sales_days_rebuild


class Command(BaseCommand):
    help = (
        "Recompute Product.sales_count from the sales days (orders.ProductSalesDay) and report how many "
        "products had drifted. --rebuild first counts every paid order again, less its refunds, and "
        "writes the sales days from scratch (a database from before they existed, or loaded otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Write the sales days again from the paid orders first."
        )

    def handle(self, *args, rebuild: bool = False, **options):
        if rebuild:
            result = sales_days_rebuild()
            self.stdout.write(f"Sales days rebuilt from {result.orders} paid orders ({result.days} rows).")
            self.stdout.write(f"{result.changed} products' sales counts changed.")
            return
        drifted = sales_counts_refresh()
        self.stdout.write(
            f"{drifted} products' sales counts drifted from their sales days and were corrected."
        )
