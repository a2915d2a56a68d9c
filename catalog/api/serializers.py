"""Output shapes of the catalog API; input serializers validate query strings strictly."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.forms import SORT_CHOICES
from catalog.search.types import SORTS

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node) -> list:
        return CategoryNodeSerializer(node["children"], many=True).data


class ImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt_text = serializers.CharField()

    def get_url(self, image) -> str:
        request = self.context.get("request")
        url = image.image.url
        return request.build_absolute_uri(url) if request else url


class ProductCardSerializer(serializers.Serializer):
    """A product in a list: what the storefront's product card shows."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    brand = serializers.CharField(source="brand.name", default=None)
    price = serializers.DecimalField(source="buy_box_price_amount", allow_null=True, **MONEY)
    currency = serializers.CharField(source="buy_box_currency")
    list_price = serializers.DecimalField(source="list_price_amount", allow_null=True, **MONEY)
    discount_percent = serializers.IntegerField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField()
    offer_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    image = serializers.SerializerMethodField()

    def get_url(self, product) -> str:
        path = reverse("api:product-detail", kwargs={"slug": product.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, product):
        images = getattr(product, "card_images", None) or []
        return ImageSerializer(images[0], context=self.context).data if images else None


class ProductPageSerializer(serializers.Serializer):
    """A cursor page of products (marketplace.api.pagination)."""

    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null on the first.")
    results = ProductCardSerializer(many=True)


class SellerSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField()


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seller = SellerSerializer()
    price = serializers.DecimalField(source="price_amount", **MONEY)
    shipping = serializers.DecimalField(source="shipping_amount", **MONEY)
    currency = serializers.CharField()
    condition = serializers.CharField()
    condition_note = serializers.CharField()
    handling_days = serializers.IntegerField()
    fulfilled_by_marketplace = serializers.BooleanField()
    available = serializers.IntegerField(help_text="Units that can be ordered now.")


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    variant_attributes = serializers.DictField()
    price = serializers.DecimalField(source="buy_box_price_amount", allow_null=True, **MONEY)
    currency = serializers.CharField(source="buy_box_currency")
    in_stock = serializers.BooleanField()


class ProductDetailSerializer(serializers.Serializer):
    """A catalog.selectors.ProductPage: the product, its offers and buy box, its variations."""

    id = serializers.IntegerField(source="product.id")
    slug = serializers.SlugField(source="product.slug")
    title = serializers.CharField(source="product.title")
    description = serializers.CharField(source="product.description")
    brand = serializers.CharField(source="product.brand.name", default=None)
    category = CategoryRefSerializer(source="product.category")
    breadcrumbs = CategoryRefSerializer(source="ancestors", many=True)
    attributes = serializers.DictField()
    list_price = serializers.DecimalField(source="product.list_price_amount", allow_null=True, **MONEY)
    discount_percent = serializers.IntegerField(source="product.discount_percent")
    rating_average = serializers.DecimalField(source="product.rating_average", max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField(source="product.rating_count")
    in_stock = serializers.BooleanField(source="product.in_stock")
    images = ImageSerializer(many=True)
    variation_theme = serializers.CharField()
    variants = VariantSerializer(many=True)
    selected_variant = serializers.SlugField(source="selected_variant.slug", default=None)
    buy_box = OfferSerializer(allow_null=True)
    other_offers = OfferSerializer(many=True)


class ProductListQuerySerializer(serializers.Serializer):
    """The query string of ``GET /api/v1/products/``: anything that does not parse is a 400."""

    category = serializers.SlugField(required=False, help_text="A category slug; its subcategories count.")
    brand = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text="Brand slugs (repeat the parameter)."
    )
    price_min = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    price_max = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text="Stars and up.")
    in_stock = serializers.BooleanField(required=False, default=None, allow_null=True)
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)

    def validate(self, attrs):
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_max": ["Must not be less than price_min."]})
        return attrs


class SearchQuerySerializer(serializers.Serializer):
    """What ``GET /api/v1/search/`` validates before catalog.search parses the rest
    (filters as on the storefront: category, brand, price, rating, seller, condition)."""

    q = serializers.CharField(max_length=500, help_text="What to search for.")
    sort = serializers.ChoiceField(choices=list(SORTS.items()), required=False)
    page = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    values = FacetValueSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(source="query.text")
    total = serializers.IntegerField()
    total_is_lower_bound = serializers.BooleanField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    did_you_mean = serializers.CharField(allow_null=True)
    facets = FacetSerializer(many=True)
    results = ProductCardSerializer(source="products", many=True)


class SuggestionsSerializer(serializers.Serializer):
    query = serializers.CharField()
    completions = serializers.ListField(child=serializers.CharField())
    categories = serializers.ListField(child=serializers.DictField())
    products = serializers.ListField(child=serializers.DictField())
