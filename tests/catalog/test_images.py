import io

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from catalog import images
from catalog.models import ProductImage
from catalog.services import product_image_renditions_create, product_refresh_buy_box
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Give each test its own MEDIA_ROOT and forget the renditions seen by earlier tests."""
    settings.MEDIA_ROOT = tmp_path
    images._known.clear()
    yield tmp_path
    images._known.clear()


def jpeg(width=600, height=600, colour="navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG")
    return out.getvalue()


def picture(product, *, name="products/mug.jpg", width=600, height=600, position=0) -> ProductImage:
    """Store an original and return its ProductImage, without renditions."""
    saved = default_storage.save(name, ContentFile(jpeg(width, height)))
    return ProductImage.objects.create(
        product=product, image=saved, width=width, height=height, alt_text="Mug", position=position
    )


def listed_product(**fields):
    product = ProductFactory(**fields)
    offer = OfferFactory(product=product)
    StockFactory(offer=offer, on_hand=5)
    product_refresh_buy_box(product_ids=[product.pk])
    return product


def stored_size(name: str) -> tuple[str, tuple[int, int]]:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as opened:
        return opened.format, opened.size


def test_rendition_names_follow_the_original():
    assert (
        images.rendition_name("products/2025/01/mug.jpg", 240) == "renditions/products/2025/01/mug-240w.webp"
    )
    assert images.rendition_widths(600) == [128, 240, 480]
    assert images.rendition_widths(300) == [128, 240]
    assert images.rendition_widths(128) == []
    assert images.rendition_widths(None) == []


def test_renditions_are_webp_at_each_width_and_never_enlarged():
    image = picture(ProductFactory(), width=600, height=450)
    small = picture(ProductFactory(), name="products/small.jpg", width=200, height=100)

    names = product_image_renditions_create(product_image=image)
    small_names = product_image_renditions_create(product_image=small)

    assert names == [
        "renditions/products/mug-128w.webp",
        "renditions/products/mug-240w.webp",
        "renditions/products/mug-480w.webp",
    ]
    assert [stored_size(name) for name in names] == [
        ("WEBP", (128, 96)),
        ("WEBP", (240, 180)),
        ("WEBP", (480, 360)),
    ]
    assert small_names == ["renditions/products/small-128w.webp"]
    assert stored_size(small_names[0]) == ("WEBP", (128, 64))


def test_existing_renditions_are_kept_unless_replaced(media):
    image = picture(ProductFactory())
    [first, *_] = product_image_renditions_create(product_image=image)
    (media / first).write_bytes(b"stale")

    product_image_renditions_create(product_image=image)
    assert (media / first).read_bytes() == b"stale"

    product_image_renditions_create(product_image=image, replace=True)
    assert stored_size(first) == ("WEBP", (128, 128))


def test_product_card_serves_a_rendition_with_srcset_sizes_and_lazy_loading():
    product = listed_product(title="Blue mug", slug="blue-mug")
    image = picture(product)
    product_image_renditions_create(product_image=image)

    html = Client().get("/search/", {"q": "mug"}).content.decode()

    assert (
        '<img src="/media/renditions/products/mug-240w.webp" '
        'srcset="/media/renditions/products/mug-128w.webp 128w, '
        "/media/renditions/products/mug-240w.webp 240w, "
        '/media/renditions/products/mug-480w.webp 480w, /media/products/mug.jpg 600w" '
        'sizes="(min-width: 40em) 14rem, 45vw" alt="Mug" loading="lazy" decoding="async" '
        'width="600" height="600">'
    ) in html


def test_gallery_thumbnails_serve_the_smallest_rendition():
    product = listed_product(title="Blue mug", slug="blue-mug")
    main = picture(product)
    picture(product, name="products/mug-side.jpg", position=1)

    html = Client().get("/p/blue-mug/").content.decode()

    assert (
        '<img src="/media/renditions/products/mug-side-128w.webp" '
        'srcset="/media/renditions/products/mug-side-128w.webp 128w, '
        "/media/renditions/products/mug-side-240w.webp 240w, "
        '/media/renditions/products/mug-side-480w.webp 480w, /media/products/mug-side.jpg 600w" '
        'sizes="4rem" alt="Show image 2: Mug" width="64" height="64" loading="lazy" decoding="async">'
    ) in html
    # The main picture stays the original: it is shown about as wide as it is.
    assert f'<img src="/media/{main.image.name}" alt="Mug" width="600" height="600" decoding="async">' in html


def test_a_page_writes_renditions_the_image_lacks(media):
    product = listed_product(title="Blue mug", slug="blue-mug")
    picture(product)  # stored without the service, as an admin upload is

    html = Client().get("/search/", {"q": "mug"}).content.decode()

    assert 'src="/media/renditions/products/mug-240w.webp"' in html
    assert sorted(p.name for p in (media / "renditions" / "products").iterdir()) == [
        "mug-128w.webp",
        "mug-240w.webp",
        "mug-480w.webp",
    ]


def test_an_unreadable_original_is_shown_as_it_is(media, caplog):
    product = listed_product(title="Blue mug", slug="blue-mug")
    ProductImage.objects.create(
        product=product, image="products/gone.jpg", width=600, height=600, alt_text="Gone"
    )

    html = Client().get("/search/", {"q": "mug"}).content.decode()

    assert '<img src="/media/products/gone.jpg" srcset="/media/products/gone.jpg 600w"' in html
    assert "No renditions for product image products/gone.jpg" in caplog.text
    assert not (media / "renditions").exists()


def test_backfill_command_writes_each_original_once_and_reports_unreadable(media):
    product = ProductFactory()
    picture(product)
    ProductImage.objects.create(product=ProductFactory(), image="products/mug.jpg", width=600, height=600)
    ProductImage.objects.create(product=product, image="products/gone.jpg", width=600, height=600)
    out, err = io.StringIO(), io.StringIO()

    call_command("product_image_renditions", stdout=out, stderr=err)

    assert out.getvalue() == "Renditions checked for 1 pictures; 1 could not be read.\n"
    assert err.getvalue().startswith("products/gone.jpg: ")
    assert sorted(p.name for p in (media / "renditions" / "products").iterdir()) == [
        "mug-128w.webp",
        "mug-240w.webp",
        "mug-480w.webp",
    ]


def test_pillow_refuses_pictures_over_the_pixel_limit():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_IMAGE_PIXELS == 25_000_000
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, format="PNG")  # 56 MP, over twice the limit
    upload = SimpleUploadedFile("huge.png", out.getvalue(), content_type="image/png")

    with pytest.raises(forms.ValidationError) as raised:
        forms.ImageField().clean(upload)

    assert raised.value.code == "invalid_image"


def test_a_picture_uploaded_in_the_admin_gets_its_renditions_at_once(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    product = ProductFactory()

    response = client.post(
        "/admin/catalog/productimage/add/",
        {
            "product": product.pk,
            "image": SimpleUploadedFile("kettle.jpg", jpeg(width=600, height=600), content_type="image/jpeg"),
            "alt_text": "Kettle, front",
            "position": 0,
        },
    )

    assert response.status_code == 302
    image = ProductImage.objects.get(product=product)
    for width in (128, 240, 480):
        assert default_storage.exists(images.rendition_name(image.image.name, width))
