"""Aggregates stay equal to a recount, whatever the sequence of changes, and under real concurrency."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Product
from marketplace.core.errors import ApplicationError
from reviews.aggregates import aggregates_drift, rating_average
from reviews.models import ProductRating, Review
from reviews.services import (
    review_create,
    review_delete,
    review_publish,
    review_reject,
    review_remove,
    review_update,
    review_vote,
)
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.concurrency import run_together
from tests.reviews.review_data import delivered_line, variation_family

CLEAN = "Solid build, does what it says, would buy again."
HELD = "Great, more at www.cheap-copies.com for less."  # a link: held by the checks

USERS, PRODUCTS = 3, 2
operation = st.one_of(
    st.tuples(
        st.sampled_from(["create", "edit"]),
        st.integers(0, USERS - 1),
        st.integers(0, PRODUCTS - 1),
        st.integers(1, 5),
        st.booleans(),
    ),
    st.tuples(
        st.sampled_from(["delete", "publish", "reject", "remove"]),
        st.integers(0, USERS - 1),
        st.integers(0, PRODUCTS - 1),
    ),
)


def test_rating_average_rounds_half_up():
    assert rating_average({5: 1, 4: 1, 3: 0, 2: 0, 1: 0}) == Decimal("4.50")
    assert rating_average({5: 2, 4: 0, 3: 0, 2: 0, 1: 1}) == Decimal("3.67")
    assert rating_average(dict.fromkeys(range(1, 6), 0)) == Decimal("0.00")


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_any_sequence_of_changes_keeps_the_aggregates_equal_to_a_recount(operations):
    staff = UserFactory(is_staff=True)
    families = [
        variation_family()[0],
        Product.objects.create(
            title="Solo", slug=f"solo-{staff.pk}", category=variation_family()[0].category
        ),
    ]
    users = [UserFactory() for _ in range(USERS)]
    for user in users:
        delivered_line(user=user, product=families[0].variants.first())
        delivered_line(user=user, product=families[1])
    for op, user_index, product_index, *rest in operations:
        user, family = users[user_index], families[product_index]
        review = Review.objects.filter(author=user, product=family).first()
        try:
            if op == "create":
                stars, held = rest
                review_create(
                    user=user, product=family, rating=stars, title="t", body=HELD if held else CLEAN
                )
            elif review is None:
                continue
            elif op == "edit":
                stars, held = rest
                review_update(
                    review=review, user=user, rating=stars, title="t2", body=HELD if held else CLEAN
                )
            elif op == "delete":
                review_delete(review=review, user=user)
            elif op == "publish":
                review_publish(review=review, staff=staff)
            elif op == "reject":
                review_reject(review=review, staff=staff, reason="Not about the product.")
            elif op == "remove":
                review_remove(review=review, staff=staff, reason="Abusive.")
        except ApplicationError:
            pass
    assert aggregates_drift(product_ids=[family.pk for family in families]) == []
    for family in families:
        published = Review.objects.filter(product=family, status=Review.Status.PUBLISHED)
        family.refresh_from_db()
        assert family.rating_count == published.count()


@pytest.mark.django_db
def test_ratings_check_reports_and_repairs_drift(capsys):
    line = delivered_line()
    review_create(user=line.seller_order.order.user, product=line.product, rating=4, title="t", body=CLEAN)
    Seller.objects.update(rating_average=0, rating_count=0)  # the factory's made-up figures
    call_command("ratings_check")
    Product.objects.filter(pk=line.product_id).update(rating_count=7)
    ProductRating.objects.filter(product_id=line.product_id).update(stars_1=3)
    with pytest.raises(CommandError, match="1 rating"):
        call_command("ratings_check")
    call_command("ratings_check", "--repair")
    assert aggregates_drift(product_ids=[line.product_id]) == []
    product = Product.objects.get(pk=line.product_id)
    assert (product.rating_average, product.rating_count) == (Decimal("4.00"), 1)


@pytest.mark.django_db(transaction=True)
def test_reviews_and_votes_at_the_same_instant_keep_the_figures_exact():
    parent, children = variation_family(values=("S", "M", "L", "XL", "XXL", "3XL"))
    lines = [delivered_line(product=child) for child in children]
    outcomes = run_together(
        len(lines),
        lambda i: review_create(
            user=lines[i].seller_order.order.user,
            product=children[i],
            rating=i % 5 + 1,
            title="t",
            body=f"{CLEAN} Variant {i}.",
        ),
    )
    assert [error for _i, _result, error in outcomes] == [None] * len(lines)
    assert aggregates_drift(product_ids=[parent.pk]) == []
    parent.refresh_from_db()
    assert parent.rating_count == len(lines)

    target = Review.objects.filter(product=parent).first()
    voters = [UserFactory() for _ in range(8)]
    voted = run_together(len(voters), lambda i: review_vote(review=target, user=voters[i]))
    assert [error for _i, _result, error in voted] == [None] * len(voters)
    target.refresh_from_db()
    assert target.helpful_count == target.votes.count() == len(voters)

    twice = run_together(2, lambda i: review_vote(review=target, user=voters[0]))
    assert sorted(type(error).__name__ for _i, _r, error in twice) == ["ApplicationError", "ApplicationError"]
    target.refresh_from_db()
    assert target.helpful_count == len(voters)


@pytest.mark.django_db(transaction=True)
def test_the_same_buyer_twice_at_once_makes_one_review():
    line = delivered_line()
    user, product = line.seller_order.order.user, line.product
    outcomes = run_together(
        2, lambda i: review_create(user=user, product=product, rating=5, title="t", body=CLEAN)
    )
    errors = [error for _i, _result, error in outcomes if error]
    assert len(errors) == 1 and "already reviewed" in errors[0].message
    assert Review.objects.filter(author=user).count() == 1
    assert Product.objects.get(pk=product.pk).rating_count == 1
