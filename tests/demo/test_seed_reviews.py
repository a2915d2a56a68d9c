"""The demo's past orders, reviews and feedback: every rating figure is a count of rows that read true."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from catalog.models import Product
from fulfillment.models import OrderDefect, SellerScorecard, Shipment, Stock
from marketplace.core.errors import ApplicationError
from marketplace.demo.generator import SELLER_PROFILES
from marketplace.demo.past_orders import STRUGGLING
from marketplace.demo.reviews import seed_reviews
from marketplace.demo.reviews.phrases import TITLES
from marketplace.demo.seed import seed_demo
from orders.models import Order, OrderLine, SellerOrder, StockAllocation
from payments.ledger import ledger_available
from payments.models import LedgerEntry, Payment, Payout, SandboxPayment
from reviews.aggregates import aggregates_drift
from reviews.eligibility import ALREADY_REVIEWED, delivered_lines, review_eligibility
from reviews.models import (
    ProductRating,
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewRequest,
    ReviewVote,
    SellerFeedback,
    SellerReply,
)
from reviews.moderation import normalized, text_reasons
from sellers.models import Seller, SellerMember
from tests.demo.conftest import SEED, SMALL

RS = Review.Status
# Enough products for a few hundred reviews: the distribution's shape shows.
MANY = 300


def _reviews_snapshot():
    """What the same seed must give again: each review's family, author, words and standing."""
    return sorted(
        Review.objects.values_list(
            "product__slug",
            "purchased_product__slug",
            "author__email",
            "rating",
            "title",
            "body",
            "variation_label",
            "status",
            "helpful_count",
            "report_count",
            "photo_count",
        )
    ), sorted(
        SellerFeedback.objects.values_list(
            "seller_order__number", "seller__slug", "author__email", "rating", "comment"
        )
    )


@pytest.fixture
def history(db):
    """A demo catalog of about 300 products with its past orders, reviews and feedback (no stories)."""
    seed_demo(products=MANY, seed=SEED, orders=False)
    return seed_reviews(seed=SEED)


def test_every_rating_figure_is_a_count_of_published_reviews(history):
    rated = Product.objects.filter(rating_count__gt=0)
    assert rated.count() > 100
    published = Counter(Review.objects.filter(status=RS.PUBLISHED).values_list("product_id", flat=True))
    assert {p.pk: p.rating_count for p in rated} == dict(published)
    ratings = {r.product_id: r for r in ProductRating.objects.all()}
    for product in rated:
        assert ratings[product.pk].count == product.rating_count
    # Reviews belong to families: a variation has no figures of its own.
    assert not Product.objects.filter(parent__isnull=False, rating_count__gt=0).exists()
    assert sum(r.with_photos for r in ratings.values()) == (
        Review.objects.filter(status=RS.PUBLISHED, photo_count__gt=0).count()
    )
    sellers = Seller.objects.filter(rating_count__gt=0)
    feedback = Counter(SellerFeedback.objects.values_list("seller_id", flat=True))
    assert {s.pk: s.rating_count for s in sellers} == dict(feedback)
    assert len({s.rating_average for s in sellers}) > 5
    assert aggregates_drift() == []


def test_every_review_is_by_a_buyer_of_the_family_whose_parcel_was_delivered(history):
    reviews = Review.objects.select_related("author", "product", "order_line__seller_order__order")
    assert reviews.count() == history.reviews > 300
    for review in reviews:
        line = review.order_line
        assert line.seller_order.order.user_id == review.author_id
        assert line.product_id == review.purchased_product_id
        assert line in delivered_lines(user=review.author, family=review.product)
        assert review.created_at > line.seller_order.delivered_at
        with pytest.raises(ApplicationError, match=ALREADY_REVIEWED):
            review_eligibility(user=review.author, product=review.product)
    assert Review.objects.exclude(variation_label="").count() == (
        Review.objects.filter(purchased_product__parent__isnull=False).count()
    )
    assert Review.objects.exclude(variation_label="").exists()


def test_stars_are_j_shaped_and_review_counts_skewed(history):
    stars = Counter(Review.objects.filter(status=RS.PUBLISHED).values_list("rating", flat=True))
    total = sum(stars.values())
    assert stars.most_common(1)[0][0] == 5
    assert 0.45 < stars[5] / total < 0.7
    assert stars[1] > stars[2] and stars[4] > stars[3]
    counts = sorted(Product.objects.filter(parent=None).values_list("rating_count", flat=True))
    assert sum(1 for n in counts if n <= 5) > len(counts) / 2
    assert counts[-1] >= 20


