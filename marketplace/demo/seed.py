"""Write the demo catalog to the database.

Fixed data (categories, brands, sellers, warehouses, demo accounts, the image
pool) is created when missing. Products are written in batches of units, each
batch in one transaction with a handful of bulk queries, so memory stays flat
whatever the size of the catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Brand, Category, Offer, Product, ProductImage
from catalog.services import category_create, product_refresh_buy_box
from fulfillment.models import Stock, Warehouse
from marketplace.accounts.models import User
from marketplace.demo import vocabulary as v
from marketplace.demo.generator import (
    SELLER_PROFILES,
    ProductSpec,
    UnitSpec,
    category_slug,
    image_name,
    unit_spec,
)
from marketplace.demo.images import SIZE, ensure_image_pool
from marketplace.demo.past_orders import seed_orders
from marketplace.demo.reviews import seed_payouts, seed_reviews
from marketplace.demo.seller_central import seed_application, seed_seller_central
from orders.sales import sales_days_rebuild
from sellers.models import Seller, SellerMember

BATCH_UNITS = 1000
Report = Callable[[str], None]


@dataclass
class Lookups:
    """Primary keys the product batches refer to."""

    categories: dict[tuple[int, int], int]
    brands: dict[str, int]
    sellers: dict[int, int]
    seller_warehouses: dict[int, list[int]]
    centres: list[int]


# ---------------------------------------------------------------- fixed data


def ensure_categories() -> dict[tuple[int, int], int]:
    existing = dict(Category.objects.values_list("slug", "pk"))
    leaves = {}
    for top_index, top in enumerate(v.TOP_CATEGORIES):
        slug = category_slug(top_index)
        if slug not in existing:
            existing[slug] = category_create(name=top.name, slug=slug, position=top_index).pk
        parent = None
        for sub_index, sub in enumerate(top.subs):
            sub_slug = category_slug(top_index, sub_index)
            if sub_slug not in existing:
                parent = parent or Category.objects.get(pk=existing[slug])
                existing[sub_slug] = category_create(
                    name=sub.name, slug=sub_slug, parent=parent, position=sub_index
                ).pk
            leaves[top_index, sub_index] = existing[sub_slug]
    return leaves


def ensure_brands() -> dict[str, int]:
    names = sorted({brand for family in v.FAMILIES.values() for brand in family.brands})
    existing = dict(Brand.objects.filter(name__in=names).values_list("name", "pk"))
    Brand.objects.bulk_create(
        [Brand(name=name, slug=slugify(name)) for name in names if name not in existing],
        ignore_conflicts=True,
    )
    return dict(Brand.objects.filter(name__in=names).values_list("name", "pk"))


def ensure_sellers() -> tuple[dict[int, int], dict[int, list[int]], list[int]]:
    now = timezone.now()
    existing = dict(
        Seller.objects.filter(slug__in=[p.slug for p in SELLER_PROFILES]).values_list("slug", "pk")
    )
    new = [
        Seller(
            name=p.name,
            slug=p.slug,
            status=p.status,
            description=p.description,
            country=p.country,
            support_email=f"support@{p.slug}.example.com",
            approved_at=None if p.status == "applied" else now - p.age,
        )
        for p in SELLER_PROFILES
        if p.slug not in existing
    ]
    for seller in Seller.objects.bulk_create(new):
        existing[seller.slug] = seller.pk
    sellers = {p.index: existing[p.slug] for p in SELLER_PROFILES}

    wanted = []
    for p in SELLER_PROFILES:
        for slot, city in enumerate(p.warehouses):
            wanted.append(
                (f"{p.slug[:30]}-{slot + 1}", f"{p.name} - {v.CITIES[city][0]}", sellers[p.index], city)
            )
    for code, name, city in v.MARKETPLACE_CENTRES:
        wanted.append((code, name, None, city))
    have = set(Warehouse.objects.filter(code__in=[w[0] for w in wanted]).values_list("code", flat=True))
    Warehouse.objects.bulk_create(
        [
            _warehouse(code, name, seller_id, city)
            for code, name, seller_id, city in wanted
            if code not in have
        ]
    )
    codes = dict(Warehouse.objects.filter(code__in=[w[0] for w in wanted]).values_list("code", "pk"))
    seller_warehouses = {
        p.index: [codes[f"{p.slug[:30]}-{slot + 1}"] for slot in range(len(p.warehouses))]
        for p in SELLER_PROFILES
    }
    centres = [codes[code] for code, _, _ in v.MARKETPLACE_CENTRES]
    return sellers, seller_warehouses, centres


def _warehouse(code, name, seller_id, city) -> Warehouse:
    city_name, region, postal_code, country, latitude, longitude = v.CITIES[city]
    return Warehouse(
        seller_id=seller_id,
        code=code,
        name=name,
        line1=f"{100 + len(code) * 7} Logistics Way",
        city=city_name,
        region=region,
        postal_code=postal_code,
        country=country,
        latitude=latitude,
        longitude=longitude,
    )


def ensure_accounts(*, seller_id: int) -> list[User]:
    users = []
    for email, full_name, _ in v.DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            is_staff = email.startswith("staff@")
            user = User.objects.create_user(
                email, v.DEMO_PASSWORD, full_name=full_name, is_staff=is_staff, is_superuser=is_staff
            )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.append(user)
    seller_user = users[1]
    SellerMember.objects.get_or_create(
        seller_id=seller_id, user=seller_user, defaults={"role": SellerMember.Role.OWNER}
    )
    return users


@transaction.atomic
def ensure_fixed_data() -> Lookups:
    categories = ensure_categories()
    brands = ensure_brands()
    sellers, seller_warehouses, centres = ensure_sellers()
    ensure_accounts(seller_id=sellers[DEMO_SELLER_INDEX])
    return Lookups(categories, brands, sellers, seller_warehouses, centres)


DEMO_SELLER_INDEX = 0  # Brightway Electronics, approved


# ---------------------------------------------------------------- products


def next_unit_index() -> int:
    """Return the index of the first unit not in the database yet.

    Top-level demo products have slugs ending in ``-<unit index>``.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(substring(slug from '-([0-9]{1,9})$')::bigint) "
            "FROM catalog_product WHERE parent_id IS NULL"
        )
        (highest,) = cursor.fetchone()
    return 0 if highest is None else highest + 1


