"""A fixed catalog for the search tests (relevance, facets, views, browser)."""

from __future__ import annotations

from decimal import Decimal

from catalog.models import Offer
from catalog.search.indexing import search_vocabulary_rebuild
from catalog.services import product_refresh_buy_box
from sellers.models import Seller
from tests.catalog.factories import BrandFactory, CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory

# key: (title, brand, category, price, sales, rating, rating count, description, offers)
# offers: (seller key, condition, fulfilled by marketplace, units on hand)
PRODUCTS = {
    "sony_wh": (
        "Sony WH-1000XM5 Wireless Noise Cancelling Headphones",
        "sony",
        "headphones",
        "348.00",
        900,
        "4.70",
        2000,
        "Industry-leading noise cancelling over-ear headphones with 30 hours of battery.",
        [("alpha", "new", True, 20), ("beta", "new", False, 5)],
    ),
    "bose_qc": (
        "Bose QuietComfort Headphones",
        "bose",
        "headphones",
        "299.00",
        500,
        "4.60",
        800,
        "Quiet, comfortable wireless headphones.",
        [("alpha", "new", False, 8)],
    ),
    "sony_buds": (
        "Sony In-Ear Earbuds",
        "sony",
        "headphones",
        "49.99",
        300,
        "4.20",
        300,
        "Compact earbuds, a small alternative to headphones.",
        [("beta", "new", False, 30)],
    ),
    "stand": (
        "Wooden Headphone Stand",
        "woodcraft",
        "headphones",
        "22.00",
        20,
        "4.00",
        12,
        "Keeps your desk tidy.",
        [("beta", "used_good", False, 3)],
    ),
    "galaxy": (
        "Samsung Galaxy S24 Smartphone",
        "samsung",
        "phones",
        "799.00",
        700,
        "4.50",
        1500,
        "A bright screen and a long-lasting battery.",
        [("alpha", "new", True, 15), ("beta", "refurbished", False, 4)],
    ),
    "qled": (
        "Samsung 55 inch QLED Smart TV",
        "samsung",
        "televisions",
        "649.00",
        400,
        "4.40",
        600,
        "Vivid colour for films and sport.",
        [("alpha", "new", True, 6)],
    ),
    "bravia": (
        "Sony Bravia 65 inch 4K TV",
        "sony",
        "televisions",
        "1099.00",
        100,
        "4.80",
        90,
        "Cinema at home.",
        [("beta", "new", False, 2)],
    ),
    "case": (
        "Apple iPhone 15 Silicone Case",
        "apple",
        "phones",
        "19.00",
        50,
        "3.90",
        40,
        "Soft-touch protection.",
        [("alpha", "new", False, 40)],
    ),
    "pan": (
        "Tefal Non-Stick Frying Pan 28 cm",
        "tefal",
        "cookware",
        "34.99",
        200,
        "4.50",
        700,
        "Even heating for everyday cooking.",
        [("alpha", "new", True, 25)],
    ),
    "saucepan": (
        "Stainless Steel Saucepan 2 L",
        "tefal",
        "cookware",
        "24.50",
        100,
        "4.10",
        150,
        "Pour spout and glass lid.",
        [("beta", "new", False, 10)],
    ),
    "charger": (
        "Samsung Wireless Charging Pad",
        "samsung",
        "phones",
        "29.99",
        800,
        "4.30",
        900,
        "Charges phones and earbuds.",
        [("alpha", "new", False, 0)],  # out of stock
    ),
    "cookbook": (
        "The Art of Simple Cooking",
        "penguin",
        "books",
        "15.00",
        60,
        "4.90",
        3,
        "Recipes for one frying pan and a saucepan.",
        [("gamma", "new", False, 9)],  # its only seller is suspended: out of stock
    ),
}

CATEGORIES = {
    # key: (name, parent key)
    "electronics": ("Electronics", None),
    "headphones": ("Headphones", "electronics"),
    "televisions": ("Televisions", "electronics"),
    "phones": ("Phones", "electronics"),
    "kitchen": ("Kitchen", None),
    "cookware": ("Cookware", "kitchen"),
    "books": ("Books", None),
}
BRANDS = {
    "sony": "Sony",
    "bose": "Bose",
    "woodcraft": "Woodcraft",
    "samsung": "Samsung",
    "apple": "Apple",
    "tefal": "Tefal",
    "penguin": "Penguin",
}
SELLERS = {
    "alpha": ("Alpha Audio", Seller.Status.APPROVED),
    "beta": ("Beta Bargains", Seller.Status.APPROVED),
    "gamma": ("Gamma Goods", Seller.Status.SUSPENDED),
}


def build_search_catalog() -> dict:
    """Create the fixed catalog, index it and return its rows by key."""
    categories = {}
    for position, (key, (name, parent)) in enumerate(CATEGORIES.items()):
        categories[key] = CategoryFactory(
            name=name, slug=key, parent=categories.get(parent), position=position
        )
    brands = {key: BrandFactory(name=name, slug=key) for key, name in BRANDS.items()}
    sellers = {
        key: SellerFactory(name=name, slug=key, status=status) for key, (name, status) in SELLERS.items()
    }
    warehouse = WarehouseFactory()
    products = {}
    for n, (key, row) in enumerate(PRODUCTS.items()):
        title, brand, category, price, sales, rating, count, description, offers = row
        product = ProductFactory(
            title=title,
            slug=key.replace("_", "-"),
            brand=brands[brand],
            category=categories[category],
            description=description,
            sales_count=sales,
            rating_average=Decimal(rating),
            rating_count=count,
            attributes={"Colour": "Black" if n % 2 else "Silver"},
        )
        for seller, condition, fbm, units in offers:
            offer = OfferFactory(
                product=product,
                seller=sellers[seller],
                price_amount=Decimal(price),
                condition=condition,
                fulfilled_by_marketplace=fbm,
                sku=f"{key}-{seller}",
            )
            StockFactory(offer=offer, warehouse=warehouse, on_hand=units)
        products[key] = product
    product_refresh_buy_box(product_ids=[p.pk for p in products.values()])
    search_vocabulary_rebuild()
    for product in products.values():
        product.refresh_from_db()
    return {
        "categories": categories,
        "brands": brands,
        "sellers": sellers,
        "products": products,
        "offers": list(Offer.objects.order_by("pk")),
    }
