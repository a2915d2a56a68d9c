"""Seller Central: a listing's SKU, condition note and handling time edited after it is made."""

from __future__ import annotations

import re

import pytest

from catalog.models import Offer
from catalog.services import product_refresh_buy_box
from marketplace.core import events
from marketplace.core.models import AuditEntry
from sellers.models import SellerMember
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/seller/listings/"


def edit_url(offer) -> str:
    return f"/seller/listings/{offer.pk}/edit/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).strip()


@pytest.fixture
def shop(client):
    seller = SellerFactory(name="Acme Audio")
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    offer = OfferFactory(
        seller=seller, product=ProductFactory(title="Bluetooth Speaker"), sku="SPK-1", handling_days=2
    )
    StockFactory(offer=offer, warehouse=WarehouseFactory(seller=seller), on_hand=5)
    used = OfferFactory(seller=seller, sku="SPK-USED", condition="used_good", condition_note="Scuffed corner")
    product_refresh_buy_box(product_ids=[offer.product_id, used.product_id])
    client.force_login(owner)
    return {"seller": seller, "owner": owner, "offer": offer, "used": used, "client": client}


def details(**changes) -> dict:
    return {"sku": "SPK-1", "condition_note": "", "handling_days": "2", **changes}


def test_the_list_links_each_row_to_its_details_page_which_shows_the_current_values(shop):
    client, offer = shop["client"], shop["offer"]
    assert edit_url(offer) in client.get(LIST_URL, {"status": "active"}).content.decode()

    page = text(client.get(edit_url(offer), {"back": f"{LIST_URL}?status=active"}))
    assert "Edit listing SPK-1" in page
    assert 'value="SPK-1"' in page
    assert 'value="2"' in page
    assert "cannot change: a different condition is a different listing" in page
    assert f'href="{LIST_URL}?status=active"' in page


def changes_announced(client, url, data) -> tuple:
    """POST ``data`` and return the response and the ``offer.changed`` events it emitted."""
    seen = []
    handlers = {name: list(hs) for name, hs in events._handlers.items()}
    events.subscribe("offer.changed", lambda **payload: seen.append(payload))
    try:
        response = client.post(url, data)
    finally:
        events._handlers.clear()
        events._handlers.update(handlers)
    return response, seen


def test_saving_changes_the_sku_and_handling_time_records_it_and_refreshes_the_buy_box(shop):
    client, offer = shop["client"], shop["offer"]

    response, announced = changes_announced(
        client,
        edit_url(offer),
        details(sku="SPK-1-BLK", handling_days="5", back=f"{LIST_URL}?status=active"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?status=active"
    offer.refresh_from_db()
    assert (offer.sku, offer.handling_days, offer.condition) == ("SPK-1-BLK", 5, "new")
    entry = AuditEntry.objects.get(action="offer.details_changed")
    assert entry.before == {"sku": "SPK-1", "handling_days": 2}
    assert entry.after == {"sku": "SPK-1-BLK", "handling_days": 5}
    assert entry.seller_id == shop["seller"].pk
    # The handling time feeds the buy box and the delivery promise: the product is refreshed.
    assert [payload["offer_ids"] for payload in announced] == [[offer.pk]]
    # A SKU alone changes neither: nothing is announced.
    _response, quiet = changes_announced(client, edit_url(offer), details(sku="SPK-1-B", handling_days="5"))
    assert quiet == []
    assert "Saved: the details of SPK-1-BLK." in text(client.get(LIST_URL))


def test_saving_the_same_values_changes_nothing(shop):
    response = shop["client"].post(edit_url(shop["offer"]), details())
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="offer.details_changed").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sku": ""}, "Enter a SKU: your own code for this listing."),
        ({"sku": "x" * 65}, "A SKU is at most 64 characters."),
        ({"sku": "SPK\x07"}, "A SKU is one line"),
        ({"sku": "SPK\x00"}, "Null characters are not allowed."),
        ({"handling_days": "31"}, "The handling time is a whole number of days from 0 to 30."),
        ({"handling_days": "-1"}, "The handling time is a whole number of days from 0 to 30."),
        ({"handling_days": "two"}, "The handling time is a whole number of days from 0 to 30."),
        ({"condition_note": "n" * 301}, "The condition note is at most 300 characters."),
        ({"sku": "SPK-USED"}, "You already have a listing with the SKU “SPK-USED”"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(shop, changes, message):
    response = shop["client"].post(edit_url(shop["offer"]), details(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    offer = Offer.objects.get(pk=shop["offer"].pk)
    assert (offer.sku, offer.handling_days) == ("SPK-1", 2)
    assert not AuditEntry.objects.filter(action="offer.details_changed").exists()


def test_a_used_item_keeps_its_condition_note(shop):
    used = shop["used"]
    response = shop["client"].post(edit_url(used), details(sku="SPK-USED", condition_note=""))
    assert response.status_code == 400
    assert "a “Used - Good” item needs a condition note" in response.content.decode()
    assert Offer.objects.get(pk=used.pk).condition_note == "Scuffed corner"

    ok = shop["client"].post(edit_url(used), details(sku="SPK-USED", condition_note="Scuffed corner, no box"))
    assert ok.status_code == 302
    assert Offer.objects.get(pk=used.pk).condition_note == "Scuffed corner, no box"


def test_a_condition_posted_anyway_is_ignored(shop):
    shop["client"].post(edit_url(shop["offer"]), details(condition="used_acceptable", handling_days="3"))
    assert Offer.objects.get(pk=shop["offer"].pk).condition == "new"


def test_another_sellers_listing_and_roles_without_listings_get_404(shop, client):
    rival_offer = OfferFactory(seller=SellerFactory(), sku="R-1")
    assert shop["client"].get(edit_url(rival_offer)).status_code == 404
    assert shop["client"].post(edit_url(rival_offer), details(sku="MINE")).status_code == 404
    assert Offer.objects.get(pk=rival_offer.pk).sku == "R-1"
    for role in (SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE):
        client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
        assert client.get(edit_url(shop["offer"])).status_code == 404
        assert client.post(edit_url(shop["offer"]), details(sku="X")).status_code == 404
    assert Offer.objects.get(pk=shop["offer"].pk).sku == "SPK-1"