def _product_row(spec: ProductSpec, unit: UnitSpec, lookups: Lookups, *, parent_id=None, theme="") -> Product:
    return Product(
        category_id=lookups.categories[unit.top, unit.sub],
        brand_id=lookups.brands[unit.brand],
        parent_id=parent_id,
        title=spec.title,
        slug=spec.slug,
        description=spec.description,
        gtin=spec.gtin,
        attributes=spec.attributes,
        variation_theme=theme,
        variant_attributes=spec.variant_attributes,
        weight_grams=spec.weight_grams,
        list_price_amount=spec.list_price,
        sales_count=spec.sales_count,
    )


@transaction.atomic
def write_units(units: list[UnitSpec], lookups: Lookups) -> int:
    """Insert these units with their images, offers and stock; return the product count."""
    now = timezone.now()
    tops = Product.objects.bulk_create(
        [_product_row(u.product, u, lookups, theme=u.variation_theme) for u in units], batch_size=1000
    )
    children = Product.objects.bulk_create(
        [
            _product_row(c, u, lookups, parent_id=top.pk)
            for u, top in zip(units, tops, strict=True)
            for c in u.children
        ],
        batch_size=1000,
    )
    rows = list(tops) + children
    specs = [u.product for u in units] + [c for u in units for c in u.children]
    units_of = list(units) + [u for u in units for _ in u.children]
    _set_created_at(rows, [now - spec.age for spec in specs])

    ProductImage.objects.bulk_create(
        [
            ProductImage(
                product_id=row.pk,
                image=image_name(unit.top, variant),
                width=SIZE,
                height=SIZE,
                alt_text=alt[:300],
                position=position,
            )
            for row, spec, unit in zip(rows, specs, units_of, strict=True)
            for position, (variant, alt) in enumerate(spec.images)
        ],
        batch_size=2000,
    )
    offer_specs = [(row, o) for row, spec in zip(rows, specs, strict=True) for o in spec.offers]
    offers = Offer.objects.bulk_create(
        [
            Offer(
                product_id=row.pk,
                seller_id=lookups.sellers[o.seller],
                sku=o.sku,
                condition=o.condition,
                price_amount=o.price,
                shipping_amount=o.shipping,
                handling_days=o.handling_days,
                fulfilled_by_marketplace=o.fulfilled_by_marketplace,
            )
            for row, o in offer_specs
        ],
        batch_size=2000,
    )
    Stock.objects.bulk_create(
        [
            Stock(
                offer_id=offer.pk,
                warehouse_id=_warehouse_id(lookups, o.seller, s.warehouse),
                on_hand=s.on_hand,
                reserved=s.reserved,
            )
            for offer, (_, o) in zip(offers, offer_specs, strict=True)
            for s in o.stock
        ],
        batch_size=2000,
    )
    product_refresh_buy_box(product_ids=[row.pk for row in rows])
    return len(rows)


