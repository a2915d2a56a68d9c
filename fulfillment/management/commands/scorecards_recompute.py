"""Recompute the seller scorecards now (Celery beat does it every hour)."""

from django.core.management.base import BaseCommand

from fulfillment.models import SellerScorecard
from fulfillment.scorecard import scorecards_recompute


class Command(BaseCommand):
    help = "Recompute every seller's scorecard: figures, buy-box eligibility, warnings, suspension proposals."

    def add_arguments(self, parser):
        parser.add_argument("--seller", type=int, action="append", help="Only this seller id (repeatable).")

    def handle(self, *args, seller, **options):
        count = scorecards_recompute(seller_ids=seller)
        past = SellerScorecard.objects.exclude(breaches=[])
        if seller:
            past = past.filter(seller_id__in=seller)
        self.stdout.write(
            f"{count} scorecard(s) recomputed; {past.count()} seller(s) past a threshold, "
            f"{past.filter(suspension_proposed_at__isnull=False).count()} proposed for suspension."
        )
