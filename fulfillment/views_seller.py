"""The seller's shipping pages: orders to ship, one order's parcels, labels, voiding.

A first, minimal piece of Seller Central (issue 10 builds the rest). Every
read goes through a selector scoped to the member's seller; another seller's
order or parcel is a 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from fulfillment.carriers import carrier_get
from fulfillment.carriers.base import Parcel
from fulfillment.models import Shipment, Warehouse
from fulfillment.selectors import (
    seller_order_get_for_seller,
    seller_order_list_to_ship,
    shipment_get_for_seller,
    units_waiting_by_warehouse,
)
from fulfillment.shipments import ParcelSpec, order_address, shipment_create, shipment_void, warehouse_address
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_int
from orders.models import SellerOrder
from sellers.access import Section
from sellers.central import SellerCentralMixin


class SellerMemberMixin(SellerCentralMixin):
    """Seller Central's orders section (sellers/central.py): ``self.seller`` is the member's seller."""

    section = Section.ORDERS

    def seller_order(self, number: str) -> SellerOrder:
        try:
            return seller_order_get_for_seller(seller=self.seller, number=number)
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None

    def shipment(self, pk: int) -> Shipment:
        try:
            return shipment_get_for_seller(seller=self.seller, pk=pk)
        except Shipment.DoesNotExist:
            raise Http404("No such parcel.") from None


class ShippingQueueView(SellerMemberMixin, ListView):
    template_name = "fulfillment/seller/shipping_queue.html"
    context_object_name = "seller_orders"
    paginate_by = 25

    def get_queryset(self):
        return seller_order_list_to_ship(seller=self.seller)


def _int(value: str | None) -> int:
    value = (value or "").strip()
    refusal = f"{value!r} is not a whole number." if value else "A number is missing."
    return parse_int(
        value, minimum=0, maximum=9_999_999, invalid=refusal, too_small=refusal, too_large=refusal
    )


class ShippingOrderView(SellerMemberMixin, TemplateView):
    template_name = "fulfillment/seller/shipping_order.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seller_order = kwargs.get("seller_order") or self.seller_order(self.kwargs["number"])
        lines = {line.pk: line for line in seller_order.lines.all()}
        groups = []
        for warehouse, waiting in units_waiting_by_warehouse(seller_order=seller_order):
            rates = carrier_get("sandbox").rates(
                ship_from=warehouse_address(warehouse),
                ship_to=order_address(seller_order.order),
                parcel=Parcel(1000, 30, 20, 10),
            )
            groups.append(
                {
                    "warehouse": warehouse,
                    "lines": [(lines[pk], units) for pk, units in waiting.items()],
                    "rates": rates,
                }
            )
        context.update(seller=self.seller, seller_order=seller_order, groups=groups)
        return context

    def post(self, request, number):
        seller_order = self.seller_order(number)
        try:
            warehouse = Warehouse.objects.get(pk=_int(request.POST.get("warehouse")), seller=self.seller)
            quantities = {
                line.pk: _int(request.POST.get(f"qty-{line.pk}", "0") or "0")
                for line in seller_order.lines.all()
            }
            parcel = ParcelSpec(
                weight_grams=_int(request.POST.get("weight_grams")),
                length_cm=_int(request.POST.get("length_cm")),
                width_cm=_int(request.POST.get("width_cm")),
                height_cm=_int(request.POST.get("height_cm")),
            )
            shipment = shipment_create(
                seller_order=seller_order,
                warehouse=warehouse,
                quantities=quantities,
                parcel=parcel,
                service=request.POST.get("service", "ground")[:40],
                actor=request.user,
            )
        except Warehouse.DoesNotExist:
            messages.error(request, "Choose one of your warehouses.")
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Label bought: {shipment.service_name} {shipment.tracking_number}.")
        return redirect(reverse("seller:shipping-order", kwargs={"number": number}))


class ShipmentLabelView(SellerMemberMixin, View):
    def get(self, request, pk):
        shipment = self.shipment(pk)
        response = HttpResponse(bytes(shipment.label.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="label-{shipment.tracking_number}.pdf"'
        return response


class ShipmentVoidView(SellerMemberMixin, View):
    def post(self, request, pk):
        shipment = self.shipment(pk)
        try:
            shipment_void(shipment=shipment, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Label {shipment.tracking_number} voided; the units wait to ship again."
            )
        return redirect(reverse("seller:shipping-order", kwargs={"number": shipment.seller_order.number}))


# The seller's scorecard (fulfillment/scorecard/): stored figures, read-only.
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from fulfillment.scorecard import scorecard_get_for_seller, scorecard_rows  # noqa: E402
from orders.messages.selectors import RESPONSE_TARGET, seller_response_times  # noqa: E402


class SellerPerformanceView(SellerMemberMixin, TemplateView):
    """The seller's scorecard as last computed: a few queries, whatever its number of orders."""

    section = Section.PERFORMANCE
    template_name = "fulfillment/seller/performance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scorecard = scorecard_get_for_seller(seller=self.seller)
        context.update(
            seller=self.seller,
            scorecard=scorecard,
            rows=scorecard_rows(scorecard=scorecard) if scorecard else [],
            min_orders=settings.SELLER_SCORECARD_MIN_ORDERS,
            response_times=seller_response_times(seller=self.seller, now=timezone.now()),
            response_target_hours=int(RESPONSE_TARGET.total_seconds() // 3600),
        )
        return context


# Packing slips: one per parcel, listing what is in it (fulfillment/labels.py).
from fulfillment.labels import PackingSlipData, PackingSlipLine, packing_slip_pdf  # noqa: E402
from fulfillment.return_policy import return_terms  # noqa: E402


class ShipmentPackingSlipView(SellerMemberMixin, View):
    def get(self, request, pk):
        shipment = self.shipment(pk)
        if shipment.is_return:
            raise Http404("A return parcel has no packing slip.")
        seller_order = shipment.seller_order
        terms = return_terms(seller=self.seller)
        slip = PackingSlipData(
            seller_name=self.seller.name,
            order_number=seller_order.number,
            placed_on=seller_order.created_at.date(),
            ship_to=order_address(seller_order.order),
            lines=[
                PackingSlipLine(title=item.line.title, sku=item.line.sku, quantity=item.quantity)
                for item in shipment.lines.select_related("line").order_by("pk")
            ],
            tracking_number=shipment.tracking_number,
            return_policy=(
                f"Returns accepted within {terms.window_days} days of delivery: "
                "start one from your order page."
                if terms.window_days
                else f"{self.seller.name} does not take returns."
            ),
        )
        response = HttpResponse(packing_slip_pdf(slip), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="packing-slip-{shipment.tracking_number}.pdf"'
        )
        return response