def _warehouse_id(lookups: Lookups, seller: int, place: tuple[str, int]) -> int:
    kind, index = place
    return lookups.centres[index] if kind == "centre" else lookups.seller_warehouses[seller][index]


def _set_created_at(rows: list[Product], stamps) -> None:
    """Backdate products in one statement (``auto_now_add`` ignores values on insert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_product AS p SET created_at = v.ts "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, ts) WHERE p.id = v.id",
            [[row.pk for row in rows], list(stamps)],
        )


def seed_products(
    *, target: int, seed: int, lookups: Lookups, report: Report, batch_units: int = BATCH_UNITS
):
    """Add units until the catalog holds at least ``target`` products; return how many were added."""
    count = Product.objects.count()
    k = next_unit_index()
    added = 0
    started = timezone.now()
    # The planner's statistics go stale as the tables grow (autovacuum may be off or behind):
    # refresh them each time the catalog has doubled, a handful of times even for a million.
    next_analyze = max(2 * count, 5000)
    while count < target:
        batch = []
        while count < target and len(batch) < batch_units:
            unit = unit_spec(seed, k)
            batch.append(unit)
            count += unit.product_count
            k += 1
        added += write_units(batch, lookups)
        if count >= next_analyze:
            analyze_tables()
            next_analyze = 2 * count
        reset_queries()  # with DEBUG on, Django keeps every statement; keep memory flat
        elapsed = (timezone.now() - started).total_seconds()
        rate = added / elapsed if elapsed else 0
        report(f"  {count:,} products ({added:,} added, {rate:,.0f}/s)")
    return added


def seed_demo(
    *, products: int, seed: int = 1, orders: bool = True, report: Report = lambda line: None
) -> int:
    """Make sure the fixed demo data exists and the catalog has ``products`` products.

    With ``orders``, also the past orders, once: the delivered orders of a pool
    of shoppers with their reviews and seller feedback, from which every rating
    figure comes (``seed_reviews``), the orders in every state
    (``seed_orders``) and the weekly payouts of the past (``seed_payouts``).
    Without, no product or seller has a rating.
    """
    written = ensure_image_pool()
    report(f"Image pool ready ({written} new pictures).")
    lookups = ensure_fixed_data()
    report(
        f"{Category.objects.count()} categories, {Brand.objects.count()} brands, "
        f"{Seller.objects.count()} sellers, {Warehouse.objects.count()} warehouses."
    )
    added = seed_products(target=products, seed=seed, lookups=lookups, report=report)
    if added:
        analyze_tables()
    if orders:
        seed_reviews(seed=seed, report=report)
        seed_orders(seed=seed, report=report)
    central = seed_seller_central(seller_id=lookups.sellers[DEMO_SELLER_INDEX]) + seed_application()
    if central:
        report(f"Seller Central: {', '.join(central)}.")
    if orders:
        seed_payouts(report=report)
    # Sales counts from the past orders; a product no order names keeps its seeded figure (ADR 0083).
    sales = sales_days_rebuild(keep_unsold=True)
    report(f"Sales counts: {sales.orders} paid orders counted, {sales.changed} figures changed.")
    return added


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk load, so later queries get good plans."""
    with connection.cursor() as cursor:
        for model in (Product, ProductImage, Offer, Stock):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
