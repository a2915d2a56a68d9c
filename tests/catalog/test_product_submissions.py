"""Sellers create new catalog products, hidden until staff approve them (ADR 0081)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.models import Offer, Product, ProductImage
from catalog.selectors import product_card_queryset
from catalog.submissions import gtin_is_valid
from marketplace.accounts.models import OutboundEmail
from sellers.models import Seller, SellerMember
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

NEW_URL = "/seller/products/new/"
LIST_URL = "/seller/products/"
ADMIN_LIST = "/admin/catalog/product/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).strip()


def picture(fmt: str = "PNG", size=(600, 400), name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def media_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def world():
    seller = SellerFactory(name="Acme Audio", support_email="support@acme.test")
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    parent = CategoryFactory(name="Audio", slug="audio")
    leaf = CategoryFactory(name="Speakers", slug="speakers", parent=parent)
    return {"seller": seller, "owner": owner, "parent": parent, "leaf": leaf}


@pytest.fixture
def owner_client(client, world):
    client.force_login(world["owner"])
    return client


def form_data(world, **changes) -> dict:
    data = {
        "title": "Zonkwave Boombox 3000",
        "brand": "Zonkwave",
        "category": str(world["leaf"].pk),
        "gtin": "4006381333931",
        "description": "A loud speaker.",
        "attributes": "Colour: Black\nPower: 20 W",
        "weight_grams": "900",
        "sku": "ZW-3000",
        "condition": "new",
        "condition_note": "",
        "price": "49.99",
        "shipping": "2.50",
        "handling_days": "2",
        "images": [picture()],
    }
    data.update(changes)
    return data


def submit(client, world, **changes):
    return client.post(NEW_URL, form_data(world, **changes))


def nothing_created(media_root) -> bool:
    return (
        not Product.objects.filter(submitted_by_seller__isnull=False).exists()
        and not Offer.objects.exists()
        and not ProductImage.objects.exists()
        and media_files(media_root) == []
    )


def test_gtin_check_digit():
    assert gtin_is_valid("4006381333931")
    assert gtin_is_valid("96385074")
    assert gtin_is_valid("036000291452")
    assert not gtin_is_valid("4006381333932")
    assert not gtin_is_valid("40063813339")
    assert not gtin_is_valid("４００６３８１３３３９３１")


def test_the_form_lists_leaf_categories_only(owner_client, world):
    response = owner_client.get(NEW_URL)
    assert response.status_code == 200
    html = text(response)
    assert f'<option value="{world["leaf"].pk}">Audio › Speakers</option>' in html
    assert f'<option value="{world["parent"].pk}"' not in html
    assert 'enctype="multipart/form-data"' in html


def test_listing_add_links_to_create(owner_client):
    html = text(owner_client.get("/seller/listings/add/"))
    assert 'Not in the catalog? <a href="/seller/products/new/">Create it</a>' in html


def test_submit_creates_a_hidden_pending_product_with_its_offer(owner_client, world, media):
    client = Client()  # a shopper
    response = submit(owner_client, world)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    product = Product.objects.get(submitted_by_seller=world["seller"])
    assert (product.title, product.review_status, product.is_active) == (
        "Zonkwave Boombox 3000",
        Product.ReviewStatus.PENDING,
        False,
    )
    assert product.brand.name == "Zonkwave"
    assert product.category == world["leaf"]
    assert product.gtin == "4006381333931"
    assert product.attributes == {"Colour": "Black", "Power": "20 W"}
    assert product.weight_grams == 900
    offer = Offer.objects.get(product=product)
    assert (offer.seller, offer.sku, offer.price_amount, offer.shipping_amount) == (
        world["seller"],
        "ZW-3000",
        Decimal("49.99"),
        Decimal("2.50"),
    )
    (image,) = product.images.all()
    assert (image.width, image.height) == (600, 400)
    assert image.image.name.endswith(".png")

    # Invisible to shoppers: product page, category page, search, the card lists.
    StockFactory(offer=offer, warehouse=WarehouseFactory(seller=world["seller"]), on_hand=5)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Zonkwave" not in text(client.get(world["leaf"].get_absolute_url()))
    assert "Zonkwave Boombox" not in text(client.get("/search/", {"q": "Zonkwave"}))
    assert not product_card_queryset().filter(pk=product.pk).exists()
    assert not hasattr(Product.objects.get(pk=product.pk), "search_document") or not (
        Product.objects.filter(pk=product.pk, search_document__isnull=False).exists()
    )

    listing = text(owner_client.get(LIST_URL))
    assert "Zonkwave Boombox 3000" in listing
    assert "Waiting for review" in listing


def test_approve_makes_it_visible_with_the_sellers_offer(owner_client, world, admin_client):
    client = Client()  # a shopper
    submit(owner_client, world)
    product = Product.objects.get(submitted_by_seller=world["seller"])
    offer = Offer.objects.get(product=product)
    StockFactory(offer=offer, warehouse=WarehouseFactory(seller=world["seller"]), on_hand=5)
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()

    response = admin_client.post(ADMIN_LIST, {"action": "approve_review", "_selected_action": [product.pk]})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.review_status, product.is_active, product.buy_box_offer_id) == (
        "approved",
        True,
        offer.pk,
    )
    assert product.buy_box_price_amount == Decimal("52.49")
    assert client.get(product.get_absolute_url()).status_code == 200
    assert Product.objects.filter(pk=product.pk, search_document__isnull=False).exists()
    assert "Zonkwave Boombox 3000" in text(client.get("/search/", {"q": "Zonkwave"}))
    email = OutboundEmail.objects.get()
    assert email.payload["subject"] == "Approved: Zonkwave Boombox 3000 is in the catalog"
    assert sorted(email.payload["to"]) == sorted([world["owner"].email, "support@acme.test"])


def test_reject_shows_the_reason_and_stays_hidden(owner_client, world, admin_client):
    client = Client()  # a shopper
    submit(owner_client, world)
    product = Product.objects.get(submitted_by_seller=world["seller"])
    OutboundEmail.objects.all().delete()

    page = admin_client.post(ADMIN_LIST, {"action": "reject_review", "_selected_action": [product.pk]})
    assert page.status_code == 200
    assert "Reject products" in text(page)
    response = admin_client.post(
        ADMIN_LIST,
        {
            "action": "reject_review",
            "_selected_action": [product.pk],
            "apply": "1",
            "reason": "The pictures show another item.",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.review_status, product.is_active, product.review_note) == (
        "rejected",
        False,
        "The pictures show another item.",
    )
    assert client.get(product.get_absolute_url()).status_code == 404
    listing = text(owner_client.get(LIST_URL))
    assert "Rejected" in listing
    assert "Reason: The pictures show another item." in listing
    email = OutboundEmail.objects.get()
    assert email.payload["subject"] == "Not approved: Zonkwave Boombox 3000"
    assert "The pictures show another item." in email.payload["body"]

    # A decided product cannot be decided again.
    admin_client.post(ADMIN_LIST, {"action": "approve_review", "_selected_action": [product.pk]})
    product.refresh_from_db()
    assert (product.review_status, product.is_active) == ("rejected", False)


def test_admin_filters_by_review_status(owner_client, world, admin_client):
    submit(owner_client, world)
    ProductFactory(title="Old Approved Thing")
    html = text(admin_client.get(ADMIN_LIST, {"review_status__exact": "pending"}))
    assert "Zonkwave Boombox 3000" in html
    assert "Old Approved Thing" not in html


def big_png() -> SimpleUploadedFile:
    raw = io.BytesIO()
    noise = Image.frombytes("RGB", (1400, 1400), bytes(range(256)) * (1400 * 1400 * 3 // 256 + 1))
    noise.save(raw, format="PNG", compress_level=0)
    return SimpleUploadedFile("huge.png", raw.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": ""}, "Choose a category from the list."),
        (
            {"gtin": "4006381333932"},
            "That GTIN is not valid: it is the 8, 12, 13 or 14 digits under the bar code, and the last "
            "digit must match the others (check for a typo).",
        ),
        (
            {"images": [SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")]},
            "x.png is not a JPEG, PNG or WebP picture.",
        ),
        ({"images": []}, "Add at least one picture of the product."),
        (
            {"attributes": "\n".join(f"A{i}: {i}" for i in range(21))},
            "Give at most 20 key attributes (you gave 21).",
        ),
        ({"attributes": "Colour: Bl\x07ack"}, "The key attributes contain a character that is not allowed."),
        ({"title": "Boom\x1bbox"}, "The title contains a character that is not allowed."),
        ({"attributes": "no colon here"}, "Write each key attribute as “name: value” on its own line"),
        ({"weight_grams": "heavy"}, "The weight is a whole number of grams from 1 to 1,000,000."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(owner_client, world, media, changes, message):
    response = submit(owner_client, world, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_created(media)


def test_image_over_5_mb_is_refused(owner_client, world, media):
    upload = big_png()
    assert upload.size > 5 * 1024 * 1024
    response = submit(owner_client, world, images=[upload])
    assert response.status_code == 400
    assert "huge.png is larger than 5 MB: send a smaller picture." in response.content.decode()
    assert nothing_created(media)


def test_duplicate_gtin_is_refused(owner_client, world, media):
    ProductFactory(gtin="4006381333931")
    response = submit(owner_client, world)
    assert response.status_code == 400
    assert "A product with GTIN 4006381333931 is already in the catalog" in response.content.decode()
    assert nothing_created(media)


def test_duplicate_sku_leaves_no_product_or_file(owner_client, world, media):
    from tests.catalog.factories import OfferFactory

    OfferFactory(seller=world["seller"], sku="ZW-3000")
    before = Product.objects.count()
    response = submit(owner_client, world, gtin="")
    assert response.status_code == 400
    assert "You already have a listing with the SKU “ZW-3000”" in response.content.decode()
    assert Product.objects.count() == before
    assert not ProductImage.objects.exists()
    assert media_files(media) == []


def test_a_seller_not_approved_cannot_submit(owner_client, world, media):
    Seller.objects.filter(pk=world["seller"].pk).update(status=Seller.Status.SUSPENDED)
    response = submit(owner_client, world)
    assert response.status_code == 400
    assert "Only approved sellers can create products." in response.content.decode()
    assert nothing_created(media)


def test_another_seller_does_not_see_it(owner_client, world):
    submit(owner_client, world)
    client = Client()
    rival = SellerMemberFactory(role=SellerMember.Role.OWNER).user
    client.force_login(rival)
    html = text(client.get(LIST_URL))
    assert "Zonkwave" not in html
    assert "You have not created a product yet." in html


@pytest.mark.parametrize("role", [SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE])
def test_shipping_and_finance_roles_get_404(client, world, role):
    member = SellerMemberFactory(seller=world["seller"], role=role).user
    client.force_login(member)
    assert client.get(LIST_URL).status_code == 404
    assert client.get(NEW_URL).status_code == 404
    assert client.post(NEW_URL, form_data(world)).status_code == 404
    assert not Product.objects.filter(submitted_by_seller__isnull=False).exists()


def _submitted(seller, count):
    for _ in range(count):
        ProductFactory(
            submitted_by_seller=seller,
            review_status="pending",
            is_active=False,
            submitted_at="2026-01-01T00:00Z",
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_budget(owner_client, world, rows, django_assert_num_queries):
    _submitted(world["seller"], rows)
    owner_client.get(LIST_URL)  # warm the session and site caches
    with django_assert_num_queries(QUERIES):
        response = owner_client.get(LIST_URL)
    assert response.status_code == 200
    assert text(response).count("Waiting for review") == min(rows, 25)


# Session, member and seller, the count, the page of products (with category and brand).
QUERIES = 5
