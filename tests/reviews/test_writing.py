"""Bad input to a review changes nothing and says why; authors edit and delete; aggregates follow."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product
from marketplace.core.errors import ApplicationError
from orders.seller_central.selectors import buyer_short_name
from reviews.models import ProductRating, Review, ReviewPhoto
from reviews.services import review_create, review_delete, review_update
from tests.accounts.factories import UserFactory
from tests.reviews.review_data import delivered_line

pytestmark = pytest.mark.django_db

BODY = "Sturdy, arrived quickly and works as described."


def png(width=40, height=30, colour="red", fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format=fmt)
    return SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def buyer_line():
    line = delivered_line()
    return line.seller_order.order.user, line.product


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rating": 0}, "from 1 to 5"),
        ({"rating": 6}, "from 1 to 5"),
        ({"rating": "4.5"}, "from 1 to 5"),
        ({"rating": "9" * 5000}, "from 1 to 5"),
        ({"rating": None}, "from 1 to 5"),
        ({"title": "   "}, "title cannot be empty"),
        ({"title": "x" * 121}, "at most 120"),
        ({"body": ""}, "review cannot be empty"),
        ({"body": "a" * 20_000}, "at most 5,000"),
        ({"body": "nul \x00 byte"}, "cannot be shown"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(buyer_line, fields, message):
    user, product = buyer_line
    values = {"rating": 4, "title": "Fine", "body": BODY, **fields}
    with pytest.raises(ApplicationError, match=message):
        review_create(user=user, product=product, **values)
    assert not Review.objects.exists() and not ProductRating.objects.exists()


def test_html_is_stored_as_text(buyer_line):
    user, product = buyer_line
    review = review_create(
        user=user, product=product, rating=3, title="<b>bold</b>", body="<script>alert(1)</script> ok then"
    )
    assert review.title == "<b>bold</b>"


def test_photos_are_reencoded_and_counted(buyer_line, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, product = buyer_line
    review = review_create(
        user=user, product=product, rating=5, title="Lovely", body=BODY, photos=[png(), png(fmt="WEBP")]
    )
    photos = list(review.photos.all())
    assert len(photos) == 2 and review.photo_count == 2
    assert all(photo.image.name.endswith(".jpg") for photo in photos)
    with Image.open(photos[0].image.path) as stored:
        assert stored.format == "JPEG" and not stored.info.get("exif")
    assert ProductRating.objects.get(product=product).with_photos == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.jpg", b"not a picture at all", content_type="image/jpeg"), "not a picture"),
        (None, "too many pixels"),
    ],
)
def test_a_photo_that_is_not_an_image_or_a_bomb_is_refused(buyer_line, settings, tmp_path, upload, message):
    settings.MEDIA_ROOT = tmp_path
    user, product = buyer_line
    if upload is None:  # 6000 x 6000 pixels of one colour: a few KB of PNG, 108 MB decoded
        upload = png(6000, 6000, "white")
    with pytest.raises(ApplicationError, match=message):
        review_create(user=user, product=product, rating=5, title="Lovely", body=BODY, photos=[upload])
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_at_most_five_photos(buyer_line, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, product = buyer_line
    with pytest.raises(ApplicationError, match="at most 5 photos"):
        review_create(user=user, product=product, rating=5, title="t", body=BODY, photos=[png()] * 6)


def test_an_edit_moves_the_aggregate_and_only_the_author_may(buyer_line):
    user, product = buyer_line
    review = review_create(user=user, product=product, rating=5, title="Great", body=BODY)
    with pytest.raises(ApplicationError, match="Only its author"):
        review_update(review=review, user=UserFactory(), rating=1, title="x", body=BODY)
    review_update(
        review=review, user=user, rating=2, title="Broke after a week", body=BODY + " Then it broke."
    )
    rating = ProductRating.objects.get(product=product)
    assert rating.histogram == {5: 0, 4: 0, 3: 0, 2: 1, 1: 0}
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("2.00"), 1)


def test_a_delete_withdraws_it_and_the_buyer_may_write_again(buyer_line):
    user, product = buyer_line
    review = review_create(user=user, product=product, rating=4, title="Good", body=BODY)
    with pytest.raises(ApplicationError, match="Only its author"):
        review_delete(review=review, user=UserFactory())
    review_delete(review=review, user=user)
    product.refresh_from_db()
    assert product.rating_count == 0 and product.rating_average == 0
    review_create(user=user, product=product, rating=3, title="Second go", body=BODY)
    assert Product.objects.get(pk=product.pk).rating_count == 1


def test_the_search_document_follows_the_rating(buyer_line):
    from catalog.models import ProductSearchDocument
    from catalog.search.indexing import search_index_refresh

    user, product = buyer_line
    search_index_refresh(product_ids=[product.pk])
    review_create(user=user, product=product, rating=4, title="Good", body=BODY)
    document = ProductSearchDocument.objects.get(product=product)
    assert (document.rating_average, document.rating_count) == (Decimal("4.00"), 1)


def stored_files(root):
    return (
        sorted(path.name for path in (root / "reviews").rglob("*.jpg")) if (root / "reviews").exists() else []
    )


def test_a_failed_save_leaves_no_photo_file_behind(buyer_line, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    user, product = buyer_line

    def fail(**_kwargs):
        raise RuntimeError("aggregate down")

    monkeypatch.setattr("reviews.services.aggregates.product_rating_move", fail)
    with pytest.raises(RuntimeError):
        review_create(user=user, product=product, rating=5, title="Lovely", body=BODY, photos=[png(), png()])
    assert not ReviewPhoto.objects.exists() and stored_files(tmp_path) == []


def test_an_edit_deletes_removed_photo_files_on_commit_and_keeps_them_on_rollback(
    buyer_line, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    user, product = buyer_line
    review = review_create(
        user=user, product=product, rating=5, title="Lovely", body=BODY, photos=[png(), png()]
    )
    first, second = review.photos.all()
    assert (first.width, first.height) == (40, 30)
    kept = sorted([first.image.name.rsplit("/", 1)[1], second.image.name.rsplit("/", 1)[1]])

    def fail(**_kwargs):
        raise RuntimeError("aggregate down")

    with monkeypatch.context() as patch:
        patch.setattr("reviews.services.aggregates.product_rating_move", fail)
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            review_update(
                review=review,
                user=user,
                rating=4,
                title="t",
                body=BODY,
                photos=[png()],
                photos_remove=[first.pk],
            )
    assert stored_files(tmp_path) == kept and review.photos.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        edited = review_update(
            review=review,
            user=user,
            rating=4,
            title="t",
            body=BODY,
            photos=[png(colour="blue")],
            photos_remove=[first.pk],
        )
    assert edited.photo_count == 2 == edited.photos.count()
    names = sorted(photo.image.name.rsplit("/", 1)[1] for photo in edited.photos.all())
    assert stored_files(tmp_path) == names and first.image.name.rsplit("/", 1)[1] not in names

    with django_capture_on_commit_callbacks(execute=True):
        review_delete(review=edited, user=user)
    assert stored_files(tmp_path) == []


def test_the_author_name_is_first_name_and_initial_never_the_email():
    named = delivered_line(user=UserFactory(full_name="Ada Byron Lovelace"))
    nameless = delivered_line(user=UserFactory(full_name=""))
    written = [
        review_create(user=line.seller_order.order.user, product=line.product, rating=4, title="t", body=BODY)
        for line in (named, nameless)
    ]
    assert written[0].author_name == "Ada L."
    ship_name = nameless.seller_order.order.ship_full_name
    assert written[1].author_name == buyer_short_name(ship_name) and "@" not in written[1].author_name
