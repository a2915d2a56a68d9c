import pytest
from django.core.cache import cache

from catalog.models import Category
from catalog.selectors import NAVIGATION_CACHE_KEY, category_navigation
from catalog.services import category_move
from marketplace.core.errors import ApplicationError
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def paths(*categories):
    return [Category.objects.values_list("path", "depth").get(pk=c.pk) for c in categories]


def test_category_move_rewrites_the_path_and_depth_of_the_whole_subtree():
    # given root_a > moved > child > grandchild, and root_b > target
    root_a, root_b = CategoryFactory(), CategoryFactory()
    target = CategoryFactory(parent=root_b)
    moved = CategoryFactory(parent=root_a)
    child = CategoryFactory(parent=moved)
    grandchild = CategoryFactory(parent=child)
    sibling = CategoryFactory(parent=root_a)

    # when
    result = category_move(category=moved, parent=target)

    # then
    base = f"{root_b.pk}/{target.pk}/{moved.pk}/"
    assert (result.parent_id, result.path, result.depth) == (target.pk, base, 2)
    assert paths(child, grandchild) == [(f"{base}{child.pk}/", 3), (f"{base}{child.pk}/{grandchild.pk}/", 4)]
    assert paths(sibling, root_a) == [(f"{root_a.pk}/{sibling.pk}/", 1), (f"{root_a.pk}/", 0)]
    subtree = Category.objects.filter(path__startswith=target.path).values_list("pk", flat=True)
    assert set(subtree) == {target.pk, moved.pk, child.pk, grandchild.pk}


def test_category_move_to_the_top_level():
    root = CategoryFactory()
    moved = CategoryFactory(parent=root)
    child = CategoryFactory(parent=moved)

    category_move(category=moved, parent=None)

    assert paths(moved, child) == [(f"{moved.pk}/", 0), (f"{moved.pk}/{child.pk}/", 1)]
    assert Category.objects.get(pk=moved.pk).parent_id is None


def test_category_move_refuses_to_move_under_itself_or_a_descendant():
    category = CategoryFactory()
    child = CategoryFactory(parent=category)

    for parent in (category, child):
        with pytest.raises(ApplicationError, match="cannot be moved under itself"):
            category_move(category=category, parent=parent)

    assert paths(category, child) == [(f"{category.pk}/", 0), (f"{category.pk}/{child.pk}/", 1)]


def test_category_move_clears_the_cached_navigation():
    root = CategoryFactory(name="Root")
    moved = CategoryFactory(name="Moved", parent=root)
    assert [c.name for c in category_navigation()] == ["Root"]

    category_move(category=moved, parent=None)

    assert cache.get(NAVIGATION_CACHE_KEY) is None
    assert sorted(c.name for c in category_navigation()) == ["Moved", "Root"]


def test_deferred_refreshes_run_once_per_product_at_the_end_of_the_block(monkeypatch):
    from decimal import Decimal

    from catalog.models import Product
    from catalog.services import catalog_refreshes_deferred, offer_update_price, product_refresh_buy_box
    from marketplace.core import events
    from tests.catalog.factories import OfferFactory, ProductFactory
    from tests.fulfillment.factories import StockFactory

    # given: two sellers' offers of one product; the dearer one does not hold the buy box
    product = ProductFactory()
    cheap = OfferFactory(product=product, price_amount=Decimal("10.00"))
    dear = OfferFactory(product=product, price_amount=Decimal("12.00"))
    for offer in (cheap, dear):
        StockFactory(offer=offer, on_hand=3)
    product_refresh_buy_box(product_ids=[product.pk])
    announced = []
    handlers = [*events._handlers.get("offer.changed", ()), lambda **payload: announced.append(payload)]
    monkeypatch.setitem(events._handlers, "offer.changed", handlers)

    # when: the dearer seller undercuts twice inside the block
    with catalog_refreshes_deferred():
        offer_update_price(offer=dear, seller=dear.seller, price=Decimal("9.50"), shipping=Decimal("0"))
        offer_update_price(offer=dear, seller=dear.seller, price=Decimal("9.00"), shipping=Decimal("0"))
        # then: nothing is refreshed or announced yet
        assert Product.objects.get(pk=product.pk).buy_box_offer_id == cheap.pk
        assert announced == []

    # then: at its end, one refresh and one event for both changes
    refreshed = Product.objects.get(pk=product.pk)
    assert (refreshed.buy_box_offer_id, refreshed.buy_box_price_amount) == (dear.pk, Decimal("9.00"))
    assert announced == [{"offer_ids": [dear.pk], "product_ids": [product.pk]}]
