"""Query budgets: the SQL queries each page and API may make, in one place.

``BUDGETS`` lists every storefront page, API and admin changelist with the exact number of
queries it makes, twice: on a cold cache (``cache.clear()`` just before) and warm (the same
request again right after). The same numbers must hold for a catalog of 3 rows and of 30 rows
per list (products in the category, offers on the product, cart lines and seller groups,
orders, order lines, addresses...), so a query in a loop fails here. A page that must grow
with its rows would say so with ``per_row``; none does.

Measured as the test settings run the site: PostgreSQL search, the catalog page cache off
(``CATALOG_PAGE_CACHE_SECONDS = 0``), the navigation and cart-count caches on (a warm request
finds them filled by the cold one).

A change that adds (or saves) queries must update this file: the numbers are exact on
purpose. Run with ``-k`` on a size to see one dataset; a failure lists every page that moved,
with the SQL of the measured request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ProductImage
from catalog.services import product_refresh_buy_box
from fulfillment.carriers.sandbox import sandbox_clock_advance, sandbox_parcel_replan
from fulfillment.claims import claim_open
from fulfillment.models import Claim, ReturnRequest, Shipment
from fulfillment.returns import return_request_create
from fulfillment.scorecard import scorecard_get_for_seller, scorecards_recompute
from fulfillment.selectors import seller_order_list_to_ship
from fulfillment.selectors_returns import return_list_for_seller
from fulfillment.shipments import ParcelSpec, shipment_create, shipments_track_open
from orders.cart import cart_add_offer
from orders.models import Cart, Order, SellerOrder
from orders.placement import PlacementLine, order_place
from payments.services import payment_confirm, payment_start
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS
from tests.payments.conftest import payment_method
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Budget:
    url: str  # formatted with the dataset's names: {product}, {seller}, {order}...
    who: str  # "guest", "shopper", "staff" or "seller" (a member of the first seller)
    cold: int  # queries right after cache.clear()
    warm: int  # queries of the same request made again
    ajax: bool = False
    # Known queries per row of the dataset (a query in a loop still to remove); 0 for every page
    # that meets the convention. Expected counts are cold/warm + per_row * rows.
    per_row: int = 0

    def expected(self, rows: int) -> tuple[int, int]:
        return self.cold + self.per_row * rows, self.warm + self.per_row * rows


# fmt: off
BUDGETS: dict[str, Budget] = {
    "home":                  Budget("/", "guest", 4, 3),
    "category":              Budget("/c/{category}/", "guest", 7, 6),
    "product":               Budget("/p/{product}/", "guest", 5, 4),
    "seller":                Budget("/sellers/{seller}/", "guest", 7, 6),  # + feedback counts, comments
    # Cold: + the staff-edited synonym table, read once and cached (catalog/search/synonyms.py).
    "search":                Budget("/search/?q=kettle", "guest", 9, 6),
    "search-suggest":        Budget("/search/suggest/?q=kett", "guest", 7, 0, ajax=True),
    "cart":                  Budget("/cart/", "shopper", 5, 4),
    "checkout":              Budget("/checkout/", "shopper", 11, 8),
    "order-list":            Budget("/orders/", "shopper", 6, 4),
    "order-detail":          Budget("/orders/{order}/", "shopper", 15, 13),  # + feedback, own reviews
    "order-detail-unpaid":   Budget("/orders/{unpaid_order}/", "shopper", 11, 9),
    "return-create":         Budget("/returns/new/{seller_order}/", "shopper", 9, 7),
    "pay":                   Budget("/pay/{unpaid_order}/", "shopper", 5, 3),
    "account-overview":      Budget("/account/", "shopper", 6, 4),
    "admin-product-list":    Budget("/admin/catalog/product/", "staff", 7, 5),
    "admin-offer-list":      Budget("/admin/catalog/offer/", "staff", 6, 4),
    "admin-order-list":      Budget("/admin/orders/order/", "staff", 9, 7),
    "seller-shipping":       Budget("/seller/shipping/", "seller", 7, 5),
    "seller-shipping-order": Budget("/seller/shipping/{seller_order}/", "seller", 11, 9),
    "seller-returns":        Budget("/seller/returns/", "seller", 8, 6),
    "seller-return":         Budget("/seller/returns/{return}/", "seller", 8, 6),
    "seller-performance":    Budget("/seller/performance/", "seller", 8, 6),  # + buyer-message response times
    # Inventory (fulfillment/seller_central/). The stock services' one history INSERT per call
    # (ADR 0073) is made by the dataset's orders, not by any page measured here.
    "seller-inventory":      Budget("/seller/inventory/", "seller", 9, 7),
    "seller-inventory-history": Budget("/seller/inventory/history/", "seller", 7, 5),
    "seller-warehouses":     Budget("/seller/warehouses/", "seller", 6, 4),
    "claim-create":          Budget("/claims/new/{seller_order}/", "shopper", 8, 6),
    "parcel-tracking":       Budget("/track/{parcel}/", "shopper", 7, 5),
    "admin-return-list":     Budget("/admin/fulfillment/returnrequest/", "staff", 7, 5),
    "admin-claim-list":      Budget("/admin/fulfillment/claim/", "staff", 7, 5),
    "admin-shipment-list":   Budget("/admin/fulfillment/shipment/", "staff", 8, 6),
}
# fmt: on


def build_dataset(rows: int) -> dict:
    """A catalog, a shopper, a seller member and orders where every list the pages show has ``rows`` entries.

    - the category holds ``rows`` kettles plus the star kettle, each with a picture;
    - the star kettle is offered by ``rows`` sellers (each with a warehouse); the first seller
      also offers every other kettle, so its page lists ``rows + 1`` offers;
    - the shopper has ``rows`` addresses, a cart with the star kettle from each seller
      (``rows`` lines in ``rows`` seller groups) and these orders:
      - ``rows`` one-line orders of the first seller, paid and waiting to ship (its shipping queue);
      - the big order: ``rows`` lines from ``rows`` sellers, paid through the sandbox payment
        provider, each seller order shipped, delivered by the sandbox carrier and with a return
        (auto-approved with a return label, or waiting for the seller, in turn);
      - the first seller's multi-line order: ``rows`` lines of 4 units, paid; 3 units of each line
        shipped in a parcel of its own (``rows`` parcels) and delivered, 1 still waiting; one
        return of 1 unit of every line (approved, ``rows`` lines) and ``rows`` one-line returns
        waiting for the seller, so 1 unit of each line can still be returned;
      - an order like the big one, awaiting payment (the pay page);
    - a member of the first seller, whose scorecard is computed.
    """
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    kettles = CategoryFactory(name="Kettles", slug="kettles", parent=kitchen)
    brands = [BrandFactory(name="Acme"), BrandFactory(name="Harbor")]
    sellers = [SellerFactory(name=f"Seller {n:02d}") for n in range(rows)]
    warehouses = {seller.pk: WarehouseFactory(seller=seller, code=f"wh-{seller.pk}") for seller in sellers}

    def offer(product, seller, price):
        made = OfferFactory(product=product, seller=seller, price_amount=Decimal(price))
        StockFactory(offer=made, warehouse=warehouses[seller.pk], on_hand=500)
        return made

    star = ProductFactory(category=kettles, brand=brands[0], title="Star kettle", slug="star-kettle")
    star_offers = [offer(star, seller, f"{20 + n}.00") for n, seller in enumerate(sellers)]
    products = [star]
    single_offers = []
    for n in range(rows):
        product = ProductFactory(
            category=kettles,
            brand=brands[n % 2],
            title=f"Kettle model {n:02d}",
            slug=f"kettle-{n:02d}",
            weight_grams=200,  # 4 of each in one order stay under the carriers' 30 kg
        )
        single_offers.append(offer(product, sellers[0], f"{10 + n}.50"))
        products.append(product)
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=f"products/{p.slug}.jpg", width=600, height=600, alt_text=p.title)
        for p in products
    )
    product_refresh_buy_box(product_ids=[p.pk for p in products])

    shopper = UserFactory(email="budget.shopper@example.com")
    EmailAddress.objects.create(user=shopper, email=shopper.email, verified=True, primary=True)
    addresses = [
        AddressFactory(
            user=shopper,
            full_name="Ada Buyer",
            line1=f"{n + 1} Market St",
            city="San Francisco",
            region="CA",
            postal_code="94103",
            is_default=n == 0,
        )
        for n in range(rows)
    ]

    def place(lines: list[tuple]) -> Order:
        return order_place(
            user=shopper,
            idempotency_key=uuid.uuid4(),
            address=addresses[0],
            lines=[PlacementLine(offer_id=made.pk, quantity=quantity) for made, quantity in lines],
            shipping_choices={},
        )

    for single in single_offers:
        pay(place([(single, 1)]))
    big_order = pay(place([(star_offer, 1) for star_offer in star_offers]))
    multi_order = pay(place([(single, 4) for single in single_offers]))
    unpaid_order = place([(star_offer, 1) for star_offer in star_offers])

    # Ship: one parcel per seller order of the big order, one per line (3 of 4 units) of the multi one.
    big_parts = list(big_order.seller_orders.order_by("pk"))
    for seller_order in big_parts:
        ship(
            seller_order,
            warehouses[seller_order.seller_id],
            {line.pk: 1 for line in seller_order.lines.all()},
        )
    multi = multi_order.seller_orders.get()
    multi_lines = list(multi.lines.order_by("pk"))
    for line in multi_lines:
        ship(multi, warehouses[multi.seller_id], {line.pk: 3})
    sandbox_clock_advance(seconds=12 * 86400)
    shipments_track_open()
    assert set(Shipment.objects.values_list("status", flat=True)) == {Shipment.Status.DELIVERED}

    def ask_return(seller_order, quantities, reason):
        return return_request_create(
            user=shopper, seller_order=seller_order, quantities=quantities, reason=reason
        )

    for n, seller_order in enumerate(big_parts):
        line = seller_order.lines.get()
        ask_return(seller_order, {line.pk: 1}, "damaged" if n % 2 == 0 else "better_price")
    multi_return = ask_return(multi, {line.pk: 1 for line in multi_lines}, "damaged")
    for line in multi_lines:
        ask_return(multi, {line.pk: 1}, "better_price")
    statuses = ReturnRequest.objects.values_list("status", flat=True)
    assert set(statuses) == {ReturnRequest.Status.APPROVED, ReturnRequest.Status.REQUESTED}, set(statuses)
    multi.refresh_from_db()
    assert multi.status == SellerOrder.Status.PARTIALLY_SHIPPED, multi.status
    # A claim on every big-order part whose approved return was not refunded in time.
    approved = ReturnRequest.objects.filter(seller_order__in=big_parts, status=ReturnRequest.Status.APPROVED)
    approved.update(decided_at=timezone.now() - timedelta(days=settings.CLAIM_RETURN_REFUND_DAYS + 1))
    for rma in approved.select_related("seller_order"):
        claim_open(user=shopper, seller_order=rma.seller_order, reason="return_not_refunded")
    assert Claim.objects.count() == (rows + 1) // 2

    cart = Cart.objects.create(user=shopper)
    for star_offer in star_offers:
        cart_add_offer(cart=cart, offer_id=star_offer.pk, quantity=1)

    member = SellerMemberFactory(seller=sellers[0], user=UserFactory(email="budget.seller@example.com"))
    scorecards_recompute(seller_ids=[sellers[0].pk])
    # The first seller's lists hold ``rows`` entries or more (up to a page of 25).
    assert seller_order_list_to_ship(seller=sellers[0]).count() == rows + 1  # the singles and the multi
    assert return_list_for_seller(seller=sellers[0]).count() == rows + 2  # the multi's and the big one's
    assert multi.shipments.filter(direction=Shipment.Direction.OUTBOUND).count() == rows
    assert scorecard_get_for_seller(seller=sellers[0]) is not None
    staff = UserFactory(email="budget.staff@example.com", is_staff=True, is_superuser=True)
    return {
        "names": {
            "category": kitchen.slug,
            "product": star.slug,
            "seller": sellers[0].slug,
            "order": big_order.number,
            "unpaid_order": unpaid_order.number,
            "seller_order": multi.number,
            "return": multi_return.number,
            "parcel": multi.shipments.order_by("pk").first().tracking_number,
        },
        "users": {"shopper": shopper, "staff": staff, "seller": member.user},
    }


def pay(order: Order) -> Order:
    """Pay ``order`` through the sandbox payment provider, as the pay page does.

    The budget shopper pays dozens of orders within a minute, which the fraud screen's velocity
    rules would hold for review; the pages measured here are those of released orders.
    """
    with override_settings(FRAUD_HOLD_SCORE=10**6):
        payment = payment_start(order=order, idempotency_key=str(uuid.uuid4()))
        payment_confirm(payment=payment, payment_method=payment_method())
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.status
    return order


def ship(seller_order: SellerOrder, warehouse, quantities: dict[int, int]) -> Shipment:
    """Buy a sandbox label for ``quantities`` (line id: units), its parcel pinned to arrive on time."""
    shipment = shipment_create(
        seller_order=seller_order,
        warehouse=warehouse,
        quantities=quantities,
        parcel=ParcelSpec(**PARCEL_KWARGS),
        service="ground",
    )
    sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario="on_time")
    return shipment


def measure(client: Client, url: str, *, ajax: bool) -> tuple[int, int, CaptureQueriesContext]:
    """Return (cold, warm) query counts of GET ``url`` and the warm request's capture."""
    headers = {"X-Requested-With": "XMLHttpRequest"} if ajax else {}
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        counts.append(len(captured.captured_queries))
    return counts[0], counts[1], captured


@pytest.mark.parametrize("rows", [3, 30])
def test_each_page_stays_within_its_query_budget(rows, settings):
    settings.SEARCH_BACKEND = "postgres"  # whatever the environment says: Elasticsearch makes no SQL
    dataset = build_dataset(rows)
    clients = {"guest": Client()}
    for who, user in dataset["users"].items():
        clients[who] = Client()
        clients[who].force_login(user)

    moved = []
    for name, budget in BUDGETS.items():
        url = budget.url.format(**dataset["names"])
        cold, warm, captured = measure(clients[budget.who], url, ajax=budget.ajax)
        expected = budget.expected(rows)
        if (cold, warm) != expected:
            sql = "\n".join(f"    {q['sql'][:300]}" for q in captured.captured_queries)
            moved.append(
                f"{name} {url}: cold {cold} (budget {expected[0]}), warm {warm} (budget {expected[1]})"
                f"\n  warm request's queries:\n{sql}"
            )

    assert not moved, f"{len(moved)} page(s) off their query budget with {rows} rows:\n" + "\n".join(moved)
