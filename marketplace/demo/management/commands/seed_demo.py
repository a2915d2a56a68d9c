"""Fill the database with a believable demo catalog."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from catalog.models import Product
from catalog.search.indexing import search_index_rebuild
from marketplace.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create demo categories, brands, sellers, warehouses, accounts and products with offers, stock "
        "and images; two years of delivered orders of a pool of shoppers with their reviews and seller "
        "feedback (every rating comes from them); and about forty past orders in every state (shipped, "
        "in transit, delivered on time and late, returned, claimed). Running it again with the same "
        "--products adds nothing; a larger number tops up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=1000, help="Products the catalog should hold.")
        parser.add_argument("--seed", type=int, default=1, help="Seed for the generated products.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the catalog already has products."
        )
        parser.add_argument(
            "--no-orders",
            action="store_true",
            help="Seed the catalog only, without the past orders (and so without reviews or ratings).",
        )

    def handle(self, *args, products, seed, if_empty, no_orders, **options):
        if if_empty and Product.objects.exists():
            self.stdout.write("The catalog already has products; nothing to seed (--if-empty).")
            # A catalog seeded before search existed (or loaded otherwise) gets its documents.
            if written := search_index_rebuild(batch_size=5000):
                self.stdout.write(f"Indexed {written:,} products for search.")
            return
        started = timezone.now()
        self.stdout.write(f"Seeding the demo catalog up to {products:,} products (seed {seed})...")
        added = seed_demo(products=products, seed=seed, orders=not no_orders, report=self.stdout.write)
        search_index_rebuild(batch_size=5000, report=self.stdout.write)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Done: {added:,} products added in {seconds:.1f} s."))
        self.stdout.write("Run `manage.py demo_logins` for the demo accounts.")
