"""The checkout page: addresses, a shipping method per seller, amounts, placing the order.

Shipping uses the default rates seeded by fulfillment's data migration (US
standard $4.99 + $0.50/kg, expedited $12.99 + $1/kg) and tax the default
rates of orders/migrations/0002 (California 7.25%). The clock is Tuesday
1 December 2026, 10 a.m. in New York; both sellers ship from New York with
2 handling days.
"""

import re
import uuid
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from fulfillment.models import Stock
from marketplace.accounts.models import Address
from orders.checkout import CHOOSE_AN_OPTION, checkout_signature
from orders.models import Cart, CartLine, Order, OrderLine
from orders.views_checkout import EMPTY_CART, PICKS_CHANGED, order_next_url
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import OfferFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.default_tables import load_default_shipping, load_default_tax_rates
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York"))
NYC = {"latitude": Decimal("40.712800"), "longitude": Decimal("-74.006000")}
URL = "/checkout/"


@pytest.fixture(autouse=True)
def _default_tables():
    load_default_shipping()
    load_default_tax_rates()


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(TUESDAY_10AM, tick=False):
        yield


def seller_in_new_york(name):
    seller = SellerFactory(name=name)
    warehouse = WarehouseFactory(seller=seller, city="New York", region="NY", **NYC)
    return seller, warehouse


def stocked(seller, warehouse, title, price, *, on_hand=10, weight_grams=500, tax_class="standard"):
    offer = OfferFactory(
        seller=seller,
        price_amount=Decimal(price),
        product__title=title,
        product__weight_grams=weight_grams,
        product__tax_class=tax_class,
    )
    StockFactory(offer=offer, warehouse=warehouse, on_hand=on_hand)
    return offer


def put_in_cart(user, offer, quantity):
    cart, _ = Cart.objects.get_or_create(user=user)
    return CartLine.objects.create(
        cart=cart, offer=offer, quantity=quantity, price_seen_amount=offer.price_amount
    )


@pytest.fixture
def shop():
    books, books_warehouse = seller_in_new_york("Acme Books")
    bolt, bolt_warehouse = seller_in_new_york("Bolt Electronics")
    return {
        "books": books,
        "bolt": bolt,
        "novel": stocked(books, books_warehouse, "A Long Novel", "24.99"),
        "atlas": stocked(books, books_warehouse, "World Atlas", "12.50", tax_class="reduced"),
        "speaker": stocked(bolt, bolt_warehouse, "Smart Speaker", "249.00"),
    }


@pytest.fixture
def buyer():
    user = UserFactory(email="ada@example.com")
    home = AddressFactory(
        user=user,
        full_name="Ada Buyer",
        line1="1 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94103",
        is_default=True,
    )
    return user, home


@pytest.fixture
def shopper(client, buyer, shop):
    """A signed-in shopper with 2 novels and an atlas from Acme Books and a speaker from Bolt."""
    user, _home = buyer
    put_in_cart(user, shop["novel"], 2)
    put_in_cart(user, shop["atlas"], 1)
    put_in_cart(user, shop["speaker"], 1)
    client.force_login(user)
    return client


def page_key(content):
    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', content).group(1)


def page_shown(content):
    return re.search(r'name="shown" value="([^"]*)"', content).group(1)


