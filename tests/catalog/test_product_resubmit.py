"""A seller corrects a rejected product and sends it for review again (ADR 0081)."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.images import RENDITION_WIDTHS, rendition_name
from catalog.models import Product, ProductImage
from catalog.submissions import product_review_approve, product_review_reject
from marketplace.core.models import AuditEntry
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.catalog.test_product_submissions import (  # noqa: F401 - fixtures
    LIST_URL,
    form_data,
    media,
    media_files,
    owner_client,
    picture,
    submit,
    text,
    world,
)
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db

REASON = "The pictures show another item."


def edit_url(product) -> str:
    return f"/seller/products/{product.pk}/edit/"


@pytest.fixture
def rejected(owner_client, world, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(owner_client, world).status_code == 302
    product = Product.objects.get(submitted_by_seller=world["seller"])
    staff = UserFactory(is_staff=True)
    return product_review_reject(product=product, actor=staff, reason=REASON)


def correction(world, **changes) -> dict:  # noqa: F811
    data = {
        key: value
        for key, value in form_data(world, **changes).items()
        if key not in {"sku", "condition", "condition_note", "price", "shipping", "handling_days"}
    }
    if "images" not in changes:
        data.pop("images")
    return data


def test_the_list_links_a_rejected_product_to_its_correction_page(owner_client, rejected):  # noqa: F811
    listing = owner_client.get(LIST_URL).content.decode()
    assert edit_url(rejected) in listing

    page = text(owner_client.get(edit_url(rejected)))
    assert "Correct and send again" in page
    assert REASON in page
    assert 'value="Zonkwave Boombox 3000"' in page  # the current values fill the form
    assert "Colour: Black" in page
    assert "the product has 1 picture." in page


def test_a_correction_sends_it_for_review_again_and_keeps_the_pictures(
    owner_client,  # noqa: F811
    world,  # noqa: F811
    rejected,
    media,  # noqa: F811
):
    (old_picture,) = rejected.images.all()
    response = owner_client.post(
        edit_url(rejected),
        correction(world, title="Zonkwave Boombox 3000 (Black)", attributes="Colour: Black\nPower: 30 W"),
    )

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    product = Product.objects.get(pk=rejected.pk)
    assert (product.title, product.review_status, product.review_note, product.is_active) == (
        "Zonkwave Boombox 3000 (Black)",
        Product.ReviewStatus.PENDING,
        "",
        False,
    )
    assert product.attributes == {"Colour": "Black", "Power": "30 W"}
    assert product.submitted_at > rejected.submitted_at
    assert list(product.images.all()) == [old_picture]
    entry = AuditEntry.objects.get(action="product.resubmitted")
    assert entry.reason == REASON
    assert entry.seller_id == world["seller"].pk
    assert entry.before["review_status"] == "rejected"
    assert entry.before["title"] == "Zonkwave Boombox 3000"
    assert entry.after["title"] == "Zonkwave Boombox 3000 (Black)"
    assert "description" not in entry.after  # unchanged fields are not recorded
    assert "Waiting for review" in text(owner_client.get(LIST_URL))
    # The shopper still cannot see it; staff can now approve it from the same queue.
    assert Client().get(product.get_absolute_url()).status_code == 404
    product_review_approve(product=product, actor=UserFactory(is_staff=True))
    assert Client().get(product.get_absolute_url()).status_code == 200


def test_new_pictures_replace_the_old_ones_and_their_files(
    owner_client,  # noqa: F811
    world,  # noqa: F811
    rejected,
    media,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (old_picture,) = rejected.images.all()
    old_file = media / old_picture.image.name
    old_renditions = [rendition_name(old_picture.image.name, width) for width in RENDITION_WIDTHS]
    assert old_file.exists()
    assert all((media / name).exists() for name in old_renditions)  # 600 px wide: all three

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            edit_url(rejected),
            correction(world, images=[picture(name="a.png"), picture("JPEG", (800, 600), "b.jpg")]),
        )

    assert response.status_code == 302
    images = list(ProductImage.objects.filter(product=rejected).order_by("position"))
    assert [(image.width, image.height) for image in images] == [(600, 400), (800, 600)]
    assert not ProductImage.objects.filter(pk=old_picture.pk).exists()
    assert not old_file.exists()
    assert not any((media / name).exists() for name in old_renditions)
    assert (media / rendition_name(images[1].image.name, 480)).exists()
    assert AuditEntry.objects.get(action="product.resubmitted").after["pictures"] == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the title."),
        ({"gtin": "4006381333932"}, "That GTIN is not valid"),
        ({"attributes": "no colon here"}, "Write each key attribute as"),
        ({"weight_grams": "-3"}, "The weight is a whole number of grams"),
        ({"images": [picture(name="x.png")] * 9}, "Add at most 8 pictures."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    owner_client,  # noqa: F811
    world,  # noqa: F811
    rejected,
    media,  # noqa: F811
    changes,
    message,
):
    files_before = sorted(media_files(media))
    response = owner_client.post(edit_url(rejected), correction(world, **changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    product = Product.objects.get(pk=rejected.pk)
    assert (product.title, product.review_status, product.review_note) == (
        "Zonkwave Boombox 3000",
        "rejected",
        REASON,
    )
    assert product.images.count() == 1
    assert sorted(media_files(media)) == files_before
    assert not AuditEntry.objects.filter(action="product.resubmitted").exists()


def test_a_gtin_of_another_product_is_refused(owner_client, world, rejected):  # noqa: F811
    ProductFactory(gtin="96385074")
    response = owner_client.post(edit_url(rejected), correction(world, gtin="96385074"))
    assert response.status_code == 400
    assert "A product with GTIN 96385074 is already in the catalog" in response.content.decode()
    assert Product.objects.get(pk=rejected.pk).gtin == "4006381333931"


def test_only_a_rejected_product_of_this_seller_can_be_corrected(owner_client, world, rejected):  # noqa: F811
    pending = ProductFactory(submitted_by_seller=world["seller"], review_status="pending", is_active=False)
    approved = ProductFactory(submitted_by_seller=world["seller"], review_status="approved")
    rivals = ProductFactory(
        submitted_by_seller=SellerMemberFactory().seller, review_status="rejected", is_active=False
    )
    for product in (pending, approved, rivals):
        assert owner_client.get(edit_url(product)).status_code == 404
        assert owner_client.post(edit_url(product), correction(world)).status_code == 404
    assert not AuditEntry.objects.filter(action="product.resubmitted").exists()
    assert owner_client.get("/seller/products/99999999/edit/").status_code == 404


@pytest.mark.parametrize("role", [SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE])
def test_roles_without_listings_get_404(client, world, rejected, role):  # noqa: F811
    client.force_login(SellerMemberFactory(seller=world["seller"], role=role).user)
    assert client.get(edit_url(rejected)).status_code == 404
    assert client.post(edit_url(rejected), correction(world, title="Hacked")).status_code == 404
    assert Product.objects.get(pk=rejected.pk).title == "Zonkwave Boombox 3000"


def test_a_product_sent_again_cannot_be_sent_twice(owner_client, world, rejected):  # noqa: F811
    assert owner_client.post(edit_url(rejected), correction(world)).status_code == 302
    assert owner_client.post(edit_url(rejected), correction(world, title="Again")).status_code == 404
    assert AuditEntry.objects.filter(action="product.resubmitted").count() == 1
