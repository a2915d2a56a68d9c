"""The seller's listings in Seller Central: the list with its buy-box standing, the inline
price edit, pause and resume, the details page (SKU, condition note, handling time), and
adding an offer to an existing product.

Every read goes through ``catalog.seller_central.selectors`` with the member's
seller, so another seller's listing is a 404; every write is a
``catalog.services.offer_*`` service. With htmx a row's form swaps the row
(a refusal answers 400 with the row and its error, which
catalog/static/catalog/js/seller-listings.js lets htmx swap too); without
JavaScript a POST redirects back to the list, or re-renders it with the error
and status 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin

from catalog.models import Offer
from catalog.offer_details import offer_update_details
from catalog.seller_central.forms import (
    SEARCH_MAX_LENGTH,
    ListingFilterForm,
    OfferCreateForm,
    OfferDetailsForm,
    OfferPriceForm,
)
from catalog.seller_central.selectors import (
    is_gtin,
    listing_rows,
    offer_get_for_seller,
    offer_list_for_seller_central,
    product_get_for_offer,
    product_ids_offered,
    product_search_for_offer,
)
from catalog.services import (
    CONDITIONS_WITH_NOTE,
    DuplicateSku,
    offer_create,
    offer_pause,
    offer_resume,
    offer_update_price,
)
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import has_control_characters, parse_id, without_control_characters
from marketplace.core.money import format_money
from sellers.access import Section
from sellers.central import SellerCentralMixin
from sellers.models import Seller

PAGE_SIZE = 25
NEW_OFFER_INITIAL = {"condition": Offer.Condition.NEW, "handling_days": 2, "shipping": "0.00"}
ROW_TEMPLATE = "catalog/seller/partials/listing_row.html"


def inventory_url() -> str | None:
    """The inventory page (fulfillment's), once it exists."""
    try:
        return reverse("seller:inventory")
    except NoReverseMatch:
        return None


class ListingSectionMixin(SellerCentralMixin):
    section = Section.LISTINGS

    def list_url(self) -> str:
        return reverse("seller:listing-list")

    def back_url(self) -> str:
        """The list page (with its filters) that the form was posted from, else the plain list."""
        back = self.request.POST.get("back", "") or self.request.GET.get("back", "")
        parts = urlsplit(back)
        if parts.scheme or parts.netloc or parts.path != self.list_url() or has_control_characters(back):
            return self.list_url()
        return back

    def listing_context(self, query: QueryDict, *, refused: dict | None = None) -> dict:
        """What the list page shows for ``query`` (its filters, sort and page number).

        ``refused`` maps an offer id to (errors, what was typed), shown in its row.
        """
        form = ListingFilterForm(query)
        filters = form.filters()
        paginator = Paginator(offer_list_for_seller_central(seller=self.seller, filters=filters), PAGE_SIZE)
        page = paginator.get_page(query.get("page"))
        rows = listing_rows(page.object_list, seller=self.seller)
        for offer in rows:
            offer.row_errors, offer.typed = (refused or {}).get(offer.pk, ([], {}))
        filtered = any((filters.query, filters.status, filters.buy_box, filters.out_of_stock))
        return {
            "filter_form": form,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "listings": rows,
            "inventory_url": inventory_url(),
            "back": self.request.get_full_path() if self.request.method == "GET" else self.back_url(),
        }


class ListingListView(ListingSectionMixin, TemplateView):
    template_name = "catalog/seller/listing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context(self.request.GET))
        return context


class ListingRowActionView(ListingSectionMixin, ContextMixin, View):
    """A POST on one listing's row: ``act`` calls the service and returns what to say."""

    def act(self, offer: Offer) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        offer = offer_get_for_seller(seller=self.seller, pk=pk)
        try:
            said = self.act(offer)
        except ApplicationError as error:
            return self.refused(offer, errors=getattr(error, "errors", None) or [error.message])
        if request.htmx:
            return self.row(offer_get_for_seller(seller=self.seller, pk=pk), status_message=said)
        messages.success(request, said)
        return redirect(self.back_url())

    def typed(self) -> dict:
        """What the seller typed in the row's price form, shown again next to the error."""
        return {}

    def row(self, offer: Offer, *, errors=(), status_message: str = "", status: int = 200):
        (offer,) = listing_rows([offer], seller=self.seller)
        offer.row_errors, offer.typed = list(errors), self.typed() if errors else {}
        context = {
            "offer": offer,
            "seller": self.seller,
            "status_message": status_message,
            "inventory_url": inventory_url(),
            "back": self.back_url(),
        }
        return TemplateResponse(self.request, ROW_TEMPLATE, context, status=status)

    def refused(self, offer: Offer, *, errors: list[str]):
        """Say why in the row (htmx), or re-render the list page with the error (no JavaScript)."""
        if self.request.htmx:
            return self.row(offer, errors=errors, status=400)
        messages.error(self.request, f"{offer.sku} was not changed: {' '.join(errors)}")
        context = self.get_context_data()
        query = QueryDict(urlsplit(self.back_url()).query)
        context.update(self.listing_context(query, refused={offer.pk: (errors, self.typed())}))
        return TemplateResponse(self.request, ListingListView.template_name, context, status=400)


class PriceRefused(ApplicationError):
    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


class ListingPriceView(ListingRowActionView):
    """Set a listing's price and shipping amount from its row."""

    def typed(self):
        return {
            name: without_control_characters(self.request.POST.get(name, ""))[:40]
            for name in ("price", "shipping")
        }

    def act(self, offer):
        form = OfferPriceForm(self.request.POST)
        if not form.is_valid():
            raise PriceRefused([error for errors in form.errors.values() for error in errors])
        offer = offer_update_price(
            offer=offer,
            seller=self.seller,
            price=form.cleaned_data["price"],
            shipping=form.cleaned_data["shipping"],
        )
        price = format_money(offer.price_amount, offer.currency)
        shipping = format_money(offer.shipping_amount, offer.currency)
        return f"Saved: {offer.sku} sells at {price} plus {shipping} shipping."


class ListingPauseView(ListingRowActionView):
    def act(self, offer):
        offer = offer_pause(offer=offer, seller=self.seller)
        return f"Paused: {offer.sku} is off sale until you resume it."


class ListingResumeView(ListingRowActionView):
    def act(self, offer):
        offer = offer_resume(offer=offer, seller=self.seller)
        return f"Resumed: {offer.sku} is on sale again."


class ListingEditView(ListingSectionMixin, TemplateView):
    """One listing's details: SKU, condition note and handling time (the condition is fixed)."""

    template_name = "catalog/seller/listing_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offer = kwargs.get("offer") or offer_get_for_seller(seller=self.seller, pk=self.kwargs["pk"])
        initial = {
            "sku": offer.sku,
            "condition_note": offer.condition_note,
            "handling_days": offer.handling_days,
        }
        context.update(
            offer=offer,
            form=kwargs.get("form") or OfferDetailsForm(initial=initial),
            note_required=offer.condition in CONDITIONS_WITH_NOTE,
            back=self.back_url(),
        )
        return context

    def post(self, request, pk: int):
        offer = offer_get_for_seller(seller=self.seller, pk=pk)
        form = OfferDetailsForm(request.POST)
        if form.is_valid():
            try:
                offer = offer_update_details(
                    offer=offer,
                    seller=self.seller,
                    sku=form.cleaned_data["sku"],
                    condition_note=form.cleaned_data["condition_note"],
                    handling_days=form.cleaned_data["handling_days"],
                )
            except ApplicationError as error:
                field = "sku" if isinstance(error, DuplicateSku) else None
                form.add_error(field, error.message)
            else:
                messages.success(request, f"Saved: the details of {offer.sku}.")
                return redirect(self.back_url())
        return self.render_to_response(self.get_context_data(offer=offer, form=form), status=400)


class ListingAddView(ListingSectionMixin, TemplateView):
    """Find a catalog product by words or GTIN, then offer it: SKU, condition, price, handling."""

    template_name = "catalog/seller/listing_add.html"

    def search_query(self) -> tuple[str, str]:
        """The search typed (or ""), and why it was refused (or "")."""
        query = (self.request.GET.get("q") or "").strip()
        if has_control_characters(query):
            return "", "The search contains a character that is not allowed."
        if len(query) > SEARCH_MAX_LENGTH:
            return "", f"Search with at most {SEARCH_MAX_LENGTH} characters."
        return query, ""

    def picked_product(self, raw):
        if raw in (None, ""):
            return None, ""
        try:
            product = product_get_for_offer(pk=parse_id(raw, message="bad id"))
        except ApplicationError:
            product = None
        if product is None:
            return None, "That product cannot be offered: search again and pick one from the results."
        return product, ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, problem = self.search_query()
        product, product_problem = kwargs.get("product"), ""
        if product is None:
            product, product_problem = self.picked_product(self.request.GET.get("product"))
        results = product_search_for_offer(query=query) if query and product is None else []
        offered = product_ids_offered(
            seller=self.seller, product_ids=[p.pk for p in results] + ([product.pk] if product else [])
        )
        for result in results:
            result.already_offered = result.pk in offered
        form = kwargs.get("form") or OfferCreateForm(initial=NEW_OFFER_INITIAL)
        context.update(
            query=query,
            searched_gtin=is_gtin(query),
            problem=problem or product_problem,
            results=results,
            product=product,
            already_offered=bool(product and product.pk in offered),
            form=form,
            conditions_with_note=sorted(CONDITIONS_WITH_NOTE),
            can_list=self.seller.status == Seller.Status.APPROVED,
        )
        return context

    def post(self, request):
        product, problem = self.picked_product(request.POST.get("product"))
        form = OfferCreateForm(request.POST)
        if product is None:
            messages.error(request, problem or "Pick the product to offer first.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = offer_create(
                    seller=self.seller,
                    product=product,
                    sku=data["sku"],
                    condition=data["condition"],
                    condition_note=data["condition_note"],
                    price=data["price"],
                    shipping=data["shipping"],
                    handling_days=data["handling_days"],
                )
            except ApplicationError as error:
                form.add_error("sku" if isinstance(error, DuplicateSku) else None, error.message)
            else:
                messages.success(
                    request,
                    f"Listed: {product.title} as {offer.sku}. It has no units yet: add stock on the "
                    "Inventory page to start selling.",
                )
                return redirect(self.list_url())
        return self.render_to_response(self.get_context_data(form=form, product=product), status=400)
