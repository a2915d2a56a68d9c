from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from catalog.services import product_refresh_buy_box
from marketplace.core.errors import ApplicationError
from sellers.models import Seller
from sellers.services import seller_approve, seller_reinstate, seller_suspend
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def product_sold_by(cheap_seller, dear_seller):
    """A product where ``cheap_seller`` holds the buy box over ``dear_seller``."""
    product = ProductFactory()
    warehouse = WarehouseFactory()
    cheap = OfferFactory(product=product, seller=cheap_seller, price_amount=Decimal("10.00"))
    dear = OfferFactory(product=product, seller=dear_seller, price_amount=Decimal("12.00"))
    StockFactory(offer=cheap, warehouse=warehouse)
    StockFactory(offer=dear, warehouse=warehouse)
    product_refresh_buy_box(product_ids=[product.pk])
    product.refresh_from_db()
    return product, cheap, dear


def test_approving_an_application_sets_status_and_approved_at(staff):
    seller = SellerFactory(status=Seller.Status.APPLIED)
    before = timezone.now()

    result = seller_approve(seller=seller, actor=staff)

    seller.refresh_from_db()
    assert result.status == seller.status == Seller.Status.APPROVED
    assert seller.approved_at >= before


def test_suspending_moves_the_buy_box_to_another_seller(staff):
    # given
    suspended, other = SellerFactory(), SellerFactory()
    product, cheap, dear = product_sold_by(suspended, other)
    assert product.buy_box_offer_id == cheap.pk

    # when
    seller_suspend(seller=suspended, actor=staff, reason="Counterfeit goods reported")

    # then
    product.refresh_from_db()
    assert Seller.objects.get(pk=suspended.pk).status == Seller.Status.SUSPENDED
    assert (product.buy_box_offer_id, product.buy_box_price_amount, product.offer_count) == (
        dear.pk,
        Decimal("12.00"),
        1,
    )


def test_reinstating_gives_the_buy_box_back(staff):
    seller, other = SellerFactory(), SellerFactory()
    product, cheap, _ = product_sold_by(seller, other)
    seller_suspend(seller=seller, actor=staff, reason="Late shipments")

    seller_reinstate(seller=seller, actor=staff)

    product.refresh_from_db()
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED
    assert product.buy_box_offer_id == cheap.pk


def test_approving_a_suspended_seller_reinstates_it(staff):
    seller = SellerFactory(status=Seller.Status.SUSPENDED)
    seller_approve(seller=seller, actor=staff)
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (Seller.Status.APPROVED, lambda s, a: seller_approve(seller=s, actor=a)),
        (Seller.Status.APPLIED, lambda s, a: seller_suspend(seller=s, actor=a, reason="Spam")),
        (Seller.Status.SUSPENDED, lambda s, a: seller_suspend(seller=s, actor=a, reason="Spam")),
        (Seller.Status.APPLIED, lambda s, a: seller_reinstate(seller=s, actor=a)),
        (Seller.Status.APPROVED, lambda s, a: seller_reinstate(seller=s, actor=a)),
    ],
)
def test_transitions_the_state_machine_does_not_allow_change_nothing(staff, status, change):
    seller = SellerFactory(status=status, name="Acme Goods")

    with pytest.raises(ApplicationError) as error:
        change(seller, staff)

    assert error.value.message.startswith(f"Acme Goods is {status.label.lower()}")
    seller.refresh_from_db()
    assert (seller.status, seller.approved_at) == (status, None)


def test_suspension_needs_a_reason(staff):
    seller = SellerFactory()
    with pytest.raises(ApplicationError, match="Give a reason"):
        seller_suspend(seller=seller, actor=staff, reason="  ")
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED


def test_a_seller_without_offers_changes_status_without_touching_products(staff):
    ProductFactory()
    seller = SellerFactory(status=Seller.Status.APPLIED)
    seller_approve(seller=seller, actor=staff)
    assert Product.objects.filter(offer_count__gt=0).count() == 0
