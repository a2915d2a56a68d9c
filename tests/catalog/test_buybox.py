from decimal import Decimal

import pytest

from catalog.buybox import Candidate, buy_box_winner
from catalog.models import Product
from catalog.services import product_refresh_buy_box
from sellers.models import Seller
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory


def candidate(offer_id, price, *, available=5, approved=True, rating="4.5", handling=2, active=True):
    return Candidate(
        offer_id=offer_id,
        landed_price=Decimal(price),
        available=available,
        seller_approved=approved,
        seller_rating=Decimal(rating),
        handling_days=handling,
        is_active=active,
    )


def test_cheapest_landed_price_wins():
    winner = buy_box_winner([candidate(1, "20.00"), candidate(2, "18.50"), candidate(3, "19.00")])
    assert winner.offer_id == 2


def test_price_tie_goes_to_higher_rated_seller_then_faster_handling_then_older_offer():
    assert buy_box_winner([candidate(1, "10", rating="4.1"), candidate(2, "10", rating="4.9")]).offer_id == 2
    assert buy_box_winner([candidate(1, "10", handling=3), candidate(2, "10", handling=1)]).offer_id == 2
    assert buy_box_winner([candidate(7, "10"), candidate(3, "10")]).offer_id == 3


def test_out_of_stock_suspended_and_inactive_offers_never_win():
    winner = buy_box_winner(
        [
            candidate(1, "5.00", available=0),
            candidate(2, "6.00", approved=False),
            candidate(3, "7.00", active=False),
            candidate(4, "30.00"),
        ]
    )
    assert winner.offer_id == 4


def test_no_eligible_offer_means_no_buy_box():
    assert buy_box_winner([candidate(1, "5.00", available=0)]) is None
    assert buy_box_winner([]) is None


@pytest.mark.django_db
def test_refresh_stores_the_winner_counting_shipping_and_reservations():
    # given a product with three offers
    product = ProductFactory(list_price_amount=Decimal("50.00"))
    warehouse = WarehouseFactory()
    cheap_but_shipping = OfferFactory(
        product=product, price_amount=Decimal("30.00"), shipping_amount=Decimal("8.00")
    )
    fully_reserved = OfferFactory(product=product, price_amount=Decimal("20.00"))
    landed_cheapest = OfferFactory(product=product, price_amount=Decimal("35.00"))
    suspended = OfferFactory(
        product=product, price_amount=Decimal("10.00"), seller=SellerFactory(status=Seller.Status.SUSPENDED)
    )
    StockFactory(offer=cheap_but_shipping, warehouse=warehouse, on_hand=3)
    StockFactory(offer=fully_reserved, warehouse=warehouse, on_hand=2, reserved=2)
    StockFactory(offer=landed_cheapest, warehouse=warehouse, on_hand=1)
    StockFactory(offer=suspended, warehouse=warehouse, on_hand=9)

    # when
    product_refresh_buy_box(product_ids=[product.pk])

    # then
    product.refresh_from_db()
    assert product.buy_box_offer_id == landed_cheapest.pk
    assert product.buy_box_price_amount == Decimal("35.00")
    assert product.in_stock is True
    assert product.offer_count == 3
    assert product.discount_percent == 30


@pytest.mark.django_db
def test_parent_shows_cheapest_variation_and_sells_out_with_them():
    parent = ProductFactory(variation_theme="Size")
    small = ProductFactory(parent=parent, category=parent.category, variant_attributes={"Size": "S"})
    large = ProductFactory(parent=parent, category=parent.category, variant_attributes={"Size": "L"})
    small_offer = OfferFactory(product=small, price_amount=Decimal("12.00"))
    large_offer = OfferFactory(product=large, price_amount=Decimal("14.00"))
    StockFactory(offer=small_offer, on_hand=1)
    large_stock = StockFactory(offer=large_offer, on_hand=1)

    product_refresh_buy_box(product_ids=[small.pk])

    parent.refresh_from_db()
    assert parent.buy_box_price_amount == Decimal("12.00")
    assert parent.buy_box_offer_id == small_offer.pk

    large_stock.delete()
    small_offer.stocks.update(reserved=1)
    product_refresh_buy_box(product_ids=[parent.pk])
    assert Product.objects.get(pk=parent.pk).in_stock is False
    assert Product.objects.get(pk=small.pk).in_stock is False
