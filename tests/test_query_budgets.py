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
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductImage
from catalog.services import product_refresh_buy_box
from orders.cart import cart_add_offer
from orders.models import Cart
from orders.placement import PlacementLine, order_place
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Budget:
    url: str  # formatted with the dataset's names: {product}, {seller}, {order}...
    who: str  # "guest", "shopper" or "staff"
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
    "seller":                Budget("/sellers/{seller}/", "guest", 5, 4),
    "search":                Budget("/search/?q=kettle", "guest", 8, 6),
    "search-suggest":        Budget("/search/suggest/?q=kett", "guest", 6, 0, ajax=True),
    "cart":                  Budget("/cart/", "shopper", 5, 4),
    "checkout":              Budget("/checkout/", "shopper", 11, 8),
    "order-list":            Budget("/orders/", "shopper", 6, 4),
    "order-detail":          Budget("/orders/{order}/", "shopper", 10, 8),
    "pay":                   Budget("/pay/{order}/", "shopper", 5, 3),
    "account-overview":      Budget("/account/", "shopper", 6, 4),
    "admin-product-list":    Budget("/admin/catalog/product/", "staff", 7, 5),
    "admin-offer-list":      Budget("/admin/catalog/offer/", "staff", 6, 4),
    "admin-order-list":      Budget("/admin/orders/order/", "staff", 9, 7),
}
# fmt: on


def build_dataset(rows: int) -> dict:
    """A catalog, a shopper and orders where every list the pages show has ``rows`` entries.

    - the category holds ``rows`` kettles plus the star kettle, each with a picture;
    - the star kettle is offered by ``rows`` sellers (each with a warehouse); the first seller
      also offers every other kettle, so its page lists ``rows + 1`` offers;
    - the shopper has ``rows`` addresses, a cart with the star kettle from each seller
      (``rows`` lines in ``rows`` seller groups), ``rows`` one-line orders and one order
      with ``rows`` lines from ``rows`` sellers, awaiting payment.
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
            category=kettles, brand=brands[n % 2], title=f"Kettle model {n:02d}", slug=f"kettle-{n:02d}"
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
    for single in single_offers:
        order_place(
            user=shopper,
            idempotency_key=uuid.uuid4(),
            address=addresses[0],
            lines=[PlacementLine(offer_id=single.pk, quantity=1)],
            shipping_choices={},
        )
    big_order = order_place(
        user=shopper,
        idempotency_key=uuid.uuid4(),
        address=addresses[0],
        lines=[PlacementLine(offer_id=o.pk, quantity=1) for o in star_offers],
        shipping_choices={},
    )
    cart = Cart.objects.create(user=shopper)
    for star_offer in star_offers:
        cart_add_offer(cart=cart, offer_id=star_offer.pk, quantity=1)

    staff = UserFactory(email="budget.staff@example.com", is_staff=True, is_superuser=True)
    return {
        "names": {
            "category": kitchen.slug,
            "product": star.slug,
            "seller": sellers[0].slug,
            "order": big_order.number,
        },
        "users": {"shopper": shopper, "staff": staff},
    }


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
