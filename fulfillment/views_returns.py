"""Return and claim pages: the shopper asks for a return and prints its label, or opens a claim;
the seller decides a return and receives it (staff decide claims in the admin).

Shopper pages live under /returns/ (namespace ``returns``), the seller's under
/seller/returns/ (namespace ``seller``). Every read is scoped to the signed-in
user (or the member's seller); anything else is a 404. Every refusal of the
services comes back as a message on the page, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from fulfillment.claims import claim_open, claim_options
from fulfillment.models import ReturnRequest, Shipment, Warehouse
from fulfillment.return_policy import return_terms
from fulfillment.returns import (
    return_approve,
    return_cancel,
    return_receive,
    return_reject,
    return_request_create,
    return_restock,
    returnable_lines,
)
from fulfillment.selectors_returns import (
    return_get_for_seller,
    return_get_for_user,
    return_list_for_seller,
    seller_order_for_return,
)
from fulfillment.views_seller import SellerMemberMixin
from marketplace.core.errors import ApplicationError
from marketplace.core.inputs import parse_id, parse_int
from orders.models import SellerOrder

MAX_DIGITS = 7


def _units(value: str | None) -> int:
    """A number of units typed in a form: a whole number, or a clear refusal."""
    value = (value or "0").strip() or "0"
    refusal = f"{value[:20]!r} is not a number of units."
    return parse_int(
        value, minimum=0, maximum=10**MAX_DIGITS - 1, invalid=refusal, too_small=refusal, too_large=refusal
    )


def _label_response(shipment: Shipment | None) -> HttpResponse:
    if shipment is None or shipment.status == Shipment.Status.VOIDED:
        raise Http404("This return has no label.")
    response = HttpResponse(bytes(shipment.label.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="return-label-{shipment.tracking_number}.pdf"'
    return response


# -- the shopper -----------------------------------------------------------------


class ShopperSellerOrderMixin(LoginRequiredMixin):
    """``self.seller_order()``: the signed-in shopper's seller order named in the URL, or a 404."""

    def seller_order(self) -> SellerOrder:
        try:
            return seller_order_for_return(user=self.request.user, number=self.kwargs["number"])
        except SellerOrder.DoesNotExist:
            raise Http404("No such order.") from None


