"""Recount every product and seller rating from the published rows and report any drift.

``manage.py ratings_check`` lists the aggregates that differ from a recount
and exits 1 when there is any; ``--repair`` also overwrites them with the
recount. The aggregates are kept in the transaction of each change
(reviews/aggregates.py), so a drift means a bug or a hand-edited row.
"""

from django.core.management.base import BaseCommand, CommandError

from reviews.aggregates import aggregates_drift, aggregates_repair


class Command(BaseCommand):
    help = "Recount product and seller ratings from the published reviews and feedback; report any drift."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Overwrite drifted aggregates with the recount."
        )

    def handle(self, *args, repair=False, **options):
        drifts = aggregates_drift()
        for drift in drifts[:50]:
            self.stdout.write(f"{drift.kind} {drift.key}: stored {drift.stored}, counted {drift.counted}")
        if len(drifts) > 50:
            self.stdout.write(f"... and {len(drifts) - 50} more")
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Every rating equals its recount."))
            return
        if repair:
            aggregates_repair(drifts)
            self.stdout.write(self.style.WARNING(f"Repaired {len(drifts)} drifted rating(s)."))
            return
        raise CommandError(f"{len(drifts)} rating(s) differ from a recount; run with --repair to fix them.")
