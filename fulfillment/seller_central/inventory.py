"""The inventory page (stock per warehouse, set inline), the low-stock threshold and the history.

Reads go through ``fulfillment.inventory.selectors`` with the member's seller, so another seller's
listing or warehouse is a 404; writes are ``fulfillment.inventory.services``. With htmx a row's
form swaps the row, a refusal included: the row comes back with its error and status 200,
because htmx 2 does not swap a 400 under the site's configuration (base.html's htmx-config,
the first one in the page, is the one htmx reads). Without JavaScript a POST redirects back to
the page it came from, or re-renders it with the error and status 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from catalog.models import Offer
from fulfillment.inventory.alerts import alert_of
from fulfillment.inventory.history import Cause
from fulfillment.inventory.selectors import (
    InventoryFilters,
    inventory_change_list,
    inventory_list,
    inventory_offer_get_for_seller,
    warehouse_get_for_seller,
)
from fulfillment.inventory.services import stock_set_on_hand, stock_threshold_set
from fulfillment.models import Warehouse
from fulfillment.seller_central.forms import optional_id, parse_on_hand, parse_threshold, search_text
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters
from sellers.access import Section
from sellers.central import SellerCentralMixin, nav_for

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
ROW_TEMPLATE = "fulfillment/seller/partials/inventory_row.html"
# What an htmx refusal answers (see above): 400 once the site's htmx-config swaps 400s.
HTMX_REFUSAL_STATUS = 200


def inventory_rows(offers, warehouses: list[Warehouse]) -> list[Offer]:
    """Give each offer ``cells`` (one per warehouse column: the stock row or None) and its badges."""
    rows = list(offers)
    for offer in rows:
        by_warehouse = {stock.warehouse_id: stock for stock in offer.warehouse_stocks}
        offer.cells = [(warehouse, by_warehouse.get(warehouse.pk)) for warehouse in warehouses]
        setting = alert_of(offer)
        offer.threshold = setting.low_stock_threshold if setting else None
        offer.is_out = offer.available_total <= 0
        offer.is_low = (
            offer.threshold is not None and not offer.is_out and offer.available_total <= offer.threshold
        )
    return rows


class InventorySectionMixin(SellerCentralMixin):
    section = Section.INVENTORY

    def warehouses(self) -> list[Warehouse]:
        if not hasattr(self, "_warehouses"):
            self._warehouses = list(Warehouse.objects.filter(seller=self.seller).order_by("name", "pk"))
        return self._warehouses


class InventoryPageMixin(InventorySectionMixin):
    def list_url(self) -> str:
        return reverse("seller:inventory")

    def back_url(self) -> str:
        """The inventory page (with its filters) the form was posted from, else the plain page."""
        back = self.request.POST.get("back", "")
        parts = urlsplit(back)
        if parts.scheme or parts.netloc or parts.path != self.list_url() or has_control_characters(back):
            return self.list_url()
        return back

    def filters(self, query: QueryDict) -> tuple[InventoryFilters, list[str]]:
        errors = []
        try:
            text = search_text(query.get("q"))
        except ApplicationError as error:
            text = ""
            errors.append(error.message)
        warehouse_id = None
        try:
            warehouse_id = optional_id(query.get("warehouse"), message="Choose one of your warehouses.")
        except ApplicationError as error:
            errors.append(error.message)
        if warehouse_id is not None and warehouse_id not in {w.pk for w in self.warehouses()}:
            warehouse_id = None
            errors.append("Choose one of your warehouses.")
        stock = query.get("stock", "")
        filters = InventoryFilters(
            query=text, low_only=stock == "low", out_only=stock == "out", warehouse_id=warehouse_id
        )
        return filters, errors

    def inventory_context(self, query: QueryDict, *, refused: dict | None = None) -> dict:
        filters, errors = self.filters(query)
        warehouses = self.warehouses()
        columns = [w for w in warehouses if filters.warehouse_id in (None, w.pk)]
        paginator = Paginator(inventory_list(seller=self.seller, filters=filters), PAGE_SIZE)
        page = paginator.get_page(query.get("page"))
        rows = inventory_rows(page.object_list, columns)
        for offer in rows:
            offer.row_errors = (refused or {}).get(offer.pk, [])
        return {
            "filters": filters,
            "filter_errors": errors,
            "filtered": bool(filters.query or filters.low_only or filters.out_only or filters.warehouse_id),
            "warehouses": warehouses,
            "columns": columns,
            "page_obj": page,
            "offers": rows,
            "back": self.request.get_full_path() if self.request.method == "GET" else self.back_url(),
        }


class InventoryView(InventoryPageMixin, TemplateView):
    """Every listing of the seller with its stock per warehouse, totals and low-stock badges."""

    template_name = "fulfillment/seller/inventory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.inventory_context(self.request.GET))
        return context


class InventoryRowActionView(InventoryPageMixin, View):
    """A POST on one listing's row: ``act`` calls the service and returns what to say."""

    def act(self, offer: Offer) -> str:
        raise NotImplementedError

    def offer(self, pk: int) -> Offer:
        try:
            return inventory_offer_get_for_seller(seller=self.seller, pk=pk)
        except Offer.DoesNotExist:
            raise Http404("No such listing.") from None

    def post(self, request, offer: int, **kwargs):
        listing = self.offer(offer)
        self.resolve(**kwargs)
        try:
            said = self.act(listing)
        except ApplicationError as error:
            return self.refused(listing, error.message)
        if request.htmx:
            return self.row(self.offer(offer), status_message=said)
        messages.success(request, said)
        return redirect(self.back_url())

    def resolve(self, **kwargs) -> None:
        """Fetch the other objects of the URL (404 when not the seller's)."""

    def row(self, offer: Offer, *, errors=(), status_message: str = "", status: int = 200):
        columns = self.columns()
        (offer,) = inventory_rows([offer], columns)
        offer.row_errors = list(errors)
        context = {
            "offer": offer,
            "columns": columns,
            "seller": self.seller,
            "status_message": status_message,
            "back": self.back_url(),
        }
        return TemplateResponse(self.request, ROW_TEMPLATE, context, status=status)

    def columns(self) -> list[Warehouse]:
        filters, _ = self.filters(QueryDict(urlsplit(self.back_url()).query))
        return [w for w in self.warehouses() if filters.warehouse_id in (None, w.pk)]

    def refused(self, offer: Offer, message: str):
        if self.request.htmx:
            return self.row(offer, errors=[message], status=HTMX_REFUSAL_STATUS)
        messages.error(self.request, f"{offer.sku} was not changed: {message}")
        context = {
            "seller": self.seller,
            "seller_member": self.member,
            "seller_nav": self.nav(),
            **self.inventory_context(
                QueryDict(urlsplit(self.back_url()).query), refused={offer.pk: [message]}
            ),
        }
        return TemplateResponse(self.request, InventoryView.template_name, context, status=400)

    def nav(self):
        return nav_for(role=self.member.role, current_path=self.list_url())


