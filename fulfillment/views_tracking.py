"""The shopper's tracking page of one parcel, at /track/<tracking number>/ (only its buyer sees it)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from fulfillment.models import Shipment
from fulfillment.promises import delivered_late
from fulfillment.selectors import parcel_get_for_user


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
