from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from sellers.models import Seller


class Category(models.Model):
    """A node of the category tree.

    ``path`` is the materialised path of primary keys (``"3/17/42/"``) so that a
    category and all its descendants are one indexed prefix match.
    """

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The marketplace's commission on sales here, e.g. 0.1500 for 15%; "
        "empty inherits the parent's.",
    )

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="category_path_like_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "position", "name"], name="category_children_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category-detail", kwargs={"slug": self.slug})


class Brand(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Products a listing page shows: parents and standalone products, not variations.
LISTED = Q(parent__isnull=True, is_active=True)


class Product(models.Model):
    """The catalog page that every seller of the same item shares.

    A product is standalone, the parent of a variation family (never sold
    itself), or a child variation (``parent`` set, ``variant_attributes`` say
    how it differs). The ``buy_box_*``, ``offer_count`` and ``in_stock`` fields
    are a cache of ``catalog.buybox``; ``catalog.services.product_refresh_buy_box``
    keeps them current.
    """

    class TaxClass(models.TextChoices):
        STANDARD = "standard", "Standard rate"
        REDUCED = "reduced", "Reduced rate (books, food)"
        CLOTHING = "clothing", "Clothing and shoes"
        ZERO = "zero", "Zero-rated"

    class ReviewStatus(models.TextChoices):
        APPROVED = "approved", "Approved"
        PENDING = "pending", "Waiting for review"
        REJECTED = "rejected", "Rejected"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="variants"
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=320, unique=True)
    description = models.TextField(blank=True)
    gtin = models.CharField("GTIN / EAN / UPC", max_length=14, null=True, blank=True, unique=True)
    attributes = models.JSONField(default=dict, blank=True)
    variation_theme = models.CharField(
        max_length=60, blank=True, help_text="On a parent: what its variations differ by, e.g. Size."
    )
    variant_attributes = models.JSONField(default=dict, blank=True)
    weight_grams = models.PositiveIntegerField(default=500)
    tax_class = models.CharField(max_length=20, choices=TaxClass.choices, default=TaxClass.STANDARD)
    list_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0, help_text="Units sold, last 30 days.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    # A product a seller created in Seller Central stays ``is_active=False`` (hidden everywhere)
    # until staff approve it (docs/decisions/0081-seller-new-products.md); these record why.
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED
    )
    review_note = models.TextField(blank=True, help_text="Why it was rejected: shown to the seller.")
    submitted_by_seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="submitted_products"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    # Cache of the buy-box rule (see catalog/buybox.py).
    buy_box_offer = models.ForeignKey(
        "Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    buy_box_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    buy_box_currency = models.CharField(max_length=3, default="USD")
    discount_percent = models.PositiveSmallIntegerField(default=0)
    offer_count = models.PositiveIntegerField(default=0)
    in_stock = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sales_count", "id"]
        indexes = [
            models.Index(
                "category", F("sales_count").desc(), "id", name="product_cat_sales_idx", condition=LISTED
            ),
            models.Index("category", "buy_box_price_amount", name="product_cat_price_idx", condition=LISTED),
            models.Index(
                "category", F("rating_average").desc(), name="product_cat_rating_idx", condition=LISTED
            ),
            models.Index("category", F("created_at").desc(), name="product_cat_new_idx", condition=LISTED),
            models.Index("brand", "category", name="product_brand_cat_idx", condition=LISTED),
            models.Index(
                F("sales_count").desc(), name="product_bestseller_idx", condition=LISTED & Q(in_stock=True)
            ),
            models.Index(
                "submitted_by_seller",
                F("submitted_at").desc(),
                name="product_submitted_idx",
                condition=Q(submitted_by_seller__isnull=False),
            ),
            models.Index(
                F("discount_percent").desc(),
                name="product_deal_idx",
                condition=LISTED & Q(in_stock=True, discount_percent__gt=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_average__gte=0) & Q(rating_average__lte=5),
                name="product_rating_between_0_and_5",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="product_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(review_status="approved") | Q(is_active=False),
                name="product_unreviewed_is_inactive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:product-detail", kwargs={"slug": self.slug})

    @property
    def is_parent(self) -> bool:
        return bool(self.variation_theme) and self.parent_id is None


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt_text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product", "position", "id"]
        indexes = [models.Index(fields=["product", "position"], name="productimage_product_pos_idx")]

    def __str__(self):
        return self.alt_text


class Offer(models.Model):
    """One seller's listing of a product: its SKU, price, condition and handling time.

    Stock lives in ``fulfillment.Stock``, per offer and warehouse.
    """

    class Condition(models.TextChoices):
        NEW = "new", "New"
        REFURBISHED = "refurbished", "Renewed"
        USED_LIKE_NEW = "used_like_new", "Used - Like New"
        USED_GOOD = "used_good", "Used - Good"
        USED_ACCEPTABLE = "used_acceptable", "Used - Acceptable"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="offers")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="offers")
    sku = models.CharField("SKU", max_length=64)
    condition = models.CharField(max_length=16, choices=Condition.choices, default=Condition.NEW)
    condition_note = models.CharField(max_length=300, blank=True)
    price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    handling_days = models.PositiveSmallIntegerField(default=2)
    fulfilled_by_marketplace = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["price_amount", "id"]
        indexes = [
            models.Index(fields=["product", "is_active"], name="offer_product_active_idx"),
            models.Index(
                "seller", F("created_at").desc(), name="offer_seller_new_idx", condition=Q(is_active=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="unique_sku_per_seller"),
            models.CheckConstraint(condition=Q(price_amount__gt=0), name="offer_price_positive"),
            models.CheckConstraint(condition=Q(shipping_amount__gte=0), name="offer_shipping_not_negative"),
            models.CheckConstraint(condition=Q(handling_days__lte=30), name="offer_handling_at_most_30_days"),
        ]

    def __str__(self):
        return f"{self.sku} by {self.seller_id} at {self.price_amount} {self.currency}"

    @property
    def landed_price_amount(self):
        return self.price_amount + self.shipping_amount


class ProductSearchDocument(models.Model):
    """The search index row of a listed product (PostgreSQL search backend).

    A 1:1 side table, not columns on ``Product``: the buy-box cache on
    ``Product`` changes with every sale and restock, and each non-HOT update of
    a row rewrites every index entry of it, the GIN entries of the document
    included. Here only ``document`` (GIN) and ``in_stock, popularity`` (a
    btree; popularity is rounded so it rarely moves) are indexed, so a change
    of price, stock level or offers is a HOT update that writes no index at
    all (the table keeps 20% free space for it), and
    ``catalog.search.indexing`` skips rows whose values did not change. The
    table is kept current by ``catalog.search.indexing.search_index_refresh``.
    """

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    document = SearchVectorField()
    category = models.ForeignKey(
        Category, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    category_path = models.CharField(max_length=255)
    brand = models.ForeignKey(
        Brand, null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    in_stock = models.BooleanField(default=False)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0)
    popularity = models.FloatField(default=0, help_text="Sales and Bayesian rating, 0 to 1.")
    created_at = models.DateTimeField()
    seller_ids = ArrayField(models.BigIntegerField(), default=list)
    conditions = ArrayField(models.CharField(max_length=16), default=list)
    fulfilled_by_marketplace = models.BooleanField(default=False)

    class Meta:
        indexes = [
            GinIndex(fields=["document"], name="productsearch_document_gin"),
            # Lets a broad query take its best matches without visiting every match.
            models.Index(fields=["in_stock", "popularity", "product"], name="productsearch_popularity_idx"),
        ]

    def __str__(self):
        return f"search document of {self.product_id}"


class SearchTerm(models.Model):
    """A word of the catalog (titles, brands, categories) for typo correction and completion."""

    term = models.CharField(max_length=64, primary_key=True)
    lexeme = models.CharField(max_length=64)
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["lexeme"], name="searchterm_lexeme_idx")]

    def __str__(self):
        return self.term


class SearchSynonym(models.Model):
    """Words or phrases shoppers write for the same thing ("tv, television"), applied at query time.

    Each term of ``terms`` finds what any other finds; staff edit them in the admin, and
    ``catalog.search.synonyms`` caches the table until one is saved or deleted.
    """

    terms = models.CharField(
        max_length=300,
        help_text="Comma-separated equivalents, each a word or a short phrase: tv, television.",
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self):
        return self.terms


class ProductViewDaily(models.Model):
    """Product page views per UTC day and the seller that held the buy box when they were shown.

    Counted in the cache on every product page view (``catalog.analytics``) and added here
    by ``product_views_flush`` every few minutes; ``buy_box_seller`` is null for views of a
    page without a buy box. Read by the sellers' analytics (payments/seller_central/).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    buy_box_seller = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target; one row for "no buy box" too (NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["product", "day", "buy_box_seller"],
                name="product_view_daily_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.views} views of product {self.product_id} on {self.day}"