class ReturnCreateView(ShopperSellerOrderMixin, TemplateView):
    """Choose the units and the reason; the form lists only what can still go back."""

    template_name = "fulfillment/returns/return_create.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seller_order = kwargs.get("seller_order") or self.seller_order()
        terms = return_terms(seller=seller_order.seller)
        now = timezone.now()
        posted = kwargs.get("posted", {})
        items = [
            {
                "item": item,
                "returnable": item.returnable(now),
                "open": item.open_at(now),
                "posted": str(posted.get(f"qty-{item.line.pk}", ""))[:MAX_DIGITS],
            }
            for item in returnable_lines(seller_order=seller_order, terms=terms)
        ]
        context.update(
            seller_order=seller_order,
            order=seller_order.order,
            items=items,
            terms=terms,
            any_returnable=any(row["returnable"] for row in items),
            reasons=ReturnRequest.Reason.choices,
            posted=posted,
        )
        return context

    def post(self, request, number):
        seller_order = self.seller_order()
        try:
            quantities = {
                line.pk: _units(request.POST.get(f"qty-{line.pk}")) for line in seller_order.lines.all()
            }
            rma = return_request_create(
                user=request.user,
                seller_order=seller_order,
                quantities=quantities,
                reason=request.POST.get("reason", "")[:40],
                comment=request.POST.get("comment", "")[:2000],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            context = self.get_context_data(seller_order=seller_order, posted=request.POST)
            return self.render_to_response(context, status=400)
        if rma.status == ReturnRequest.Status.APPROVED:
            messages.success(
                request, f"Return {rma.number} approved: print the label and send the items back."
            )
        else:
            messages.success(request, f"Return {rma.number} sent to {seller_order.seller.name} for approval.")
        return redirect(seller_order.order.get_absolute_url())


class ReturnLabelView(LoginRequiredMixin, View):
    def get(self, request, number):
        try:
            rma = return_get_for_user(user=request.user, number=number)
        except ReturnRequest.DoesNotExist:
            raise Http404("No such return.") from None
        return _label_response(rma.shipment)


class ReturnCancelView(LoginRequiredMixin, View):
    def post(self, request, number):
        try:
            rma = return_get_for_user(user=request.user, number=number)
        except ReturnRequest.DoesNotExist:
            raise Http404("No such return.") from None
        try:
            return_cancel(return_request=rma, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Return {rma.number} cancelled.")
        return redirect(reverse("orders:order-detail", kwargs={"number": rma.seller_order.order.number}))


# -- the seller ------------------------------------------------------------------


class SellerReturnListView(SellerMemberMixin, ListView):
    template_name = "fulfillment/seller/return_list.html"
    context_object_name = "returns"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        return return_list_for_seller(
            seller=self.seller, status=status if status in ReturnRequest.Status.values else None
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(seller=self.seller, statuses=ReturnRequest.Status.choices)
        return context


class SellerReturnView(SellerMemberMixin, TemplateView):
    """One return: approve or reject it, mark it received, put units back on the shelf."""

    template_name = "fulfillment/seller/return_detail.html"

    def return_request(self) -> ReturnRequest:
        try:
            return return_get_for_seller(seller=self.seller, number=self.kwargs["number"])
        except ReturnRequest.DoesNotExist:
            raise Http404("No such return.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rma = self.return_request()
        warehouses = list(Warehouse.objects.filter(seller=self.seller, is_active=True).order_by("name", "pk"))
        default_warehouse = rma.shipment.warehouse_id if rma.shipment_id else None
        context.update(
            seller=self.seller,
            rma=rma,
            order=rma.seller_order.order,
            warehouses=warehouses,
            default_warehouse=default_warehouse,
            restockable=[(item, item.quantity - item.restocked_quantity) for item in rma.lines.all()],
        )
        return context

    def post(self, request, number):
        rma = self.return_request()
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")[:2000]
        try:
            if action == "approve":
                return_approve(return_request=rma, actor=request.user, seller=self.seller, note=note)
                done = f"Return {rma.number} approved; the shopper has a return label."
            elif action == "reject":
                return_reject(return_request=rma, actor=request.user, seller=self.seller, note=note)
                done = f"Return {rma.number} rejected; the shopper was told why."
            elif action in ("receive", "restock"):
                quantities = {
                    item.line_id: _units(request.POST.get(f"restock-{item.line_id}"))
                    for item in rma.lines.all()
                }
                warehouse = self._warehouse(request.POST.get("warehouse"), needed=any(quantities.values()))
                if action == "receive":
                    return_receive(
                        return_request=rma,
                        actor=request.user,
                        seller=self.seller,
                        restock=quantities,
                        warehouse=warehouse,
                    )
                    done = f"Return {rma.number} received; the refund is on its way to the shopper."
                else:
                    units = return_restock(
                        return_request=rma,
                        quantities=quantities,
                        warehouse=warehouse,
                        actor=request.user,
                        seller=self.seller,
                    )
                    done = f"{units} unit(s) back in stock."
            else:
                raise ApplicationError("Choose what to do with this return.")
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect(reverse("seller:return-detail", kwargs={"number": rma.number}))

    def _warehouse(self, value: str | None, *, needed: bool) -> Warehouse | None:
        value = (value or "").strip()
        if not value:
            if needed:
                raise ApplicationError("Choose the warehouse the units go back to.")
            return None
        warehouse_id = parse_id(value, message="Choose one of your warehouses.")
        warehouse = Warehouse.objects.filter(pk=warehouse_id, seller=self.seller).first()
        if warehouse is None:
            raise ApplicationError("Choose one of your warehouses.")
        return warehouse


class SellerReturnLabelView(SellerMemberMixin, View):
    def get(self, request, number):
        try:
            rma = return_get_for_seller(seller=self.seller, number=number)
        except ReturnRequest.DoesNotExist:
            raise Http404("No such return.") from None
        return _label_response(rma.shipment)


# -- claims (fulfillment/claims.py) -----------------------------------------------


class ClaimCreateView(ShopperSellerOrderMixin, TemplateView):
    """Ask the marketplace to step in; the page says which reasons apply to this order now, and why."""

    template_name = "fulfillment/returns/claim_create.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seller_order = kwargs.get("seller_order") or self.seller_order()
        options = claim_options(seller_order=seller_order)
        context.update(
            seller_order=seller_order,
            order=seller_order.order,
            options=options,
            any_available=any(option.available for option in options),
            posted=kwargs.get("posted", {}),
        )
        return context

    def post(self, request, number):
        seller_order = self.seller_order()
        try:
            claim = claim_open(
                user=request.user,
                seller_order=seller_order,
                reason=request.POST.get("reason", "")[:40],
                description=request.POST.get("description", "")[:5000],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            context = self.get_context_data(seller_order=seller_order, posted=request.POST)
            return self.render_to_response(context, status=400)
        messages.success(request, f"Claim {claim.number} opened: our staff will decide within a few days.")
        return redirect(seller_order.order.get_absolute_url())
