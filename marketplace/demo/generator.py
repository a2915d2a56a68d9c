"""Pure functions that describe the demo catalog, without touching the database.

A catalog is a sequence of *units*. Unit ``k`` is a standalone product or a
variation family (a parent and its children) and is drawn from its own random
generator seeded by ``(seed, k)``, so unit ``k`` is the same whatever was
generated before it: a run for 1,000 products and a later top-up to 5,000 give
the same catalog as one run for 5,000.

Fixed data (sellers and their warehouses) is drawn from a constant seed so it
is the same in every demo database.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from marketplace.demo import vocabulary as v

FIXED_SEED = 20240601
CENT = Decimal("0.01")
TOP_WEIGHTS = {
    "electronics": 7, "computers": 5, "home": 7, "books": 6, "apparel": 6, "shoes": 4, "toys": 4,
    "beauty": 4, "sports": 4, "phones": 4,
}  # fmt: skip
HISTORY = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class StockSpec:
    warehouse: tuple[str, int]  # ("seller", slot) or ("centre", index)
    on_hand: int
    reserved: int


@dataclass(frozen=True, slots=True)
class OfferSpec:
    seller: int  # index into vocabulary.SELLERS
    sku: str
    condition: str
    price: Decimal
    shipping: Decimal
    handling_days: int
    fulfilled_by_marketplace: bool
    stock: tuple[StockSpec, ...]


@dataclass(frozen=True, slots=True)
class ProductSpec:
    title: str
    slug: str
    description: str
    gtin: str | None
    attributes: dict
    variant_attributes: dict
    weight_grams: int
    list_price: Decimal | None  # None: the maker publishes no list price
    sales_count: int
    age: timedelta  # how long before the seeding the product was created
    images: tuple[tuple[int, str], ...]  # (pool variant, alt text)
    offers: tuple[OfferSpec, ...]


@dataclass(frozen=True, slots=True)
class UnitSpec:
    index: int
    top: int  # index into vocabulary.TOP_CATEGORIES
    sub: int
    brand: str
    variation_theme: str
    product: ProductSpec  # the standalone product, or the parent of a family
    children: tuple[ProductSpec, ...]

    @property
    def product_count(self) -> int:
        return 1 + len(self.children)


@dataclass(frozen=True, slots=True)
class SellerProfile:
    index: int
    name: str
    slug: str
    description: str
    country: str
    status: str
    sku_prefix: str
    age: timedelta
    warehouses: tuple[int, ...]  # indexes into vocabulary.CITIES


# ---------------------------------------------------------------- sellers


def seller_profiles() -> tuple[SellerProfile, ...]:
    """Return the fixed demo sellers with their ratings and warehouse cities."""
    rng = random.Random(FIXED_SEED)
    profiles = []
    for index, (name, description, country, status) in enumerate(v.SELLERS):
        home = [i for i, city in enumerate(v.CITIES) if city[3] == country] or [0]
        anywhere = list(range(len(v.CITIES)))
        count = 0 if status == "applied" else rng.choice((1, 1, 2, 2, 3))
        cities = [rng.choice(home)]
        while len(cities) < count:
            city = rng.choice(home if rng.random() < 0.5 else anywhere)
            if city not in cities:
                cities.append(city)
        if status != "applied":
            # Once a made-up rating: drawn still so that the rest stays as it was. Ratings come from
            # feedback now (marketplace.demo.reviews).
            rng.paretovariate(1.1), rng.triangular(3.4, 5.0, 4.7)
        prefix = "".join(word[0] for word in name.replace("&", "").split()[:3]).upper()
        profiles.append(
            SellerProfile(
                index=index,
                name=name,
                slug=slugify(name),
                description=description,
                country=country,
                status=status,
                sku_prefix=f"{prefix}{index:02d}",
                age=timedelta(days=rng.randint(40, 1500)),
                warehouses=tuple(cities[:count]),
            )
        )
    return tuple(profiles)


SELLER_PROFILES = seller_profiles()
APPROVED = tuple(p.index for p in SELLER_PROFILES if p.status == "approved")
SUSPENDED = tuple(p.index for p in SELLER_PROFILES if p.status == "suspended")


def category_slug(top: int, sub: int | None = None) -> str:
    top_slug = slugify(v.TOP_CATEGORIES[top].name)
    if sub is None:
        return top_slug
    return f"{top_slug}-{slugify(v.TOP_CATEGORIES[top].subs[sub].name)}"


def image_name(top: int, variant: int) -> str:
    return f"demo/{category_slug(top)}-{variant + 1}.jpg"


# ---------------------------------------------------------------- numbers


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _shelf_price(value: float) -> Decimal:
    """Round a price the way shops do: 19.99, 24.95, 149.00."""
    if value < 10:
        return max(_money(math.floor(value) + 0.99 if value >= 1 else 0.99), Decimal("0.99"))
    if value < 200:
        return _money(math.floor(value) + (0.99 if int(value) % 3 else 0.95))
    return _money(round(value / 5) * 5 - 0.01 if int(value) % 2 else round(value / 10) * 10)


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _gtin(family: str, k: int, j: int) -> str:
    # 20-29 is the GS1 range for in-store numbers; 978 is the ISBN "Bookland".
    if family == "books":
        return _ean13(f"978{k % 10**7:07d}{j:02d}")
    return _ean13(f"2{k % 10**9:09d}{j:02d}")


# ---------------------------------------------------------------- units


def unit_rng(seed: int, k: int) -> random.Random:
    return random.Random(seed * 1_000_003 + k)


_TOPS = tuple(range(len(v.TOP_CATEGORIES)))
_TOP_WEIGHTS = tuple(TOP_WEIGHTS.get(top.family, 3) for top in v.TOP_CATEGORIES)


def unit_spec(seed: int, k: int) -> UnitSpec:
    """Describe unit ``k`` of the catalog for ``seed``."""
    rng = unit_rng(seed, k)
    top = rng.choices(_TOPS, _TOP_WEIGHTS)[0]
    top_cat = v.TOP_CATEGORIES[top]
    family = v.FAMILIES[top_cat.family]
    sub = rng.randrange(len(top_cat.subs))
    brand = rng.choice(family.brands)
    words = _title_words(rng, top_cat.family, family, top_cat.subs[sub], brand)
    is_family = bool(family.variation_theme) and rng.random() < family.variation_share
    popularity = rng.paretovariate(1.16) - 1  # a few bestsellers, a long tail
    base = _product(rng, seed, k, 0, top, sub, words, popularity, sellable=not is_family)
    children = ()
    if is_family:
        children = tuple(
            _product(
                rng,
                seed,
                k,
                j + 1,
                top,
                sub,
                {**words, **variant},
                popularity / 3,
                sellable=True,
                variant=variant,
            )
            for j, variant in enumerate(_variants(rng, family))
        )
    return UnitSpec(
        index=k,
        top=top,
        sub=sub,
        brand=brand,
        variation_theme=family.variation_theme if is_family else "",
        product=base,
        children=children,
    )


def _title_words(rng, family_name, family, sub, brand) -> dict:
    style = v.SUB_STYLES.get(sub.name, {})
    adjectives = style.get("adjectives", family.adjectives)
    features = style.get("features", family.features)
    attributes = {
        name: rng.choice(values) for name, values in style.get("attributes", family.attributes).items()
    }
    words = {
        "brand": brand,
        "noun": rng.choice(sub.nouns),
        "adj": rng.choice(adjectives) if adjectives else "",
        "feature": rng.choice(features) if features else "",
        "templates": style.get("titles", family.titles),
        "attributes": attributes,
        **attributes,
    }
    if family_name == "books":
        author = f"{rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        if sub.nouns[0] == "Cookbook":
            book = rng.choice(v.COOKBOOK_TITLES).format(x=rng.choice(v.COOKBOOK_X))
        else:
            book = f"{rng.choice(v.BOOK_WORDS_A)} {rng.choice(v.BOOK_WORDS_B)}"
            if sub.nouns[0] == "Biography":
                book = f"{book}: The Life of {rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        words["book"] = book
        attributes.update(
            Author=author,
            Pages=str(rng.randint(96, 720)),
            Publisher=brand,
            **{"Publication year": str(rng.randint(1995, 2025))},
        )
    elif family_name == "movies":
        words["movie"] = f"{rng.choice(v.FILM_WORDS_A)} {rng.choice(v.FILM_WORDS_B)}"
        if sub.nouns[0] == "Complete Series":
            words["movie"] += ": The Complete Series"
        attributes["Release year"] = str(rng.randint(1972, 2025))
    return words


def _variants(rng, family) -> list[dict]:
    values = family.variation_values
    if "Colour" in values:
        colours = rng.sample(values["Colour"], rng.choice((1, 1, 2)))
        per_colour = max(3 // len(colours), rng.randint(2, 6 // len(colours)))
        start = rng.randrange(len(values["Size"]) - per_colour + 1)
        sizes = values["Size"][start : start + per_colour]
        return [{"Colour": c, "Size": s} for c in colours for s in sizes][:6]
    count = rng.randint(3, 6)
    start = rng.randrange(len(values["Size"]) - count + 1)
    return [{"Size": s} for s in values["Size"][start : start + count]]


def _title(rng, words: dict, family) -> str:
    template = rng.choice(words["templates"])
    title = template.format(
        **{key: value for key, value in words.items() if key not in ("attributes", "templates")}
    )
    return " ".join(title.replace(" ,", ",").split()).strip(" ,-")


def _product(rng, seed, k, j, top, sub, words, popularity, *, sellable, variant=None) -> ProductSpec:
    top_cat = v.TOP_CATEGORIES[top]
    family = v.FAMILIES[top_cat.family]
    subcat = top_cat.subs[sub]
    if j == 0:
        title = _title(rng, words, family)
        words["title"] = title
    else:
        title = f"{words['title']}, {', '.join(variant.values())}"
    lo, hi = subcat.price
    list_price = _shelf_price(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    has_list_price = rng.random() < 0.6
    if j:
        list_price, has_list_price = words["family_price"]
    else:
        words["family_price"] = list_price, has_list_price
    attributes = dict(words["attributes"])
    attributes.update(variant or {})
    if rng.random() >= 0.12:
        # Once a made-up rating: drawn still so that the rest of the unit stays as it was. Ratings
        # come from reviews now (marketplace.demo.reviews).
        rng.randint(1, 40), rng.gauss(4.3, 0.45)
    sales = int(min(popularity, 400) * 25)
    images = tuple(
        (variant_index % len(top_cat.palette), f"{title}, {v.IMAGE_VIEWS[n]}")
        for n, variant_index in enumerate(range(j, j + rng.randint(1, 3)))
    )
    return ProductSpec(
        title=title[:300],
        slug=f"{slugify(title)[:280]}-{k}" + (f"-{j}" if j else ""),
        description=_description(rng, top_cat.family, words, title),
        gtin=_gtin(top_cat.family, k, j) if sellable else None,
        attributes=attributes,
        variant_attributes=dict(variant or {}),
        weight_grams=rng.randint(*subcat.weight),
        list_price=list_price if has_list_price else None,
        sales_count=sales,
        age=timedelta(seconds=int(HISTORY.total_seconds() * rng.random() ** 1.3)),
        images=images,
        offers=_offers(rng, k, j, top_cat.family, family, list_price, popularity) if sellable else (),
    )


def _description(rng, family_name, words, title) -> str:
    if family_name in ("books", "movies"):
        attrs = words["attributes"]
        blurb = rng.choice(v.BOOK_BLURBS)
        if family_name == "books":
            return f"{blurb} By {attrs['Author']}. {attrs['Format']}, {attrs['Pages']} pages."
        return f"{blurb} {attrs['Format']} edition, rated {attrs['Rating']}."
    fill = {
        "title": title,
        "brand": words["brand"],
        "adj_lower": (words["adj"] or "well-made").lower(),
        "noun_lower": words["noun"].lower(),
    }
    specs = ", ".join(f"{name.lower()}: {value}" for name, value in list(words["attributes"].items())[:3])
    sentences = [
        rng.choice(v.DESCRIPTION_OPENERS).format(**fill),
        *rng.sample(v.DESCRIPTION_MIDDLES, 2),
        f"Key details - {specs}.",
        rng.choice(v.DESCRIPTION_CLOSERS).format(**fill),
    ]
    return " ".join(sentences)


_CONDITIONS_USED = ("refurbished", "used_like_new", "used_good", "used_acceptable")
_OFFER_COUNTS = (1, 2, 3, 4, 5, 6, 7, 8)
_OFFER_WEIGHTS = (24, 20, 16, 12, 10, 8, 5, 5)


def _pick_sellers(rng, family_name: str, count: int) -> list[int]:
    """Pick distinct approved sellers, favouring those that focus on the family."""
    pool = list(APPROVED)
    weights = []
    for index in pool:
        focus = v.SELLER_FOCUS.get(v.SELLERS[index][0])
        weights.append(8 if focus and family_name in focus else (2 if not focus else 0.3))
    chosen = []
    for _ in range(min(count, len(pool))):
        pick = rng.choices(range(len(pool)), weights)[0]
        chosen.append(pool.pop(pick))
        weights.pop(pick)
    return chosen


def _offers(rng, k, j, family_name, family, list_price, popularity) -> tuple[OfferSpec, ...]:
    count = rng.choices(_OFFER_COUNTS, _OFFER_WEIGHTS)[0]
    if popularity > 8:
        count = min(8, count + 2)
    sellers = _pick_sellers(rng, family_name, count)
    if SUSPENDED and rng.random() < 0.05:
        sellers[-1] = rng.choice(SUSPENDED)
    offers = []
    for seller in sellers:
        profile = SELLER_PROFILES[seller]
        used = rng.random() < family.used_share
        condition = rng.choice(_CONDITIONS_USED) if used else "new"
        factor = _price_factor(rng)
        if used:
            factor *= rng.uniform(0.7, 0.92)
        price = max(_shelf_price(float(list_price) * factor), Decimal("0.99"))
        fbm = bool(v.MARKETPLACE_CENTRES) and rng.random() < 0.25
        free = fbm or rng.random() < 0.55 or list_price >= 35
        shipping = (
            Decimal(0) if free else Decimal(rng.choice(("2.99", "3.99", "4.49", "4.99", "5.99", "7.99")))
        )
        offers.append(
            OfferSpec(
                seller=seller,
                sku=f"{profile.sku_prefix}-{k:07d}-{j}",
                condition=condition,
                price=price,
                shipping=shipping,
                handling_days=1 if fbm else rng.choice((1, 1, 2, 2, 2, 3, 4, 5)),
                fulfilled_by_marketplace=fbm,
                stock=_stock(rng, profile, fbm),
            )
        )
    return tuple(offers)


def _price_factor(rng) -> float:
    """How an offer's price compares with the list price: mostly at or just under it."""
    roll = rng.random()
    if roll < 0.4:
        return 1.0
    if roll < 0.7:
        return rng.uniform(0.9, 1.0)
    if roll < 0.85:
        return rng.uniform(0.65, 0.9)  # a deal
    return rng.uniform(1.0, 1.08)


def _stock(rng, profile: SellerProfile, fbm: bool) -> tuple[StockSpec, ...]:
    if fbm:
        places = [("centre", rng.randrange(len(v.MARKETPLACE_CENTRES)))]
    else:
        slots = list(range(len(profile.warehouses)))
        places = [("seller", slot) for slot in rng.sample(slots, min(len(slots), rng.choice((1, 1, 2))))]
    out_of_stock = rng.random() < 0.1
    stock = []
    for place in places:
        on_hand = 0 if out_of_stock else int(rng.expovariate(1 / 35)) + 1
        reserved = rng.randint(1, min(on_hand, 4)) if on_hand and rng.random() < 0.15 else 0
        stock.append(StockSpec(warehouse=place, on_hand=on_hand, reserved=reserved))
    return tuple(stock)
