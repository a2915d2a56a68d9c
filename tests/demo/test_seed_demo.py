import io
from collections import Counter, defaultdict

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.urls import reverse

from catalog.models import Category, Offer, Product, ProductImage, ProductSearchDocument
from catalog.services import product_refresh_buy_box
from fulfillment.models import Stock, Warehouse
from marketplace.accounts.models import User
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import unit_spec
from marketplace.demo.seed import seed_demo
from sellers.models import Seller, SellerMember
from tests.catalog.factories import ProductFactory
from tests.demo.conftest import SEED, SMALL

BUY_BOX_FIELDS = (
    "id",
    "buy_box_offer_id",
    "buy_box_price_amount",
    "buy_box_currency",
    "in_stock",
    "offer_count",
    "discount_percent",
)


def _catalog_snapshot():
    """What must be the same for the same seed: products, offers and stock, keyed by slug and SKU."""
    products = list(
        Product.objects.order_by("slug").values_list(
            "slug", "title", "gtin", "list_price_amount", "sales_count", "attributes", "parent__slug"
        )
    )
    offers = list(
        Offer.objects.order_by("seller__slug", "sku").values_list(
            "seller__slug", "sku", "product__slug", "price_amount", "shipping_amount", "condition"
        )
    )
    stock = list(
        Stock.objects.order_by("offer__sku", "warehouse__code").values_list(
            "offer__sku", "warehouse__code", "on_hand", "reserved"
        )
    )
    return products, offers, stock


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Category, Seller, Warehouse, User, Product, ProductImage, Offer, Stock, EmailAddress)
    }


def test_seed_demo_builds_a_category_tree_of_about_thirty_departments(seeded):
    tops = Category.objects.filter(parent=None).annotate(subs=Count("children"))

    assert tops.count() == len(v.TOP_CATEGORIES) == 30
    assert all(3 <= top.subs <= 6 for top in tops)
    assert all(
        c.path == f"{c.parent.path}{c.pk}/" for c in Category.objects.filter(depth=1).select_related("parent")
    )
    # Products hang off subcategories only.
    assert not Product.objects.filter(category__parent=None).exists()


def test_seed_demo_makes_sellers_in_every_state_with_warehouses(seeded):
    statuses = Counter(Seller.objects.values_list("status", flat=True))

    assert sum(statuses.values()) >= 25
    assert statuses[Seller.Status.APPROVED] >= 20
    assert statuses[Seller.Status.APPLIED] >= 1
    assert statuses[Seller.Status.SUSPENDED] >= 1
    warehouses = Counter(Warehouse.objects.filter(seller__status="approved").values_list("seller", flat=True))
    assert set(warehouses) == set(Seller.objects.filter(status="approved").values_list("pk", flat=True))
    assert all(1 <= n <= 3 for n in warehouses.values())
    assert 2 <= Warehouse.objects.filter(seller=None).count() <= 3


def test_seed_demo_gives_every_sellable_product_one_to_eight_offers(seeded):
    products = Product.objects.annotate(offers_n=Count("offers"), children_n=Count("variants"))
    parents = products.filter(parent=None).exclude(variation_theme="")
    sellable = products.exclude(pk__in=parents)

    assert Product.objects.count() >= SMALL
    assert parents.exists()
    assert all(p.offers_n == 0 and 3 <= p.children_n <= 6 for p in parents)
    assert all(1 <= p.offers_n <= 8 for p in sellable)
    assert not sellable.filter(variation_theme__gt="").exists()
    assert not Product.objects.filter(Q(parent__isnull=False) & Q(variant_attributes={})).exists()


def test_seed_demo_offers_have_unique_skus_and_sound_stock(seeded):
    offers = Offer.objects.all()
    assert offers.count() == len(set(offers.values_list("seller", "sku")))
    assert set(offers.values_list("seller__status", flat=True)) <= {"approved", "suspended"}
    assert not Stock.objects.filter(
        Q(reserved__gt=F("on_hand")) | Q(on_hand__lt=0) | Q(reserved__lt=0)
    ).exists()
    # Stock sits in the seller's own warehouses, or a marketplace centre when the marketplace fulfils it.
    assert not Stock.objects.filter(
        offer__fulfilled_by_marketplace=True, warehouse__seller__isnull=False
    ).exists()
    assert (
        not Stock.objects.filter(offer__fulfilled_by_marketplace=False)
        .exclude(warehouse__seller=F("offer__seller"))
        .exists()
    )
    assert Stock.objects.filter(reserved__gt=0).exists()
    assert Offer.objects.exclude(condition=Offer.Condition.NEW).exists() or Offer.objects.count() < 100


