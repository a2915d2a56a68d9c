"""Sellers create new products with variations in Seller Central (ADR 0095)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Offer, Product, ProductImage
from catalog.submissions import product_review_approve
from marketplace.accounts.models import OutboundEmail
from marketplace.core.models import AuditEntry
from sellers.models import SellerMember
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.catalog.test_product_submissions import (  # noqa: F401 - fixtures
    ADMIN_LIST,
    LIST_URL,
    NEW_URL,
    form_data,
    media,
    media_files,
    owner_client,
    picture,
    text,
    world,
)
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

SIZES = [("S", "Red"), ("M", "Red"), ("S", "Blue")]


def row(index: int, value_1="", value_2="", **changes) -> dict:
    fields = {
        "value_1": value_1,
        "value_2": value_2,
        "sku": f"TEE-{index + 1}",
        "condition": "new",
        "condition_note": "",
        "price": f"{19 + index}.99",
        "shipping": "0.00",
        "handling_days": "2",
        "gtin": "",
    }
    fields.update(changes)
    return {f"variations-{index}-{name}": value for name, value in fields.items()}


def empty_row(index: int) -> dict:
    return row(index, sku="", price="")


def family_data(world, rows=None, total: int | None = None, **changes) -> dict:  # noqa: F811
    data = form_data(
        world,
        title="Zonkwave Tee",
        gtin="",
        attributes="Material: Cotton",
        sku="",
        price="",
        has_variations="on",
        dimension_1="Size",
        dimension_2="Colour",
    )
    rows = rows if rows is not None else [row(i, s, c) for i, (s, c) in enumerate(SIZES)] + [empty_row(3)]
    for fields in rows:
        data.update(fields)
    data.update(
        {
            "variations-TOTAL_FORMS": str(total if total is not None else len(rows)),
            "variations-INITIAL_FORMS": "0",
            "variations-MIN_NUM_FORMS": "0",
            "variations-MAX_NUM_FORMS": "30",
        }
    )
    data.update(changes)
    return data


def nothing_written(media_root) -> bool:
    return (
        not Product.objects.filter(submitted_by_seller__isnull=False).exists()
        and not Offer.objects.filter(product__submitted_by_seller__isnull=False).exists()
        and not ProductImage.objects.exists()
        and media_files(media_root) == []
    )


def family(seller) -> tuple[Product, list[Product]]:
    parent = Product.objects.get(submitted_by_seller=seller, parent__isnull=True)
    return parent, list(parent.variants.order_by("pk"))


def test_the_form_offers_variations_with_six_rows_and_more_on_request(owner_client, world):  # noqa: F811
    html = text(owner_client.get(NEW_URL))
    assert "This product comes in variations" in html
    assert 'name="variations-TOTAL_FORMS" value="6"' in html
    assert 'name="variations-5-sku"' in html
    assert 'name="variations-6-sku"' not in html
    assert '<script src="/static/catalog/js/product-variations.js" defer></script>' in html
    assert "cannot be created here yet" not in html
    more = text(owner_client.get(NEW_URL, {"variations": "1", "rows": "12"}))
    assert 'name="variations-TOTAL_FORMS" value="12"' in more
    assert 'id="id_has_variations" type="checkbox" name="has_variations" value="on" checked' in more
    assert 'name="variations-TOTAL_FORMS" value="30"' in text(owner_client.get(NEW_URL, {"rows": "9" * 40}))
    assert 'name="variations-TOTAL_FORMS" value="6"' in text(owner_client.get(NEW_URL, {"rows": "x\x00"}))


def test_a_family_is_created_hidden_and_goes_live_with_its_picker_on_approval(
    owner_client,  # noqa: F811
    world,  # noqa: F811
    media,  # noqa: F811
    admin_client,
    django_capture_on_commit_callbacks,
):
    shopper = Client()
    # when the seller sends a product in 3 variations (a fourth row left empty)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(NEW_URL, family_data(world))
    assert response.status_code == 302
    assert response["Location"] == LIST_URL

    # then the parent holds the family's fields and pictures, never an offer
    parent, children = family(world["seller"])
    assert (parent.title, parent.variation_theme, parent.is_active, parent.review_status, parent.gtin) == (
        "Zonkwave Tee",
        "Size/Colour",
        False,
        "pending",
        None,
    )
    assert parent.is_parent
    assert parent.images.count() == 1
    assert not Offer.objects.filter(product=parent).exists()
    # and each variation has its values, title and the seller's offer
    assert [(c.title, c.variant_attributes, c.is_active, c.review_status) for c in children] == [
        ("Zonkwave Tee (S, Red)", {"Size": "S", "Colour": "Red"}, False, "pending"),
        ("Zonkwave Tee (M, Red)", {"Size": "M", "Colour": "Red"}, False, "pending"),
        ("Zonkwave Tee (S, Blue)", {"Size": "S", "Colour": "Blue"}, False, "pending"),
    ]
    assert {(c.category_id, c.brand_id) for c in children} == {(world["leaf"].pk, parent.brand_id)}
    assert children[0].attributes == {"Material": "Cotton", "Size": "S", "Colour": "Red"}
    offers = list(Offer.objects.filter(product__parent=parent).order_by("product_id"))
    assert [(o.product_id, o.sku, o.price_amount, o.seller_id) for o in offers] == [
        (children[0].pk, "TEE-1", Decimal("19.99"), world["seller"].pk),
        (children[1].pk, "TEE-2", Decimal("20.99"), world["seller"].pk),
        (children[2].pk, "TEE-3", Decimal("21.99"), world["seller"].pk),
    ]
    # hidden until approved; listed once with its variation count
    assert shopper.get(parent.get_absolute_url()).status_code == 404
    assert shopper.get(children[0].get_absolute_url()).status_code == 404
    listing = text(owner_client.get(LIST_URL))
    assert "Sent for review: Zonkwave Tee, with 3 variations." in listing
    assert listing.count('<th scope="row">Zonkwave Tee') == 1
    assert "Zonkwave Tee (S" not in listing
    assert "3 variations by Size/Colour" in listing
    assert "1 product" in listing

    # a variation alone is not decided: its family is
    warehouse = WarehouseFactory(seller=world["seller"])
    for offer in offers:
        StockFactory(offer=offer, warehouse=warehouse, on_hand=4)
    OutboundEmail.objects.all().delete()
    admin_client.post(ADMIN_LIST, {"action": "approve_review", "_selected_action": [children[0].pk]})
    children[0].refresh_from_db()
    assert (children[0].review_status, children[0].is_active) == ("pending", False)

    # approving the parent approves and shows the family, with one e-mail
    response = admin_client.post(ADMIN_LIST, {"action": "approve_review", "_selected_action": [parent.pk]})
    assert response.status_code == 302
    parent, children = family(world["seller"])
    assert (parent.review_status, parent.is_active) == ("approved", True)
    assert [(c.review_status, c.is_active) for c in children] == [("approved", True)] * 3
    assert [c.buy_box_offer_id for c in children] == [o.pk for o in offers]
    assert parent.buy_box_price_amount == Decimal("19.99")
    assert OutboundEmail.objects.count() == 1
    assert OutboundEmail.objects.get().payload["subject"] == "Approved: Zonkwave Tee is in the catalog"
    audit = AuditEntry.objects.get(action="product.approved")
    assert audit.after["variations"] == 3

    # the product page shows the picker and the seller's offers on the variations
    page = shopper.get(parent.get_absolute_url())
    assert page.status_code == 200
    assert [v.pk for v in page.context["page"].variants] == [c.pk for c in children]
    assert page.context["page"].buy_box.pk == offers[0].pk
    html = text(page)
    assert '<nav class="variations" aria-label="Size/Colour">' in html
    for child in children:
        assert f'href="{child.get_absolute_url()}"' in html
    child_page = shopper.get(children[2].get_absolute_url())
    assert child_page.status_code == 200
    assert child_page.context["page"].buy_box.pk == offers[2].pk
    assert world["seller"].name in text(child_page)


def test_one_dimension_family(owner_client, world, media):  # noqa: F811
    rows = [row(0, "S"), row(1, "M")]
    response = owner_client.post(NEW_URL, family_data(world, rows=rows, dimension_2=""))
    assert response.status_code == 302
    parent, children = family(world["seller"])
    assert parent.variation_theme == "Size"
    assert [c.variant_attributes for c in children] == [{"Size": "S"}, {"Size": "M"}]


def test_rejecting_the_parent_rejects_the_family_and_resubmitting_sends_it_again(
    owner_client,  # noqa: F811
    world,  # noqa: F811
    media,  # noqa: F811
    admin_client,
):
    assert owner_client.post(NEW_URL, family_data(world)).status_code == 302
    parent, children = family(world["seller"])
    OutboundEmail.objects.all().delete()
    response = admin_client.post(
        ADMIN_LIST,
        {
            "action": "reject_review",
            "_selected_action": [parent.pk],
            "apply": "1",
            "reason": "Blurry pictures.",
        },
    )
    assert response.status_code == 302
    parent, children = family(world["seller"])
    assert parent.review_status == "rejected"
    assert [(c.review_status, c.review_note, c.is_active) for c in children] == [
        ("rejected", "Blurry pictures.", False)
    ] * 3
    assert OutboundEmail.objects.count() == 1
    listing = text(owner_client.get(LIST_URL))
    assert "Reason: Blurry pictures." in listing
    assert f'href="/seller/products/{parent.pk}/edit/"' in listing
    # a variation has no correction page of its own
    assert owner_client.get(f"/seller/products/{children[0].pk}/edit/").status_code == 404

    edit = owner_client.get(f"/seller/products/{parent.pk}/edit/")
    assert "It has 3 variations (Size/Colour)" in text(edit)
    fields = form_data(world, title="Zonkwave Cotton Tee", gtin="", attributes="Material: Cotton", images=[])
    refused = owner_client.post(f"/seller/products/{parent.pk}/edit/", {**fields, "gtin": "4006381333931"})
    assert refused.status_code == 400
    assert "A product with variations has no GTIN of its own: leave it empty." in refused.content.decode()
    response = owner_client.post(f"/seller/products/{parent.pk}/edit/", fields)
    assert response.status_code == 302
    parent, children = family(world["seller"])
    assert (parent.title, parent.review_status) == ("Zonkwave Cotton Tee", "pending")
    assert [(c.title, c.review_status, c.review_note) for c in children] == [
        ("Zonkwave Cotton Tee (S, Red)", "pending", ""),
        ("Zonkwave Cotton Tee (M, Red)", "pending", ""),
        ("Zonkwave Cotton Tee (S, Blue)", "pending", ""),
    ]
    assert Offer.objects.filter(product__parent=parent).count() == 3
    product_review_approve(product=parent, actor=None)
    assert Product.objects.filter(parent=parent, is_active=True).count() == 3


@pytest.mark.parametrize(
    ("rows", "changes", "message"),
    [
        (
            [row(0, "S", "Red"), empty_row(1)],
            {},
            "A product with variations needs at least 2 of them (you gave 1)",
        ),
        (
            [row(0, "S", "Red"), row(1, "s", "red")],
            {},
            "Rows 1 and 2 are the same variation (Size s, Colour red)",
        ),
        ([row(0, "S", "Red"), row(1, "M", "")], {}, "Row 2: Enter the Colour."),
        ([row(0, "S", "Red"), row(1, "", "Blue")], {}, "Row 2: Enter the Size."),
        (
            [row(0, "S", "Red"), row(1, "M", "Red", sku="TEE-1")],
            {},
            "Rows 1 and 2 have the same SKU “TEE-1”: each variation needs its own SKU.",
        ),
        ([row(0, "S", "Red"), row(1, "M", "Red", price="-3")], {}, "The price cannot be negative."),
        (
            [row(0, "S", "Red"), row(1, "M", "Red", price="abc")],
            {},
            "The price must be a number, like 12.99.",
        ),
        ([row(0, "S", "Red"), row(1, "M", "Red", price="0")], {}, "The price must be more than 0"),
        (
            [row(0, "S", "Red"), row(1, "M", "Red", gtin="4006381333932")],
            {},
            "Row 2: the GTIN 4006381333932 is not valid",
        ),
        (
            [row(0, "S", "Red", gtin="4006381333931"), row(1, "M", "Red", gtin="4006381333931")],
            {},
            "Rows 1 and 2 have the same GTIN 4006381333931",
        ),
        ([row(0, "S", "Red"), row(1, "M", "Red")], {"dimension_1": ""}, "Say what the variations differ by"),
        (
            [row(0, "S", "Red"), row(1, "M", "Red")],
            {"dimension_2": "size"},
            "The variation name “size” is given twice.",
        ),
        (
            [row(0, "S", "Red"), row(1, "M", "Red")],
            {"dimension_1": "Size/Fit"},
            "A variation name cannot contain “/”.",
        ),
        (
            [row(0, "S", "Red"), row(1, "M", "Red")],
            {"gtin": "4006381333931"},
            "A product with variations has no GTIN of its own",
        ),
        (
            [row(0, "S", "Red"), row(1, "M", "Re\x07d")],
            {},
            "Row 2: The Colour contains a character that is not allowed.",
        ),
        (
            [row(0, "S", "Red"), row(1, "M", "Red", condition="used_good")],
            {},
            "needs a condition note",
        ),
        (
            [row(0, "S", "Red"), row(1, "M", "Red")],
            {"images": []},
            "Add at least one picture of the product.",
        ),
        (
            [row(0, "S"), row(1, "M", "Red")],
            {"dimension_2": ""},
            "Row 2: it has a second value but the variations differ by Size only",
        ),
    ],
)
def test_bad_input_refuses_the_whole_family(owner_client, world, media, rows, changes, message):  # noqa: F811
    response = owner_client.post(NEW_URL, family_data(world, rows=rows, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "The product was not created" in response.content.decode()
    assert nothing_written(media)


def test_too_many_rows_are_refused(owner_client, world, media):  # noqa: F811
    rows = [row(i, f"S{i}", "Red") for i in range(31)]
    response = owner_client.post(NEW_URL, family_data(world, rows=rows))
    assert response.status_code == 400
    assert "Give at most 30 variations." in response.content.decode()
    assert nothing_written(media)


def test_thirty_rows_are_accepted(owner_client, world, media):  # noqa: F811
    rows = [row(i, f"S{i}", "Red") for i in range(30)]
    assert owner_client.post(NEW_URL, family_data(world, rows=rows)).status_code == 302
    assert Product.objects.filter(parent__submitted_by_seller=world["seller"]).count() == 30


def test_a_broken_management_form_is_a_400(owner_client, world, media):  # noqa: F811
    data = family_data(world)
    data["variations-TOTAL_FORMS"] = "lots"
    response = owner_client.post(NEW_URL, data)
    assert response.status_code == 400
    assert nothing_written(media)


def test_a_sku_the_seller_already_uses_names_the_row(owner_client, world, media):  # noqa: F811
    OfferFactory(seller=world["seller"], sku="TEE-2")
    before = (Product.objects.count(), Offer.objects.count())
    response = owner_client.post(NEW_URL, family_data(world))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2: you already have a listing with the SKU “TEE-2”: choose another SKU." in html
    assert (Product.objects.count(), Offer.objects.count()) == before
    assert not ProductImage.objects.exists()
    assert media_files(media) == []


def test_a_gtin_already_in_the_catalog_names_the_row(owner_client, world, media):  # noqa: F811
    ProductFactory(gtin="4006381333931")
    rows = [row(0, "S", "Red"), row(1, "M", "Red"), row(2, "L", "Red", gtin="4006381333931")]
    response = owner_client.post(NEW_URL, family_data(world, rows=rows))
    assert response.status_code == 400
    assert "Row 3: a product with GTIN 4006381333931 is already in the catalog" in response.content.decode()
    assert nothing_written(media)


def test_a_seller_not_approved_cannot_submit_a_family(owner_client, world, media):  # noqa: F811
    world["seller"].__class__.objects.filter(pk=world["seller"].pk).update(status="suspended")
    response = owner_client.post(NEW_URL, family_data(world))
    assert response.status_code == 400
    assert "Only approved sellers can create products." in response.content.decode()
    assert nothing_written(media)


def test_unticked_variations_keep_the_single_product_form(owner_client, world, media):  # noqa: F811
    data = form_data(world)
    data.update({"dimension_1": "x" * 80, **row(0, "S", "Red")})
    response = owner_client.post(NEW_URL, data)
    assert response.status_code == 302
    product = Product.objects.get(submitted_by_seller=world["seller"])
    assert (product.variation_theme, product.parent_id, product.variants.count()) == ("", None, 0)


def _families(seller, count):
    for index in range(count):
        parent = ProductFactory(
            submitted_by_seller=seller,
            review_status="pending",
            is_active=False,
            variation_theme="Size",
            submitted_at="2026-01-01T00:00Z",
        )
        for size in ("S", "M"):
            ProductFactory(
                parent=parent,
                submitted_by_seller=seller,
                review_status="pending",
                is_active=False,
                variant_attributes={"Size": size},
                title=f"Family {index} {size}",
            )


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_budget_with_families(owner_client, world, count, django_assert_num_queries):  # noqa: F811
    _families(world["seller"], count)
    owner_client.get(LIST_URL)  # warm the session and site caches
    with django_assert_num_queries(5):
        response = owner_client.get(LIST_URL)
    html = text(response)
    assert html.count("2 variations by Size") == min(count, 25)
    assert f"{count} products" in html
    assert "Family 0 S" not in html


def test_another_sellers_family_is_a_404(owner_client, world, client):  # noqa: F811
    assert owner_client.post(NEW_URL, family_data(world)).status_code == 302
    parent, _children = family(world["seller"])
    Product.objects.filter(pk=parent.pk).update(review_status="rejected", review_note="No.")
    rival = SellerMemberFactory(role=SellerMember.Role.OWNER).user
    client.force_login(rival)
    assert client.get(f"/seller/products/{parent.pk}/edit/").status_code == 404
    assert client.post(f"/seller/products/{parent.pk}/edit/", form_data(world, gtin="")).status_code == 404
    assert "Zonkwave" not in text(client.get(LIST_URL))
    parent.refresh_from_db()
    assert parent.review_status == "rejected"


@pytest.mark.parametrize("role", [SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE])
def test_shipping_and_finance_roles_cannot_create_a_family(client, world, media, role):  # noqa: F811
    member = SellerMemberFactory(seller=world["seller"], role=role).user
    client.force_login(member)
    assert client.get(NEW_URL, {"variations": "1"}).status_code == 404
    assert client.post(NEW_URL, family_data(world)).status_code == 404
    assert nothing_written(media)


def test_anonymous_is_sent_to_log_in(client, world, media):  # noqa: F811
    response = client.post(NEW_URL, family_data(world))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert nothing_written(media)


NASTY = ["\x00", "9" * 5000, "١٢"]
FUZZED = [
    "dimension_1",
    "dimension_2",
    "variations-TOTAL_FORMS",
    "variations-1-value_1",
    "variations-1-value_2",
    "variations-1-sku",
    "variations-1-condition",
    "variations-1-condition_note",
    "variations-1-price",
    "variations-1-shipping",
    "variations-1-handling_days",
    "variations-1-gtin",
]


@pytest.mark.parametrize("name", FUZZED)
def test_arbitrary_text_in_a_family_field_is_never_a_500(owner_client, world, media, name):  # noqa: F811
    for value in NASTY:
        files = media_files(media)
        response = owner_client.post(NEW_URL, family_data(world, **{name: value}))
        assert response.status_code in (302, 400), (name, value[:10], response.status_code)
        if response.status_code == 400:
            assert not Product.objects.filter(submitted_by_seller__isnull=False).exists(), (name, value[:10])
            assert not Offer.objects.exists()
            assert media_files(media) == files
        Product.objects.filter(submitted_by_seller=world["seller"]).delete()  # an accepted one
