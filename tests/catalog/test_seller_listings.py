"""Seller Central listings: the list and its buy-box standing, inline price edit, pause and
resume, adding an offer to an existing product, the dashboard card and checklist step, and what
a shopper sees when a price changes during checkout."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from catalog.models import Offer, Product, ProductSearchDocument
from catalog.seller_central.selectors import buy_box_standing, offer_list_for_seller_central
from catalog.services import offer_create, offer_pause, offer_update_price, product_refresh_buy_box
from marketplace.core import events
from marketplace.core.errors import ApplicationError
from orders.models import Cart, CartLine, Order
from sellers.models import Seller, SellerMember
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.default_tables import load_default_shipping, load_default_tax_rates
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/seller/listings/"
ADD_URL = "/seller/listings/add/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).strip()


def listing(seller, *, product=None, price="20.00", shipping="0.00", on_hand=5, **fields) -> Offer:
    """An offer of ``seller`` with ``on_hand`` units in one warehouse, its buy box refreshed."""
    offer = OfferFactory(
        seller=seller,
        product=product or ProductFactory(),
        price_amount=Decimal(price),
        shipping_amount=Decimal(shipping),
        **fields,
    )
    if on_hand:
        StockFactory(offer=offer, warehouse=WarehouseFactory(seller=seller), on_hand=on_hand)
    product_refresh_buy_box(product_ids=[offer.product_id])
    return offer


@pytest.fixture
def shop():
    """Our seller (owner signed in elsewhere) and a rival selling the same two products."""
    seller = SellerFactory(name="Acme Audio", rating_average=Decimal("4.50"))
    rival = SellerFactory(name="Rival Sound", rating_average=Decimal("4.00"))
    speaker = ProductFactory(title="Bluetooth Speaker", gtin="4006381333931")
    headphones = ProductFactory(title="Studio Headphones")
    return {
        "seller": seller,
        "rival": rival,
        "owner": SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user,
        # Ours wins the speaker (18.00 + 1.00 against 20.00) and loses the headphones (50 + 3 > 40).
        "winning": listing(seller, product=speaker, price="18.00", shipping="1.00", sku="SPK-1"),
        "speaker_rival": listing(rival, product=speaker, price="20.00", sku="R-SPK"),
        "losing": listing(seller, product=headphones, price="50.00", shipping="3.00", sku="HP-1"),
        "headphones_rival": listing(rival, product=headphones, price="37.50", shipping="2.50", sku="R-HP"),
    }


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop["owner"])
    return client


def rows_of(response) -> dict[str, Offer]:
    return {offer.sku: offer for offer in response.context["listings"]}


# The list


def test_the_list_shows_each_listing_with_its_stock_status_and_buy_box(owner_client, shop):
    response = owner_client.get(LIST_URL)

    assert response.status_code == 200
    rows = rows_of(response)
    assert sorted(rows) == ["HP-1", "SPK-1"]
    assert rows["SPK-1"].available == 5 and rows["SPK-1"].standing.holds is True
    losing = rows["HP-1"].standing
    assert losing.holds is False
    # The rival's landed price is 40.00: 39.99 landed wins, i.e. a price of 36.99 with our 3.00 shipping.
    assert (losing.landed_to_win, losing.price_to_win, losing.notes) == (
        Decimal("39.99"),
        Decimal("36.99"),
        (),
    )
    page = text(response)
    assert "Buy box held" in page
    assert "Holder: $40.00 with shipping" in page
    assert 'To win: price $36.99 or less <span class="muted">($39.99 with your shipping)</span>' in page
    price_input = f'id="price-{shop["losing"].pk}" type="text" name="price" inputmode="decimal"'
    assert f'{price_input} autocomplete="off" value="50.00"' in page
    assert "R-SPK" not in page and "R-HP" not in page  # the rival's listings are not ours


def test_price_alone_cannot_win_for_a_paused_out_of_stock_or_flagged_listing(shop):
    seller = shop["seller"]
    product = shop["headphones_rival"].product
    empty = listing(seller, product=product, price="10.00", on_hand=0, sku="HP-EMPTY")
    paused = listing(seller, product=product, price="10.00", sku="HP-PAUSED", is_active=False)
    seller.buy_box_eligible = False
    seller.save(update_fields=["buy_box_eligible"])

    offers = {o.sku: o for o in offer_list_for_seller_central(seller=seller)}

    assert buy_box_standing(offers["HP-EMPTY"], seller=seller).notes == (
        "Out of stock: a listing without units cannot win.",
        "Your performance is past a scorecard threshold: price alone cannot win.",
    )
    assert buy_box_standing(offers["HP-PAUSED"], seller=seller).notes == (
        "Paused: resume the listing to compete.",
        "Your performance is past a scorecard threshold: price alone cannot win.",
    )
    assert empty.pk and paused.pk


def test_a_shipping_amount_above_the_winning_price_says_to_lower_it(shop):
    seller = shop["seller"]
    offer = listing(
        seller, product=shop["headphones_rival"].product, price="45.00", shipping="40.00", sku="HP-2"
    )

    standing = buy_box_standing(offer_list_for_seller_central(seller=seller).get(pk=offer.pk), seller=seller)

    assert standing.price_to_win is None and standing.landed_to_win == Decimal("39.99")
    assert standing.notes == (
        "Your shipping alone is above the winning price: lower your shipping amount to compete.",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["HP-1", "PAUSED-1", "SPK-1"]),
        ("q=speaker", ["SPK-1"]),
        ("q=hp-", ["HP-1"]),
        ("q=studio+headphones", ["HP-1"]),
        ("status=paused", ["PAUSED-1"]),
        ("status=active", ["HP-1", "SPK-1"]),
        ("buy_box=won", ["SPK-1"]),
        ("buy_box=lost", ["HP-1", "PAUSED-1"]),
        ("out_of_stock=on", ["PAUSED-1"]),
        ("status=bogus&buy_box=%00&q=%00", ["HP-1", "PAUSED-1", "SPK-1"]),  # ignored, not a 500
    ],
)
def test_the_filters(owner_client, shop, query, expected):
    listing(shop["seller"], sku="PAUSED-1", on_hand=0, is_active=False)

    response = owner_client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert sorted(rows_of(response)) == expected


def test_sorting_and_pagination(owner_client, shop):
    for index in range(28):
        listing(shop["seller"], price=f"{index + 100}.00", sku=f"BULK-{index:02d}")

    first = owner_client.get(f"{LIST_URL}?sort=price_asc")
    second = owner_client.get(f"{LIST_URL}?sort=price_asc&page=2")

    assert [o.sku for o in first.context["listings"]][:3] == ["SPK-1", "HP-1", "BULK-00"]
    assert len(first.context["listings"]) == 25
    assert [o.sku for o in second.context["listings"]] == [
        "BULK-23",
        "BULK-24",
        "BULK-25",
        "BULK-26",
        "BULK-27",
    ]
    assert "30 listings" in text(first)
    assert 'href="?sort=price_asc&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_query_count_does_not_grow_with_its_rows(client, count, django_assert_num_queries):
    seller = SellerFactory()
    rival = SellerFactory()
    parent = ProductFactory(title="Tee", variation_theme="Size")
    for index in range(count):
        product = (
            ProductFactory(parent=parent, variant_attributes={"Size": str(index)}) if index % 2 else None
        )
        mine = listing(seller, product=product, sku=f"S-{index}")
        listing(rival, product=mine.product, price="15.00")
    client.force_login(SellerMemberFactory(seller=seller).user)
    # Session, user, membership; count, rows, pictures of products and of their families; the
    # header's categories.
    with django_assert_num_queries(8):
        response = client.get(LIST_URL)
    assert len(response.context["listings"]) == min(count, 25)


def test_a_seller_without_listings_is_invited_to_list_one(client):
    client.force_login(SellerMemberFactory(seller=SellerFactory()).user)
    page = text(client.get(LIST_URL))
    assert "You have no listings yet." in page and f'href="{ADD_URL}">List your first product' in page


# Inline price edit


def test_an_htmx_price_edit_returns_the_row_and_moves_the_buy_box(owner_client, shop):
    offer = shop["losing"]
    seen = []
    handlers = {name: list(hs) for name, hs in events._handlers.items()}
    events.subscribe("offer.changed", lambda **payload: seen.append(payload))
    try:
        response = owner_client.post(
            reverse("seller:listing-price", kwargs={"pk": offer.pk}),
            {"price": "36.99", "shipping": "3.00", "back": f"{LIST_URL}?q=hp"},
            **HTMX,
        )
    finally:
        events._handlers.clear()
        events._handlers.update(handlers)

    assert response.status_code == 200
    content = text(response)
    assert content.startswith(f'<tr id="listing-{offer.pk}" class="listing-row">')
    assert "Saved: HP-1 sells at $36.99 plus $3.00 shipping." in content
    assert "Buy box held" in content
    assert '<input type="hidden" name="back" value="/seller/listings/?q=hp">' in content
    offer.refresh_from_db()
    assert (offer.price_amount, offer.shipping_amount) == (Decimal("36.99"), Decimal("3.00"))
    product = Product.objects.get(pk=offer.product_id)
    assert (product.buy_box_offer_id, product.buy_box_price_amount) == (offer.pk, Decimal("39.99"))
    assert ProductSearchDocument.objects.get(product=product).price_amount == Decimal("39.99")
    assert seen == [{"offer_ids": [offer.pk], "product_ids": [offer.product_id]}]


def test_saving_the_same_amounts_changes_and_emits_nothing(shop):
    offer = shop["losing"]
    updated_at = offer.updated_at
    seen = []
    handlers = {name: list(hs) for name, hs in events._handlers.items()}
    events.subscribe("offer.changed", lambda **payload: seen.append(payload))
    try:
        offer_update_price(offer=offer, seller=shop["seller"], price=Decimal("50"), shipping=Decimal("3.00"))
    finally:
        events._handlers.clear()
        events._handlers.update(handlers)
    assert seen == []
    assert Offer.objects.get(pk=offer.pk).updated_at == updated_at


def test_a_plain_price_edit_redirects_back_to_the_filtered_list(owner_client, shop):
    offer = shop["winning"]
    url = reverse("seller:listing-price", kwargs={"pk": offer.pk})

    response = owner_client.post(url, {"price": "$17.5", "shipping": "0", "back": f"{LIST_URL}?q=speaker"})

    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?q=speaker"
    page = owner_client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["Saved: SPK-1 sells at $17.50 plus $0.00 shipping."]
    offer.refresh_from_db()
    assert (offer.price_amount, offer.shipping_amount) == (Decimal("17.50"), Decimal("0.00"))


@pytest.mark.parametrize("back", ["https://evil.example/seller/listings/", "/admin/", "//evil.example/"])
def test_a_foreign_back_address_is_ignored(owner_client, shop, back):
    url = reverse("seller:listing-price", kwargs={"pk": shop["winning"].pk})
    response = owner_client.post(url, {"price": "18.00", "shipping": "1.00", "back": back})
    assert response["Location"] == LIST_URL


@pytest.mark.parametrize(
    ("price", "shipping", "message"),
    [
        ("-1", "0", "The price cannot be negative."),
        ("0", "0", "The price must be more than 0."),
        ("0.00", "0", "The price must be more than 0."),
        ("12.345", "0", "The price can have at most 2 decimals (cents)."),
        ("abc", "0", "The price must be a number, like 12.99."),
        ("12e3", "0", "The price must be a number, like 12.99."),
        ("NaN", "0", "The price must be a number, like 12.99."),
        ("1000000", "0", "The price must be less than 1,000,000.00."),
        ("9" * 5000, "0", "The price must be less than 1,000,000.00."),
        ("12\x00", "0", "The price contains a character that is not allowed."),
        ("1,299.00", "0", "Write the price without commas, with a dot before the cents: 1234.50."),
        ("", "0", "Enter the price, like 12.99."),
        ("12.00", "-0.01", "The shipping amount cannot be negative."),
        ("12.00", "", "Enter the shipping amount, like 12.99."),
    ],
)
def test_a_bad_price_is_refused_in_the_row_and_changes_nothing(owner_client, shop, price, shipping, message):
    offer = shop["losing"]
    url = reverse("seller:listing-price", kwargs={"pk": offer.pk})
    before = Product.objects.values_list("buy_box_offer_id", "buy_box_price_amount").get(pk=offer.product_id)

    fragment = owner_client.post(url, {"price": price, "shipping": shipping}, **HTMX)
    page = owner_client.post(url, {"price": price, "shipping": shipping, "back": f"{LIST_URL}?q=hp"})

    assert fragment.status_code == 400
    assert f'role="alert"><p>{message}</p><p>Nothing was changed.</p></div>' in text(fragment)
    assert "\x00" not in fragment.content.decode()
    assert page.status_code == 400
    assert [str(m) for m in page.context["messages"]] == [f"HP-1 was not changed: {message}"]
    assert [o.sku for o in page.context["listings"]] == ["HP-1"]  # the list as filtered before
    assert 'aria-invalid="true"' in page.content.decode()
    offer.refresh_from_db()
    assert (offer.price_amount, offer.shipping_amount) == (Decimal("50.00"), Decimal("3.00"))
    assert (
        Product.objects.values_list("buy_box_offer_id", "buy_box_price_amount").get(pk=offer.product_id)
        == before
    )


def test_the_service_refuses_bad_amounts_and_another_sellers_offer(shop):
    with pytest.raises(ApplicationError, match="The price can have at most 2 decimals"):
        offer_update_price(
            offer=shop["losing"], seller=shop["seller"], price=Decimal("1.001"), shipping=Decimal("0")
        )
    with pytest.raises(ApplicationError, match="The price must be a number"):
        offer_update_price(offer=shop["losing"], seller=shop["seller"], price=1.5, shipping=Decimal("0"))
    with pytest.raises(ApplicationError, match="That listing could not be found."):
        offer_update_price(
            offer=shop["speaker_rival"], seller=shop["seller"], price=Decimal("1.00"), shipping=Decimal("0")
        )
    with pytest.raises(ApplicationError, match="That listing could not be found."):
        offer_pause(offer=shop["speaker_rival"], seller=shop["seller"])
    assert Offer.objects.filter(
        pk=shop["speaker_rival"].pk, price_amount=Decimal("20.00"), is_active=True
    ).exists()


# Pause and resume


def test_pausing_and_resuming_moves_the_buy_box(owner_client, shop):
    offer = shop["winning"]

    paused = owner_client.post(reverse("seller:listing-pause", kwargs={"pk": offer.pk}), **HTMX)

    assert paused.status_code == 200
    assert "Paused: SPK-1 is off sale until you resume it." in text(paused)
    assert 'class="badge listing-badge listing-badge--paused">Paused</span>' in text(paused)
    assert Product.objects.get(pk=offer.product_id).buy_box_offer_id == shop["speaker_rival"].pk

    resumed = owner_client.post(reverse("seller:listing-resume", kwargs={"pk": offer.pk}))

    assert resumed.status_code == 302 and resumed["Location"] == LIST_URL
    assert Product.objects.get(pk=offer.product_id).buy_box_offer_id == offer.pk
    assert Offer.objects.get(pk=offer.pk).is_active is True


def test_pausing_twice_changes_nothing_more(owner_client, shop):
    url = reverse("seller:listing-pause", kwargs={"pk": shop["winning"].pk})
    owner_client.post(url)
    response = owner_client.post(url, follow=True)
    assert response.status_code == 200
    assert Offer.objects.get(pk=shop["winning"].pk).is_active is False


# Another seller, other roles


@pytest.mark.parametrize("name", ["listing-price", "listing-pause", "listing-resume"])
def test_another_sellers_listing_is_404_and_unchanged(owner_client, shop, name):
    theirs = shop["speaker_rival"]
    url = reverse(f"seller:{name}", kwargs={"pk": theirs.pk})

    for headers in ({}, HTMX):
        response = owner_client.post(url, {"price": "1.00", "shipping": "0.00"}, **headers)
        assert response.status_code == 404

    theirs.refresh_from_db()
    assert (theirs.price_amount, theirs.shipping_amount, theirs.is_active) == (
        Decimal("20.00"),
        Decimal("0.00"),
        True,
    )
    assert Product.objects.get(pk=theirs.product_id).buy_box_offer_id == shop["winning"].pk


def test_an_id_that_does_not_exist_is_404(owner_client):
    assert owner_client.post(reverse("seller:listing-price", kwargs={"pk": 999_999_999})).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 302), ("manager", 302), ("shipping", 404), ("finance", 404)],
)
def test_only_roles_with_listings_may_change_a_price(client, shop, role, status):
    member = SellerMemberFactory(seller=shop["seller"], role=role)
    client.force_login(member.user)
    url = reverse("seller:listing-price", kwargs={"pk": shop["winning"].pk})

    response = client.post(url, {"price": "9.99", "shipping": "1.00"})

    assert response.status_code == status
    expected = Decimal("9.99") if status == 302 else Decimal("18.00")
    assert Offer.objects.get(pk=shop["winning"].pk).price_amount == expected


# Adding an offer to an existing product


def offer_data(product, **overrides):
    data = {
        "product": product.pk,
        "sku": "NEW-1",
        "condition": "new",
        "condition_note": "",
        "price": "21.50",
        "shipping": "0",
        "handling_days": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_seller_finds_a_product_by_gtin_and_offers_it(owner_client, shop):
    speaker = shop["winning"].product
    other = ProductFactory(title="Bluetooth Speaker Mini")
    listing(shop["rival"], product=other)

    found = owner_client.get(f"{ADD_URL}?q=4006381333931")

    assert [p.pk for p in found.context["results"]] == [speaker.pk]
    assert "1 product with GTIN 4006381333931" in text(found)
    assert "You already list this product." in text(found)

    picked = owner_client.get(f"{ADD_URL}?q=bluetooth&product={other.pk}")
    assert picked.context["product"] == other
    assert "Buy box today: $20.00 with shipping, 1 offer" in text(picked)

    response = owner_client.post(ADD_URL, offer_data(other, sku=" MINI-1 ", shipping="$2.50"), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Listed: Bluetooth Speaker Mini as MINI-1. It has no units yet: add stock on the Inventory page "
        "to start selling."
    ]
    offer = Offer.objects.get(seller=shop["seller"], sku="MINI-1")
    assert (
        offer.product_id,
        offer.condition,
        offer.price_amount,
        offer.shipping_amount,
        offer.handling_days,
    ) == (
        other.pk,
        "new",
        Decimal("21.50"),
        Decimal("2.50"),
        1,
    )
    assert offer.is_active is True
    other.refresh_from_db()
    assert other.offer_count == 2  # the refresh counted it; it holds no buy box without stock
    assert rows_of(response)["MINI-1"].standing.notes == (
        "Out of stock: a listing without units cannot win.",
    )


def test_words_find_buyable_products_only_and_a_family_offers_its_variations(owner_client, shop):
    parent = ProductFactory(title="Cotton Tee", variation_theme="Size", gtin="0012345678905")
    small = ProductFactory(title="Cotton Tee S", parent=parent, variant_attributes={"Size": "S"})
    large = ProductFactory(title="Cotton Tee L", parent=parent, variant_attributes={"Size": "L"})
    ProductFactory(title="Cotton Tee Old", is_active=False)

    by_words = owner_client.get(f"{ADD_URL}?q=cotton+tee")
    by_gtin = owner_client.get(f"{ADD_URL}?q=0012345678905")

    assert {p.pk for p in by_words.context["results"]} == {small.pk, large.pk}
    assert {p.pk for p in by_gtin.context["results"]} == {small.pk, large.pk}
    assert "Size: S &middot; a variation of Cotton Tee" in text(by_words)

    refused = owner_client.post(ADD_URL, offer_data(parent))
    assert refused.status_code == 400
    assert [str(m) for m in refused.context["messages"]] == [
        "That product cannot be offered: search again and pick one from the results."
    ]
    assert not Offer.objects.filter(sku="NEW-1").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sku": "HP-1"}, "sku", "You already have a listing with the SKU “HP-1”: choose another SKU."),
        ({"sku": ""}, "sku", "Enter a SKU: your own code for this listing."),
        ({"sku": "A\x00B"}, "sku", "Null characters are not allowed."),
        ({"sku": "X" * 65}, "sku", "A SKU is at most 64 characters."),
        ({"condition": "mint"}, "condition", "Choose one of the conditions in the list."),
        (
            {"condition": "used_good"},
            "condition_note",
            "Say what state the item is in: a “Used - Good” item needs a condition note.",
        ),
        ({"price": "-5"}, "price", "The price cannot be negative."),
        ({"price": "0"}, "price", "The price must be more than 0."),
        ({"shipping": "1.999"}, "shipping", "The shipping amount can have at most 2 decimals (cents)."),
        (
            {"handling_days": "31"},
            "handling_days",
            "The handling time is a whole number of days from 0 to 30.",
        ),
        (
            {"handling_days": "two"},
            "handling_days",
            "The handling time is a whole number of days from 0 to 30.",
        ),
    ],
)
def test_a_bad_new_offer_is_refused_clearly_and_creates_nothing(
    owner_client, shop, overrides, field, message
):
    product = ProductFactory(title="Turntable")
    count = Offer.objects.count()

    response = owner_client.post(ADD_URL, offer_data(product, **overrides))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert Offer.objects.count() == count


def test_a_used_item_with_its_note_is_listed(owner_client, shop):
    product = ProductFactory()
    note = "Small scratch on the lid; no original box."
    response = owner_client.post(ADD_URL, offer_data(product, condition="used_good", condition_note=note))
    assert response.status_code == 302
    assert Offer.objects.get(sku="NEW-1").condition_note == note


@pytest.mark.parametrize("raw", ["0", "abc", "99999999999999999999999", "\x00"])
def test_a_picked_product_that_does_not_exist_is_a_notice_not_a_500(owner_client, raw):
    response = owner_client.get(ADD_URL, {"product": raw})
    assert response.status_code == 200
    assert "That product cannot be offered: search again and pick one from the results." in text(response)


def test_a_search_with_a_nul_byte_is_refused(owner_client):
    response = owner_client.get(ADD_URL, {"q": "spea\x00ker"})
    assert response.status_code == 200
    assert "The search contains a character that is not allowed." in text(response)
    assert response.context["results"] == []


def test_a_suspended_seller_cannot_list(client, shop):
    Seller.objects.filter(pk=shop["seller"].pk).update(status=Seller.Status.SUSPENDED)
    client.force_login(shop["owner"])
    product = ProductFactory()

    page = client.get(f"{ADD_URL}?product={product.pk}")
    response = client.post(ADD_URL, offer_data(product))

    assert "Only approved sellers can list products: yours is suspended." in text(page)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Only approved sellers can list products."]
    assert not Offer.objects.filter(sku="NEW-1").exists()


def test_offer_create_refuses_a_duplicate_sku_from_another_path_too(shop):
    with pytest.raises(ApplicationError, match="You already have a listing with the SKU “SPK-1”"):
        offer_create(
            seller=shop["seller"],
            product=ProductFactory(),
            sku="SPK-1",
            condition="new",
            condition_note="",
            price=Decimal("5.00"),
            shipping=Decimal("0.00"),
            handling_days=2,
        )
    # Another seller may use the same SKU.
    offer = offer_create(
        seller=shop["rival"],
        product=ProductFactory(),
        sku="SPK-1",
        condition="new",
        condition_note="",
        price=Decimal("5.00"),
        shipping=Decimal("0.00"),
        handling_days=2,
    )
    assert offer.seller_id == shop["rival"].pk


# Dashboard


def test_the_dashboard_card_and_the_first_listing_step(client):
    seller = SellerFactory()
    owner = SellerMemberFactory(seller=seller).user
    client.force_login(owner)

    before = client.get(reverse("seller:dashboard"))

    step = next(step for step in before.context["checklist"] if step["key"] == "first-listing")
    assert step == {"key": "first-listing", "label": "List your first product", "url": ADD_URL, "done": False}
    card = next(card for card in before.context["cards"] if card["key"] == "listings")
    assert card["context"]["rows"] == [] and "No listings yet." in text(before)

    rival = SellerFactory()
    won = listing(seller, price="5.00", sku="A")
    listing(rival, product=won.product, price="9.00")
    listing(seller, price="5.00", sku="B", on_hand=0)
    listing(seller, price="5.00", sku="C", is_active=False)

    after = client.get(reverse("seller:dashboard"))

    step = next(step for step in after.context["checklist"] if step["key"] == "first-listing")
    assert step["done"] is True
    card = next(card for card in after.context["cards"] if card["key"] == "listings")
    assert card["context"]["rows"] == [
        ("Active listings", 2),
        ("Paused", 1),
        ("Buy boxes held", 1),
        ("Out of stock", 1),
    ]
    assert "<dt>Buy boxes held</dt><dd>1</dd>" in after.content.decode()
    assert f'<a href="{LIST_URL}">Manage your listings</a>' in after.content.decode()


def test_the_listings_card_is_one_query(shop, django_assert_num_queries):
    from catalog.seller_central.dashboard import listings_card

    with django_assert_num_queries(1):
        card = listings_card(shop["seller"])
    assert card["rows"][0] == ("Active listings", 2)


# A price change in the middle of a checkout

TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def checkout_shop(shop):
    load_default_shipping()
    load_default_tax_rates()
    shopper = UserFactory()
    address = AddressFactory(
        user=shopper, city="San Francisco", region="CA", postal_code="94103", is_default=True
    )
    offer = shop["winning"]
    cart = Cart.objects.create(user=shopper)
    CartLine.objects.create(cart=cart, offer=offer, quantity=1, price_seen_amount=offer.price_amount)
    with time_machine.travel(TUESDAY_10AM, tick=False):
        yield {"shopper": shopper, "address": address, "offer": offer}


def test_the_cart_says_the_price_changed_while_the_shopper_was_away(client, shop, checkout_shop):
    offer_update_price(
        offer=checkout_shop["offer"], seller=shop["seller"], price=Decimal("23.00"), shipping=Decimal("1.00")
    )
    client.force_login(checkout_shop["shopper"])

    page = text(client.get(reverse("orders:cart-detail")))

    assert "The price of Bluetooth Speaker went from $18.00 to $23.00." in page


def _checkout_form(content: str, address) -> dict:
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', content).group(1)
    shown = re.search(r'name="shown" value="([^"]*)"', content).group(1)
    return {"idempotency_key": key, "shown": shown, "address": address.pk, "action": "place"}


def _shipping_pick(content: str) -> dict:
    """The shipping method the page picked for each seller (its checked radio button)."""
    return dict(re.findall(r'name="(ship-\d+)" value="([a-z-]+)"[^>]*checked', content))


def test_placing_after_the_seller_changed_the_price_says_so_before_charging(client, shop, checkout_shop):
    client.force_login(checkout_shop["shopper"])
    shown = client.get(reverse("orders:checkout"))
    assert "$18.00" in text(shown)
    data = _checkout_form(shown.content.decode(), checkout_shop["address"])
    data.update(_shipping_pick(shown.content.decode()))
    assert data[f"ship-{shop['seller'].pk}"]
    seller_client = type(client)()
    seller_client.force_login(shop["owner"])
    seller_client.post(
        reverse("seller:listing-price", kwargs={"pk": checkout_shop["offer"].pk}),
        {"price": "23.00", "shipping": "1.00"},
    )

    response = client.post(reverse("orders:checkout"), data)

    # What the shopper must get: no order at a price it was not shown, and the new price on the page.
    assert Order.objects.count() == 0
    assert response.status_code == 200 and "$23.00" in text(response)
    assert "A price changed since this page was shown" in text(response)

    # Placing again from the page that shows the new price places the order at it.
    again = _checkout_form(response.content.decode(), checkout_shop["address"])
    again.update(_shipping_pick(response.content.decode()))
    placed = client.post(reverse("orders:checkout"), again)
    assert placed.status_code == 302
    order = Order.objects.get()
    assert order.seller_orders.get().lines.get().unit_price_amount == Decimal("23.00")
