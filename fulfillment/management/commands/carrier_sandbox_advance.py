"""Move the sandbox carrier's clock on, push the scans that became due, then poll the rest."""

from django.core.management.base import BaseCommand, CommandError

from fulfillment.carriers import WebhookRejected
from fulfillment.carriers.sandbox import sandbox_clock_advance, sandbox_webhooks_due
from fulfillment.shipments import carrier_webhook_receive, shipments_track_open
from marketplace.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Advance the sandbox carrier's clock, deliver its webhooks and refresh open parcels."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=0)
        parser.add_argument("--days", type=int, default=0)

    def handle(self, *args, hours, days, **options):
        try:
            now = sandbox_clock_advance(seconds=(days * 24 + hours) * 3600)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        pushed = rejected = 0
        for body, headers in sandbox_webhooks_due():
            try:
                pushed += carrier_webhook_receive(carrier="sandbox", body=body, headers=headers)
            except WebhookRejected:
                rejected += 1  # a parcel of a label we never kept (its shipment rolled back)
        polled = shipments_track_open()
        self.stdout.write(
            f"Sandbox carrier time {now:%Y-%m-%d %H:%M} UTC: {pushed} scans pushed"
            f" ({rejected} webhooks for unknown parcels), {polled} parcels polled."
        )