def place_form(client, shop, home, **overrides):
    """The fields the page posts when the shopper presses "Place your order" without changes."""
    content = client.get(URL).content.decode()
    data = {
        "idempotency_key": page_key(content),
        "shown": page_shown(content),
        "address": home.pk,
        f"ship-{shop['books'].pk}": "standard",
        f"ship-{shop['bolt'].pk}": "standard",
        "action": "place",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def send(client, method, data):
    """GET the page with ``data`` in the query, or POST it url-encoded as the browser's form does."""
    if method == "get":
        return client.get(URL, data)
    return client.post(URL, urlencode(data), content_type="application/x-www-form-urlencoded")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# Access


def test_anonymous_shoppers_are_sent_to_sign_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


def test_the_url_name(client):
    assert reverse("orders:checkout") == URL


def test_an_empty_cart_goes_back_to_the_cart(client, buyer):
    client.force_login(buyer[0])

    response = client.get(URL, follow=True)

    assert response.redirect_chain == [(reverse("orders:cart-detail"), 302)]
    assert [str(m) for m in response.context["messages"]] == [EMPTY_CART]


def test_saved_for_later_lines_are_not_checked_out(client, buyer, shop):
    user, _ = buyer
    line = put_in_cart(user, shop["novel"], 1)
    CartLine.objects.filter(pk=line.pk).update(saved_for_later=True)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 302


# The page


def test_the_page_lists_the_address_book_with_the_default_chosen(shopper, buyer):
    user, home = buyer
    office = AddressFactory(
        user=user, full_name="Ada at Work", line1="500 Howard St", city="San Francisco", region="CA"
    )

    response = shopper.get(URL)

    content = text(response)
    assert response.status_code == 200
    assert f'<input type="radio" name="address" value="{home.pk}" checked>' in content
    assert f'<input type="radio" name="address" value="{office.pk}">' in content
    assert "<strong>Ada Buyer</strong>, 1 Market St, San Francisco, CA 94103, US" in content
    assert "<strong>Ada at Work</strong>, 500 Howard St, San Francisco, CA 94103, US" in content


def test_the_page_shows_each_sellers_options_with_price_and_promise(shopper, shop):
    response = shopper.get(URL)

    content = text(response)
    books, bolt = shop["books"].pk, shop["bolt"].pk
    # Acme ships 1.5 kg (billed as 2 kg), Bolt 0.5 kg (1 kg); dispatched Thursday 3 December.
    assert (
        f'<input type="radio" name="ship-{books}" value="standard" checked> '
        "<span><strong>Arrives Tue, Dec 8 - Thu, Dec 10</strong> &middot; Standard &middot; $5.99</span>"
    ) in content
    assert (
        f'<input type="radio" name="ship-{books}" value="expedited"> '
        "<span><strong>Arrives Fri, Dec 4 - Mon, Dec 7</strong> &middot; Expedited &middot; $14.99</span>"
    ) in content
    assert (
        f'<input type="radio" name="ship-{bolt}" value="standard" checked> '
        "<span><strong>Arrives Tue, Dec 8 - Thu, Dec 10</strong> &middot; Standard &middot; $5.49</span>"
    ) in content
    assert f'name="ship-{books}" value="same_day"' not in content  # the address has no coordinates


def test_the_page_shows_the_amounts_per_seller_and_for_the_order(shopper, shop):
    response = shopper.get(URL)

    checkout = response.context["checkout"]
    books, bolt = checkout.totals.sellers[shop["books"].pk], checkout.totals.sellers[shop["bolt"].pk]
    # Acme: 49.98 + 12.50; tax 3.62 (3.62355) + 0.91 (0.90625)
    assert (books.subtotal, books.shipping, books.tax, books.total) == (
        Decimal("62.48"),
        Decimal("5.99"),
        Decimal("4.53"),
        Decimal("73.00"),
    )
    # Bolt: 249.00; tax 18.05 (18.0525)
    assert (bolt.subtotal, bolt.shipping, bolt.tax, bolt.total) == (
        Decimal("249.00"),
        Decimal("5.49"),
        Decimal("18.05"),
        Decimal("272.54"),
    )
    content = text(response)
    assert (
        "<div><dt>Items</dt><dd>$62.48</dd></div> <div><dt>Shipping</dt><dd>$5.99</dd></div> "
        "<div><dt>Tax</dt><dd>$4.53</dd></div> "
        '<div class="checkout-amounts__total"><dt>Seller total</dt><dd>$73.00</dd></div>'
    ) in content
    assert (
        "<div><dt>Items (4)</dt><dd>$311.48</dd></div> <div><dt>Shipping</dt><dd>$11.48</dd></div> "
        "<div><dt>Tax</dt><dd>$22.58</dd></div> "
        '<div class="checkout-amounts__total"><dt>Order total</dt><dd>$345.54</dd></div>'
    ) in content
    assert 'Qty 2 &times; $24.99</span> <span class="checkout-line__total">$49.98</span>' in content
    assert (
        '<button type="submit" name="action" value="place" class="btn btn-primary">Place your order</button>'
        in (content)
    )


def test_the_page_issues_a_fresh_idempotency_key_each_time(shopper):
    first = page_key(shopper.get(URL).content.decode())
    second = page_key(shopper.get(URL).content.decode())

    assert uuid.UUID(first).version == 4
    assert first != second


def test_the_page_shows_the_address_and_methods_asked_for(shopper, buyer, shop):
    user, _home = buyer
    philadelphia = AddressFactory(user=user, full_name="Ada in Philly", city="Philadelphia", region="PA")
    bolt = shop["bolt"].pk

    response = shopper.get(URL, {"address": philadelphia.pk, f"ship-{bolt}": "expedited"})

    content = text(response)
    checkout = response.context["checkout"]
    assert checkout.address == philadelphia
    assert f'<input type="radio" name="ship-{bolt}" value="expedited" checked>' in content
    # Pennsylvania 6%: 3.00 + 0.75 and 14.94; Bolt ships expedited for 13.99
    assert (checkout.totals.tax, checkout.totals.shipping, checkout.totals.total) == (
        Decimal("18.69"),
        Decimal("19.98"),
        Decimal("350.15"),
    )
    assert page_shown(content) == checkout_signature(
        address_id=philadelphia.pk,
        choices={shop["books"].pk: "standard", bolt: "expedited"},
        checkout=checkout,
    )
    assert page_shown(content).startswith(f"{philadelphia.pk};{shop['books'].pk}:standard,{bolt}:expedited;")


def test_another_users_address_cannot_be_shown(shopper, buyer):
    _user, home = buyer
    stranger = AddressFactory(full_name="Someone Else")

    response = shopper.get(URL, {"address": stranger.pk})

    assert response.context["checkout"].address == home
    assert "Someone Else" not in response.content.decode()


def test_an_address_no_method_serves_is_explained_and_placing_is_disabled(shopper, buyer, shop):
    user, _ = buyer
    cape_town = AddressFactory(user=user, city="Cape Town", region="", postal_code="8001", country="ZA")

    response = shopper.get(URL, {"address": cape_town.pk})

    content = text(response)
    assert (
        content.count(
            '<p class="message error" role="alert">This seller does not ship to South Africa. '
            "Choose another address, or remove these items from your cart.</p>"
        )
        == 2
    )
    assert 'value="place" class="btn btn-primary" disabled' in content
    assert response.context["checkout"].can_place is False


def test_a_line_short_of_stock_is_explained_and_placing_is_disabled(shopper, shop):
    Stock.objects.filter(offer=shop["novel"]).update(reserved=9)

    response = shopper.get(URL)

    content = text(response)
    assert (
        "Only 1 of A Long Novel left from Acme Books; you have 2 in your cart. "
        "Change the quantity in your cart to continue."
    ) in content
    assert 'value="place" class="btn btn-primary" disabled' in content


def test_without_an_address_the_new_address_form_is_open(client, shop):
    user = UserFactory()
    put_in_cart(user, shop["novel"], 1)
    client.force_login(user)

    response = client.get(URL)

    content = text(response)
    assert "You have no saved addresses yet: add one below." in content
    assert '<details class="checkout-new-address" open>' in content
    assert "Choose a delivery address to see shipping, tax and the order total." in content
    assert response.context["checkout"].can_place is False


@pytest.mark.parametrize("lines", [3, 10])
def test_the_page_uses_the_same_number_of_queries_for_3_and_10_lines(
    client, buyer, lines, django_assert_num_queries
):
    user, _ = buyer
    first, first_warehouse = seller_in_new_york("First")
    second, second_warehouse = seller_in_new_york("Second")
    for i in range(lines):
        seller, warehouse = (first, first_warehouse) if i % 2 else (second, second_warehouse)
        put_in_cart(user, stocked(seller, warehouse, f"Item {i}", "10.00"), 1)
    client.force_login(user)

    with django_assert_num_queries(10):
        response = client.get(URL)

    assert response.status_code == 200
    assert len([row for group in response.context["checkout"].groups for row in group.rows]) == lines


# Changing the address or a method, adding an address


def test_update_redirects_to_the_page_with_the_new_picks(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home, action="update", **{f"ship-{shop['bolt'].pk}": "expedited"})

    response = shopper.post(URL, data)

    assert response.status_code == 302
    assert response.url == (
        f"{URL}?address={home.pk}&ship-{shop['books'].pk}=standard&ship-{shop['bolt'].pk}=expedited"
    )
    assert Order.objects.count() == 0


def test_adding_an_address_saves_it_and_shows_the_page_for_it(shopper, buyer, shop):
    user, home = buyer
    data = place_form(shopper, shop, home, action="add-address")
    data |= {
        "new-full_name": "Ada Buyer",
        "new-line1": "350 5th Ave",
        "new-city": "New York",
        "new-region": "NY",
        "new-postal_code": "10118",
        "new-country": "US",
    }

    response = shopper.post(URL, data)

    added = Address.objects.get(user=user, line1="350 5th Ave")
    assert (added.city, added.region, added.postal_code, added.is_default) == (
        "New York",
        "NY",
        "10118",
        False,
    )
    assert response.url.startswith(f"{URL}?address={added.pk}&")
    assert shopper.get(response.url).context["checkout"].address == added


def test_an_invalid_new_address_shows_its_errors_and_saves_nothing(shopper, buyer, shop):
    user, home = buyer
    data = place_form(shopper, shop, home, action="add-address")
    data |= {
        "new-full_name": "Ada",
        "new-line1": "",
        "new-city": "X",
        "new-postal_code": "1",
        "new-country": "US",
    }

    response = shopper.post(URL, data)

    content = text(response)
    assert response.status_code == 200
    assert "This field is required." in content
    assert "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234." in content
    assert '<details class="checkout-new-address" open>' in content
    assert Address.objects.filter(user=user).count() == 1


# Placing: refusals change nothing


def test_placing_without_an_address_is_a_form_error(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home, address=None)

    response = shopper.post(URL, data)

    assert response.status_code == 200
    assert "Choose a delivery address." in text(response)
    assert Order.objects.count() == 0
    assert CartLine.objects.count() == 3


def test_placing_with_someone_elses_address_is_a_form_error(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home, address=AddressFactory().pk)

    response = shopper.post(URL, data)

    assert "Choose a delivery address." in text(response)
    assert Order.objects.count() == 0


@pytest.mark.parametrize("code", [None, "teleport", "same_day"])
def test_placing_without_a_valid_method_for_a_seller_is_an_error(shopper, buyer, shop, code):
    _user, home = buyer
    data = place_form(shopper, shop, home, **{f"ship-{shop['bolt'].pk}": code})

    response = shopper.post(URL, data)

    content = text(response)
    assert response.status_code == 200
    assert f'<p class="message error" role="alert">{CHOOSE_AN_OPTION}</p>' in content
    assert "Your order has not been placed yet: see below." in content
    assert 'value="place" class="btn btn-primary" disabled' in content
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "field",
    ["ship-" + "9" * 5000, "ship-\u00b2", "ship-99999999999999999999", "ship-0"],
    ids=["5000-digits", "superscript-two", "past-bigint", "zero"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_shipping_field_for_no_real_seller_is_ignored_not_a_500(shopper, buyer, shop, field, method):
    _user, home = buyer
    data = place_form(shopper, shop, home, **{field: "standard", "action": "update"})

    response = send(shopper, method, data)

    assert response.status_code in (200, 302)
    assert Order.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_shipping_method_with_a_nul_byte_is_no_method_not_a_500(shopper, buyer, shop, method):
    _user, home = buyer
    data = place_form(shopper, shop, home, **{f"ship-{shop['bolt'].pk}": "stand\x00ard"})

    response = send(shopper, method, data)

    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
    if method == "post":  # placing needs a method for every seller
        assert CHOOSE_AN_OPTION in text(response)
    assert Order.objects.count() == 0


def test_placing_after_changing_a_pick_shows_the_new_amounts_first(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home, **{f"ship-{shop['bolt'].pk}": "expedited"})

    response = shopper.post(URL, data, follow=True)

    assert response.redirect_chain[0][0].endswith(f"ship-{shop['bolt'].pk}=expedited")
    assert [str(m) for m in response.context["messages"]] == [PICKS_CHANGED]
    assert response.context["checkout"].totals.shipping == Decimal("19.98")
    assert Order.objects.count() == 0


def test_placing_when_stock_ran_out_says_which_line_and_changes_nothing(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home)
    Stock.objects.filter(offer=shop["speaker"]).update(on_hand=0)

    response = shopper.post(URL, data)

    content = text(response)
    assert response.status_code == 200
    assert "Smart Speaker is no longer available from Bolt Electronics." in content
    assert Order.objects.count() == 0
    assert CartLine.objects.count() == 3
    assert page_key(content) == data["idempotency_key"]


def test_placing_with_a_key_another_shopper_used_is_refused_and_changes_nothing(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home)
    other = UserFactory()
    other_address = AddressFactory(user=other)
    other_offer = stocked(*seller_in_new_york("Other"), "Other thing", "5.00")
    put_in_cart(other, other_offer, 1)
    other_client = Client()
    other_client.force_login(other)
    other_client.post(URL, place_form(other_client, {"books": other_offer.seller, "bolt": other_offer.seller},
        other_address, idempotency_key=data["idempotency_key"]))  # fmt: skip

    response = shopper.post(URL, data)

    assert response.status_code == 200
    assert "Your order has not been placed: This checkout was already used; please reload the page." in text(
        response
    )
    assert Order.objects.filter(user=buyer[0]).count() == 0
    assert CartLine.objects.filter(cart__user=buyer[0]).count() == 3


def test_a_cart_in_two_currencies_cannot_be_placed(shopper, buyer, shop):
    user, _ = buyer
    seller, warehouse = seller_in_new_york("Euro Books")
    euro = stocked(seller, warehouse, "Ein Buch", "20.00")
    type(euro).objects.filter(pk=euro.pk).update(currency="EUR")
    put_in_cart(user, euro, 1)

    response = shopper.get(URL)

    content = text(response)
    assert "All items in an order must be priced in USD; offer" in content
    assert 'value="place" class="btn btn-primary" disabled' in content


# Placing: success


def test_placing_ignores_posted_amounts_and_empties_the_bought_lines(shopper, buyer, shop):
    user, home = buyer
    saved = put_in_cart(user, OfferFactory(), 1)
    CartLine.objects.filter(pk=saved.pk).update(saved_for_later=True)
    data = place_form(shopper, shop, home)
    data |= {
        "total": "0.01",
        "total_amount": "0.01",
        "subtotal_amount": "0.01",
        "tax_amount": "0",
        "shipping_amount": "0",
        f"price-{shop['speaker'].pk}": "1.00",
        "price_amount": "1.00",
    }

    response = shopper.post(URL, data)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == order_next_url(order)
    assert response.url in (f"/pay/{order.number}/", f"/orders/{order.number}/")
    assert str(order.idempotency_key) == data["idempotency_key"]
    assert (order.subtotal_amount, order.shipping_amount, order.tax_amount, order.total_amount) == (
        Decimal("311.48"),
        Decimal("11.48"),
        Decimal("22.58"),
        Decimal("345.54"),
    )
    assert (order.ship_full_name, order.ship_line1, order.ship_region) == ("Ada Buyer", "1 Market St", "CA")
    assert sorted(
        OrderLine.objects.filter(seller_order__order=order).values_list(
            "sku", "quantity", "unit_price_amount"
        )
    ) == sorted(
        [
            (shop["novel"].sku, 2, Decimal("24.99")),
            (shop["atlas"].sku, 1, Decimal("12.50")),
            (shop["speaker"].sku, 1, Decimal("249.00")),
        ]
    )
    assert list(CartLine.objects.values_list("pk", flat=True)) == [saved.pk]


def test_placing_with_expedited_for_one_seller(shopper, buyer, shop):
    _user, home = buyer
    bolt = shop["bolt"].pk
    page = shopper.get(URL, {f"ship-{bolt}": "expedited"}).content.decode()
    data = {
        "idempotency_key": page_key(page),
        "shown": page_shown(page),
        "address": home.pk,
        f"ship-{shop['books'].pk}": "standard",
        f"ship-{bolt}": "expedited",
        "action": "place",
    }

    shopper.post(URL, data)

    order = Order.objects.get()
    assert dict(order.seller_orders.values_list("seller_id", "shipping_method")) == {
        shop["books"].pk: "standard",
        bolt: "expedited",
    }
    assert (order.shipping_amount, order.total_amount) == (Decimal("19.98"), Decimal("354.04"))


def test_a_repeated_post_makes_one_order_and_lands_on_it(shopper, buyer, shop):
    _user, home = buyer
    data = place_form(shopper, shop, home)

    first = shopper.post(URL, data)
    second = shopper.post(URL, data)

    order = Order.objects.get()
    assert first.url == second.url == order_next_url(order)