def test_review_texts_read_as_reviews_and_only_held_ones_trip_moderation(history):
    published = Review.objects.filter(status=RS.PUBLISHED)
    for review in published:
        assert text_reasons(review.title, review.body) == []
    lengths = sorted(len(body) for body in published.values_list("body", flat=True))
    assert lengths[0] < 60 and lengths[-1] > 500
    assert published.filter(body__contains="\n\n").exists()
    texts_of = Counter(
        (product, normalized(body)) for product, body in Review.objects.values_list("product_id", "body")
    )
    assert all(n == 1 for (_, text), n in texts_of.items() if len(text) >= 20)  # moderation would hold it
    held = Review.objects.filter(status=RS.PENDING)
    assert held.exists()
    for review in held:
        assert review.held_reasons and review.held_reasons == text_reasons(review.title, review.body)
        assert review.published_at is None and review.helpful_count == 0
    for stars in (1, 5):
        assert set(published.filter(rating=stars).values_list("title", flat=True)) <= set(TITLES[stars])


def test_votes_photos_reports_and_replies_are_rows_behind_the_counts(history):
    reviews = Review.objects.annotate(
        votes_n=Count("votes", distinct=True), reports_n=Count("reports", distinct=True)
    )
    assert not reviews.exclude(helpful_count=F("votes_n")).exists()
    assert not reviews.exclude(report_count=F("reports_n")).exists()
    assert not ReviewVote.objects.filter(user=F("review__author")).exists()
    assert not ReviewReport.objects.filter(user=F("review__author")).exists()
    assert Review.objects.filter(helpful_count__gte=5).exists()
    assert Review.objects.filter(helpful_count=0).count() > Review.objects.count() / 3
    photos = ReviewPhoto.objects.all()
    assert photos.exists()
    assert all(default_storage.exists(name) for name in set(photos.values_list("image", flat=True)))
    replies = SellerReply.objects.select_related("review__order_line__seller_order")
    share = replies.count() / Review.objects.filter(status=RS.PUBLISHED).count()
    assert 0.05 < share < 0.2
    owners = dict(SellerMember.objects.filter(role="owner").values_list("seller_id", "user_id"))
    for reply in replies:
        assert reply.seller_id == reply.review.order_line.seller_order.seller_id  # the seller who sold it
        assert reply.author_id == owners.get(reply.seller_id)
        assert reply.status == "published" and text_reasons(reply.body) == []
    assert ReviewReport.objects.exists()


def test_feedback_is_on_about_half_the_seller_orders_and_mostly_positive(history):
    delivered = SellerOrder.objects.filter(status=SellerOrder.Status.DELIVERED).count()
    feedback = SellerFeedback.objects.all()
    assert 0.35 < feedback.count() / delivered < 0.55
    stars = Counter(feedback.values_list("rating", flat=True))
    assert (stars[4] + stars[5]) / feedback.count() > 0.8
    assert not feedback.exclude(author=F("seller_order__order__user")).exists()
    assert not feedback.exclude(seller=F("seller_order__seller")).exists()
    assert not feedback.filter(created_at__lt=F("seller_order__delivered_at")).exists()
    negative = feedback.filter(rating__lte=2)
    defects = OrderDefect.objects.filter(kind=OrderDefect.Kind.NEGATIVE_FEEDBACK)
    assert sorted(defects.values_list("source_id", flat=True)) == sorted(
        str(pk) for pk in negative.values_list("pk", flat=True)
    )
    window = timezone.now() - timedelta(days=90)
    assert not negative.filter(seller_order__order__placed_at__gt=window).exists()