def test_seed_demo_points_images_at_a_small_shared_pool_on_disk(seeded):
    images = ProductImage.objects.all()
    per_product = Counter(images.values_list("product", flat=True))
    names = set(images.values_list("image", flat=True))

    assert set(per_product) == set(Product.objects.values_list("pk", flat=True))
    assert all(1 <= n <= 3 for n in per_product.values())
    assert all(name.startswith("demo/") and default_storage.exists(name) for name in names)
    assert len(names) <= 3 * len(v.TOP_CATEGORIES)
    image = images.select_related("product").first()
    assert image.alt_text.startswith(image.product.title)
    assert (image.width, image.height) == (600, 600)


def test_seed_demo_backdates_products_over_two_years(seeded):
    dates = sorted(Product.objects.values_list("created_at", flat=True))

    assert (dates[-1] - dates[0]).days > 180


def test_seed_demo_buy_box_equals_product_refresh_buy_box(seeded):
    before = list(Product.objects.order_by("pk").values_list(*BUY_BOX_FIELDS))
    Product.objects.update(buy_box_offer=None, buy_box_price_amount=None, in_stock=False, offer_count=0)

    product_refresh_buy_box(product_ids=Product.objects.values_list("pk", flat=True))

    assert list(Product.objects.order_by("pk").values_list(*BUY_BOX_FIELDS)) == before
    assert Product.objects.filter(in_stock=True).exists()


def test_demo_accounts_exist_and_can_log_in(seeded, client):
    for email, _, _ in v.DEMO_ACCOUNTS:
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
        assert client.login(email=email, password=v.DEMO_PASSWORD)
        client.logout()
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.is_superuser
    membership = SellerMember.objects.get(user__email="seller@example.com")
    assert membership.role == SellerMember.Role.OWNER
    assert membership.seller.status == Seller.Status.APPROVED
    assert not User.objects.get(email="shopper@example.com").is_staff

    response = client.post(
        reverse("account_login"), {"login": "shopper@example.com", "password": v.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert response.wsgi_request.user.email == "shopper@example.com"


def test_generator_gives_the_same_units_for_the_same_seed():
    first = [unit_spec(11, k) for k in range(40)]
    again = [unit_spec(11, k) for k in range(40)]
    other = [unit_spec(12, k) for k in range(40)]

    assert first == again
    assert [u.product.title for u in first] != [u.product.title for u in other]


@pytest.mark.django_db
def test_seed_demo_writes_the_same_catalog_for_the_same_seed():
    seed_demo(products=SMALL, seed=SEED, orders=False)
    first = _catalog_snapshot()
    Product.objects.all().delete()

    seed_demo(products=SMALL, seed=SEED, orders=False)

    assert _catalog_snapshot() == first


@pytest.mark.django_db
def test_seed_demo_twice_adds_nothing_and_a_larger_number_tops_up():
    seed_demo(products=SMALL, seed=SEED, orders=False)
    counts = _counts()
    first = _catalog_snapshot()

    added = seed_demo(products=SMALL, seed=SEED, orders=False)

    assert added == 0
    assert _counts() == counts

    seed_demo(products=SMALL + 40, seed=SEED, orders=False)
    topped_up = _catalog_snapshot()
    assert Product.objects.count() >= SMALL + 40
    assert all(row in topped_up[0] for row in first[0])
    # Topping up gives the catalog one run for the larger number would.
    Product.objects.all().delete()
    seed_demo(products=SMALL + 40, seed=SEED, orders=False)
    assert _catalog_snapshot() == topped_up


@pytest.mark.django_db
def test_seed_demo_command_if_empty_seeds_nothing_but_indexes_an_unindexed_catalog():
    product = ProductFactory(title="Copper Kettle")
    out = io.StringIO()

    call_command("seed_demo", products=10, if_empty=True, stdout=out)
    call_command("seed_demo", products=10, if_empty=True, stdout=out)

    assert Product.objects.count() == 1
    assert not Seller.objects.exists()
    assert out.getvalue() == (
        "The catalog already has products; nothing to seed (--if-empty).\n"
        "Indexed 1 products for search.\n"
        "The catalog already has products; nothing to seed (--if-empty).\n"
    )
    assert ProductSearchDocument.objects.filter(product=product).exists()


@pytest.mark.django_db
def test_seed_demo_command_if_empty_seeds_an_empty_catalog():
    out = io.StringIO()

    call_command("seed_demo", products=10, if_empty=True, stdout=out)

    assert Product.objects.count() >= 10
    assert "Done:" in out.getvalue()


@pytest.mark.django_db
def test_demo_logins_prints_every_account():
    out = io.StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    for email, _, _ in v.DEMO_ACCOUNTS:
        assert email in text
    assert v.DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/admin/" in text


def test_every_family_and_category_has_vocabulary():
    families = defaultdict(list)
    for top in v.TOP_CATEGORIES:
        families[top.family].append(top.name)
        assert 3 <= len(top.subs) <= 6
    assert set(families) == set(v.FAMILIES)