class StockSetView(InventoryRowActionView):
    """Set the units on hand of a listing in one warehouse."""

    def resolve(self, *, warehouse: int):
        try:
            self.warehouse = warehouse_get_for_seller(seller=self.seller, pk=warehouse)
        except Warehouse.DoesNotExist:
            raise Http404("No such warehouse.") from None

    def act(self, offer):
        on_hand = parse_on_hand(self.request.POST.get("on_hand"))
        stock = stock_set_on_hand(
            seller=self.seller,
            offer=offer,
            warehouse=self.warehouse,
            on_hand=on_hand,
            actor=self.request.user,
        )
        return (
            f"Saved: {stock.on_hand} of {offer.sku} on hand at {self.warehouse.name} "
            f"({stock.available} available)."
        )


class StockThresholdView(InventoryRowActionView):
    """Set (or clear) a listing's low-stock threshold."""

    def act(self, offer):
        threshold = parse_threshold(self.request.POST.get("threshold", ""))
        setting = stock_threshold_set(seller=self.seller, offer=offer, threshold=threshold)
        if setting is None:
            return f"Saved: no low-stock alert for {offer.sku}."
        return (
            f"Saved: you are alerted when {offer.sku} has {setting.low_stock_threshold} or fewer available."
        )


class InventoryHistoryView(InventorySectionMixin, TemplateView):
    """Every change of the seller's stock, newest first, filtered by listing (SKU) and cause."""

    template_name = "fulfillment/seller/inventory_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, errors = self.request.GET, []
        try:
            text = search_text(query.get("q"))
        except ApplicationError as error:
            text = ""
            errors.append(error.message)
        cause = query.get("cause", "")
        if cause and cause not in Cause.values:
            errors.append("Choose one of the causes in the list.")
            cause = ""
        offer_id = None
        try:
            offer_id = optional_id(query.get("offer"), message="That listing could not be found.")
        except ApplicationError as error:
            errors.append(error.message)
        offer = None
        if offer_id is not None:
            offer = Offer.objects.filter(seller=self.seller, pk=offer_id).select_related("product").first()
            if offer is None:
                errors.append("That listing could not be found.")
                offer_id = None
        paginator = Paginator(
            inventory_change_list(seller=self.seller, query=text, cause=cause, offer_id=offer_id),
            HISTORY_PAGE_SIZE,
        )
        page = paginator.get_page(query.get("page"))
        context.update(
            changes=page.object_list,
            page_obj=page,
            query=text,
            cause=cause,
            causes=Cause.choices,
            offer=offer,
            filter_errors=errors,
            filtered=bool(text or cause or offer),
        )
        return context