def test_past_orders_are_paid_delivered_and_posted_and_leave_stock_alone(db):
    seed_demo(products=SMALL, seed=SEED, orders=False)
    stock = list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved"))

    seeded = seed_reviews(seed=SEED)

    assert seeded.orders > 50
    assert list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved")) == stock
    orders = Order.objects.all()
    assert set(orders.values_list("status", flat=True)) == {Order.Status.COMPLETED}
    assert not orders.exclude(
        total_amount=F("subtotal_amount") + F("shipping_amount") + F("tax_amount")
    ).exists()
    assert not orders.filter(placed_at__gt=timezone.now() - timedelta(days=8)).exists()
    payments = Payment.objects.filter(status=Payment.Status.SUCCEEDED)
    assert payments.count() == orders.count() == SandboxPayment.objects.count()
    assert (
        payments.aggregate(total=Sum("amount"))["total"]
        == orders.aggregate(total=Sum("total_amount"))["total"]
    )
    assert set(SellerOrder.objects.values_list("status", flat=True)) == {SellerOrder.Status.DELIVERED}
    assert LedgerEntry.objects.filter(kind="sale").count() == SellerOrder.objects.count()
    assert not StockAllocation.objects.exclude(status=StockAllocation.Status.SHIPPED).exists()
    lines = OrderLine.objects.annotate(shipped=Sum("shipment_lines__quantity"))
    assert not lines.exclude(shipped=F("quantity")).exists()
    assert not Shipment.objects.exclude(status=Shipment.Status.DELIVERED).exists()
    assert not Shipment.objects.filter(
        Q(created_at__lt=F("seller_order__order__paid_at")) | Q(delivered_at__lt=F("picked_up_at"))
    ).exists()
    assert ReviewRequest.objects.count() == OrderLine.objects.count()
    assert not ReviewRequest.objects.filter(sent_at__gt=timezone.now()).exists()


def test_seeding_twice_gives_the_same_reviews_and_a_second_run_adds_nothing(db):
    seed_demo(products=SMALL, seed=SEED, orders=False)
    with transaction.atomic():
        seed_reviews(seed=SEED)
        first = _reviews_snapshot()
        transaction.set_rollback(True)
    assert not Review.objects.exists()

    seed_reviews(seed=SEED)
    counts = (Order.objects.count(), Review.objects.count(), ReviewVote.objects.count())
    again = seed_reviews(seed=SEED)

    assert _reviews_snapshot() == first
    assert first[0] and first[1]
    assert again.orders == 0
    assert (Order.objects.count(), Review.objects.count(), ReviewVote.objects.count()) == counts


def test_seed_demo_with_its_stories_keeps_scorecards_and_pays_sellers_out_weekly(db, client):
    seed_demo(products=SMALL, seed=SEED)

    assert aggregates_drift() == []
    breached = SellerScorecard.objects.exclude(breaches=[]).values_list("seller__slug", flat=True)
    assert list(breached) == [SELLER_PROFILES[STRUGGLING].slug]
    payouts = Payout.objects.filter(status=Payout.Status.PAID)
    assert payouts.exists()
    assert payouts.values("seller", "period_end").distinct().count() == payouts.count()
    assert all(p.period_end.weekday() == 6 for p in payouts)
    assert LedgerEntry.objects.filter(kind="payout").count() == payouts.count()
    for payout in payouts.select_related("seller"):
        # Each payout took what the real rule made available at its run, to the cent.
        run = payout.created_at + timedelta(seconds=1)
        assert ledger_available(seller=payout.seller, now=run, cutoff=payout.period_end) == Decimal("0.00")
    # The pages of a past order show it, to its buyer and to its seller (one with a login).
    review = (
        Review.objects.filter(status=RS.PUBLISHED, order_line__seller_order__seller__members__isnull=False)
        .select_related("order_line__seller_order__order")
        .order_by("pk")
        .first()
    )
    order = review.order_line.seller_order.order
    client.force_login(review.author)
    assert client.get(reverse("orders:order-detail", kwargs={"number": order.number})).status_code == 200
    parcel = order.seller_orders.get().shipments.get()
    assert (
        client.get(reverse("tracking:parcel", kwargs={"tracking_number": parcel.tracking_number})).status_code
        == 200
    )
    family = review.product
    page = client.get(reverse("reviews:product", kwargs={"slug": family.slug}))
    assert page.status_code == 200
    assert escape(review.title) in page.content.decode()
    assert client.get(reverse("catalog:product-detail", kwargs={"slug": family.slug})).status_code == 200
    # And the seller's: its order page, its statement of last year.
    seller_order = order.seller_orders.get()
    client.force_login(SellerMember.objects.filter(seller=seller_order.seller).order_by("pk").first().user)
    detail = client.get(reverse("seller:order-detail", kwargs={"number": seller_order.number}))
    assert detail.status_code == 200 and parcel.tracking_number in detail.content.decode()
