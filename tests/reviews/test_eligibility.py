"""Who may review: a buyer with a delivered line of the family, once per family (DESIGN decision 9)."""

import pytest

from fulfillment.models import Shipment
from marketplace.core.errors import ApplicationError
from reviews.eligibility import ALREADY_REVIEWED, NOT_DELIVERED, review_eligibility
from reviews.models import Review
from reviews.services import review_create
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.reviews.review_data import delivered_line, variation_family

pytestmark = pytest.mark.django_db


def write(user, product, **fields):
    return review_create(
        user=user,
        product=product,
        rating=fields.pop("rating", 5),
        title="Does the job",
        body=fields.pop("body", "Sturdy, arrived quickly and works as described."),
        **fields,
    )


def test_a_buyer_whose_line_was_delivered_may_review():
    line = delivered_line()
    review = write(line.seller_order.order.user, line.product)
    assert review.status == Review.Status.PUBLISHED
    assert review.order_line == line and review.verified_purchase


@pytest.mark.parametrize(
    "status", [Shipment.Status.LABEL_CREATED, Shipment.Status.IN_TRANSIT, Shipment.Status.EXCEPTION]
)
def test_a_line_not_delivered_yet_does_not_entitle(status):
    line = delivered_line(status=status)
    with pytest.raises(ApplicationError, match=NOT_DELIVERED):
        write(line.seller_order.order.user, line.product)
    assert not Review.objects.exists()


def test_a_delivered_return_parcel_does_not_count_as_a_delivery():
    line = delivered_line(direction=Shipment.Direction.RETURN)
    with pytest.raises(ApplicationError, match=NOT_DELIVERED):
        write(line.seller_order.order.user, line.product)


def test_someone_who_did_not_buy_it_is_refused():
    line = delivered_line()
    with pytest.raises(ApplicationError, match=NOT_DELIVERED):
        write(UserFactory(), line.product)
    with pytest.raises(ApplicationError, match="Sign in"):
        review_eligibility(user=None, product=line.product)


def test_a_buyer_of_another_product_is_refused():
    line = delivered_line()
    with pytest.raises(ApplicationError, match=NOT_DELIVERED):
        write(line.seller_order.order.user, ProductFactory())


def test_a_refunded_order_that_never_arrived_is_refused():
    from orders.models import Order

    line = delivered_line(status=Shipment.Status.RETURNED_TO_SENDER)
    Order.objects.filter(pk=line.seller_order.order_id).update(status=Order.Status.CANCELLED)
    with pytest.raises(ApplicationError, match=NOT_DELIVERED):
        write(line.seller_order.order.user, line.product)


def test_a_variation_is_reviewed_on_its_family_with_what_was_bought():
    parent, (small, medium, _large) = variation_family()
    line = delivered_line(product=medium)
    review = write(line.seller_order.order.user, medium)
    assert review.product == parent and review.purchased_product == medium
    assert review.variation_label == "Size: M"


def test_one_review_per_family_whichever_variation_is_asked_for():
    parent, (small, medium, _large) = variation_family()
    user = UserFactory()
    delivered_line(user=user, product=small)
    delivered_line(user=user, product=medium)
    write(user, small)
    for product in (small, medium, parent):
        with pytest.raises(ApplicationError, match=ALREADY_REVIEWED):
            write(user, product)
    assert Review.objects.count() == 1


def test_the_family_parent_page_lets_a_buyer_of_a_variation_review():
    parent, (small, *_rest) = variation_family()
    line = delivered_line(product=small)
    assert write(line.seller_order.order.user, parent).product == parent
