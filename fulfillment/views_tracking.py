"""The shopper's tracking page of one parcel, at /track/<tracking number>/ (only its buyer sees it)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import TemplateView

from fulfillment.models import Shipment, ShipmentLine, TrackingEvent
from fulfillment.promises import delivered_late


def parcel_get_for_user(*, user, tracking_number: str) -> Shipment:
    """One parcel of the user's orders with its scans (newest first) and units; raise DoesNotExist."""
    return (
        Shipment.objects.filter(seller_order__order__user=user, tracking_number=tracking_number[:40])
        .exclude(status=Shipment.Status.VOIDED)
        .select_related("seller_order__seller", "seller_order__order")
        .prefetch_related(
            Prefetch("tracking_events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("line").order_by("pk")),
        )
        .get()
    )


class ParcelTrackingView(LoginRequiredMixin, TemplateView):
    template_name = "fulfillment/tracking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            shipment = parcel_get_for_user(user=self.request.user, tracking_number=kwargs["tracking_number"])
        except Shipment.DoesNotExist:
            raise Http404("No such parcel.") from None
        seller_order = shipment.seller_order
        context.update(
            shipment=shipment,
            seller_order=seller_order,
            order=seller_order.order,
            scans=list(shipment.tracking_events.all()),
            late=not shipment.is_return
            and delivered_late(delivered_at=shipment.delivered_at, promised_to=seller_order.promised_to),
        )
        return context
