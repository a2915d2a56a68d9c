"""A shopper buys from two sellers and pays in the sandbox; a declined card; a cart merged at sign-in.

Each journey runs at phone (375 px) and desktop (1280 px) widths against the live server, with
the shipping and tax tables the data migrations seed. Screenshots of every step land in
tests/artifacts/<test>/<viewport>/.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from catalog.services import product_refresh_buy_box
from marketplace.core.money import format_money
from orders.cart import cart_add_offer
from orders.models import Cart, Order, SellerOrder
from orders.placement import PlacementLine, order_place
from tests.accounts.factories import DEFAULT_PASSWORD, AddressFactory
from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUCCESS_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


def build_shop() -> dict:
    """Two sellers with their own warehouses offer one kettle; one of them also sells a mug.

    The shopper has a verified e-mail address and a default address in San Francisco.
    """
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", position=1)
    kettle = ProductFactory(
        category=kitchen,
        title="Stovetop Whistling Kettle",
        slug="stovetop-whistling-kettle",
        weight_grams=900,
    )
    mug = ProductFactory(category=kitchen, title="Enamel Camp Mug", slug="enamel-camp-mug", weight_grams=300)
    acme = SellerFactory(name="Acme Kitchen Supply", slug="acme-kitchen-supply")
    harbor = SellerFactory(name="Blue Harbor Goods", slug="blue-harbor-goods")
    offers = {}
    for key, seller, product, price in (
        ("acme_kettle", acme, kettle, "24.99"),
        ("harbor_kettle", harbor, kettle, "27.50"),
        ("harbor_mug", harbor, mug, "9.00"),
    ):
        warehouse = WarehouseFactory(seller=seller, name=f"{seller.name} Reno", code=f"wh-{key}")
        offer = OfferFactory(product=product, seller=seller, price_amount=Decimal(price))
        StockFactory(offer=offer, warehouse=warehouse, on_hand=20)
        offers[key] = offer
    product_refresh_buy_box(product_ids=[kettle.pk, mug.pk])

    address = AddressFactory(
        full_name="Ada Buyer",
        line1="1 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94103",
        is_default=True,
    )
    user = address.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return {
        "kettle": kettle,
        "mug": mug,
        "acme": acme,
        "harbor": harbor,
        "user": user,
        "address": address,
        **offers,
    }


@pytest.fixture
def shop(live_server):
    return build_shop()


def sign_in(page, base_url: str, user, *, next_url: str = "") -> None:
    """Sign in through the real allauth login page."""
    page.goto(base_url + "/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()


def cart_section(page, seller_name: str):
    return page.locator("section.cart-seller").filter(
        has=page.get_by_role("heading", name=f"Sold by {seller_name}")
    )


def pay_with(page, card: str) -> None:
    page.get_by_label("Name on card").fill("Ada Buyer")
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("Security code (CVC)").fill("123")


def test_shopper_buys_from_two_sellers_and_pays(live_server, shop, page, screenshot, page_problems):
    base = live_server.url
    kettle = shop["kettle"]
    acme, harbor = shop["acme"], shop["harbor"]

    sign_in(page, base, shop["user"])
    screenshot("signed-in")

    # Find the kettle with the header search box.
    page.get_by_role("search").get_by_label("Search products").fill("whistling kettle")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=whistling"))
    result = page.get_by_role("main").get_by_role("link", name=kettle.title).filter(visible=True).first
    expect(result).to_be_visible()
    screenshot("search-results")

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kettle.title)
    screenshot("product")

    # The buy box (Acme, the cheaper offer), then Blue Harbor from "Other sellers".
    buy_box = page.get_by_role("complementary").filter(has_text="Sold by")
    expect(buy_box).to_contain_text(f"Sold by {acme.name}")
    buy_box.get_by_role("button", name="Add to cart").click()
    expect(buy_box.get_by_role("status")).to_contain_text(f"Added to your cart: {kettle.title}.")
    expect(page.locator("#cart-count")).to_contain_text("1")
    screenshot("added-from-buy-box")

    other_sellers = page.get_by_role("region", name=re.compile(r"^Other sellers on "))
    harbor_row = other_sellers.get_by_role("listitem").filter(has_text=harbor.name)
    harbor_row.scroll_into_view_if_needed()
    harbor_row.get_by_role("button", name="Add to cart").click()
    expect(harbor_row.get_by_role("status")).to_contain_text(f"Added to your cart: {kettle.title}.")
    expect(page.locator("#cart-count")).to_contain_text("2")
    screenshot("added-from-other-sellers")

    # The cart: one group per seller; two kettles from Acme.
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(cart_section(page, acme.name)).to_contain_text(kettle.title)
    expect(cart_section(page, harbor.name)).to_contain_text(kettle.title)
    screenshot("cart")

    acme_group = cart_section(page, acme.name)
    acme_group.get_by_label(f"Quantity of {kettle.title}").fill("2")
    acme_group.get_by_role("button", name=f"Update the quantity of {kettle.title}").click()
    expect(page.get_by_text(f"Updated the quantity of {kettle.title} to 2.")).to_be_visible()
    expect(cart_section(page, acme.name)).to_contain_text(f"Subtotal from {acme.name}: $49.98")
    expect(page.locator(".cart-subtotal")).to_have_text("Subtotal (3 items): $77.48")
    screenshot("cart-quantity-changed")

    # Checkout: the default address is chosen; Expedited for Blue Harbor, Standard for Acme.
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_role("radio", name=re.compile(r"Ada Buyer, 1 Market St"))).to_be_checked()
    screenshot("checkout")

    def delivery(seller):
        group = page.locator("section.checkout-group").filter(
            has=page.get_by_role("heading", name=f"Sold by {seller.name}")
        )
        return group.get_by_role("group", name="Choose a delivery option")

    delivery(acme).get_by_role("radio", name=re.compile(r"Standard")).check()
    delivery(harbor).get_by_role("radio", name=re.compile(r"Expedited")).check()
    page.get_by_role("button", name="Update delivery options and totals").click()
    expect(delivery(acme).get_by_role("radio", name=re.compile(r"Standard"))).to_be_checked()
    expect(delivery(harbor).get_by_role("radio", name=re.compile(r"Expedited"))).to_be_checked()
    summary = page.get_by_role("complementary").filter(has_text="Order summary")
    expect(summary).to_contain_text("Items (3)")
    screenshot("checkout-delivery-chosen")

    page.get_by_role("button", name="Place your order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Pay for order "))
    order = Order.objects.get(user=shop["user"])
    assert order.status == Order.Status.PENDING_PAYMENT
    assert sorted(order.seller_orders.values_list("shipping_method", flat=True)) == ["expedited", "standard"]
    total = format_money(order.total_amount, order.currency)
    expect(page.get_by_role("button", name=f"Pay {total}")).to_be_visible()
    screenshot("pay-page")

    pay_with(page, SUCCESS_CARD)
    screenshot("card-filled")
    page.get_by_role("button", name=f"Pay {total}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.number}")
    expect(
        page.get_by_text(f"Payment received: {total}. Thank you, order {order.number} is paid.")
    ).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Paid")
    parts = page.locator("section.seller-order")
    expect(parts).to_have_count(2)
    expect(page.get_by_role("heading", name=f"Sold by {acme.name}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Sold by {harbor.name}")).to_be_visible()
    screenshot("order-paid")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert set(order.seller_orders.values_list("status", flat=True)) == {SellerOrder.Status.READY_TO_SHIP}
    expect(page.locator("#cart-count")).to_contain_text("0")
    assert page_problems == []


def test_declined_card_leaves_the_order_awaiting_payment(live_server, shop, page, screenshot, page_problems):
    base = live_server.url
    order = order_place(
        user=shop["user"],
        idempotency_key=uuid.uuid4(),
        address=shop["address"],
        lines=[
            PlacementLine(offer_id=shop["acme_kettle"].pk, quantity=1),
            PlacementLine(offer_id=shop["harbor_mug"].pk, quantity=2),
        ],
        shipping_choices={shop["acme"].pk: "standard", shop["harbor"].pk: "standard"},
    )
    total = format_money(order.total_amount, order.currency)

    sign_in(page, base, shop["user"], next_url=f"/pay/{order.number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pay for order {order.number}")
    screenshot("pay-page")

    pay_with(page, DECLINED_CARD)
    page.get_by_role("button", name=f"Pay {total}").click()
    expect(page.get_by_role("alert")).to_contain_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value(DECLINED_CARD)
    expect(page.get_by_label("Security code (CVC)")).to_have_value("")
    screenshot("declined")

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT

    page.goto(base + f"/orders/{order.number}/")
    expect(page.locator(".order-status")).to_have_text("Awaiting payment")
    expect(page.get_by_role("link", name="Pay now")).to_be_visible()
    screenshot("order-awaiting-payment")
    assert page_problems == []


def test_guest_cart_merges_into_the_shoppers_cart_at_sign_in(
    live_server, shop, page, screenshot, page_problems
):
    base = live_server.url
    user, kettle, mug = shop["user"], shop["kettle"], shop["mug"]
    # From an earlier visit the shopper's own cart holds a mug.
    cart_add_offer(cart=Cart.objects.create(user=user), offer_id=shop["harbor_mug"].pk, quantity=1)

    # As a guest, add the kettle from the buy box.
    page.goto(base + kettle.get_absolute_url())
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    buy_box = page.get_by_role("complementary").filter(has_text="Sold by")
    buy_box.get_by_role("button", name="Add to cart").click()
    expect(buy_box.get_by_role("status")).to_contain_text(f"Added to your cart: {kettle.title}.")
    screenshot("guest-added")

    page.goto(base + "/cart/")
    expect(page.locator(".cart-subtotal")).to_have_text("Subtotal (1 item): $24.99")
    expect(page.get_by_role("link", name=mug.title)).to_have_count(0)
    screenshot("guest-cart")

    sign_in(page, base, user, next_url="/cart/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(page.get_by_text("The items you added before signing in are in your cart.")).to_be_visible()
    expect(cart_section(page, shop["acme"].name)).to_contain_text(kettle.title)
    expect(cart_section(page, shop["harbor"].name)).to_contain_text(mug.title)
    expect(page.locator(".cart-subtotal")).to_have_text("Subtotal (2 items): $33.99")
    expect(page.locator("#cart-count")).to_contain_text("2")
    screenshot("merged-cart")

    assert Cart.objects.filter(user=user).count() == 1
    assert sorted(Cart.objects.get(user=user).lines.values_list("offer_id", flat=True)) == sorted(
        [shop["acme_kettle"].pk, shop["harbor_mug"].pk]
    )
    assert page_problems == []
