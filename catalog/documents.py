"""The Elasticsearch document of a listed product (django-elasticsearch-dsl).

One document per listed product (a parent or a standalone product; a
variation is found through its parent, whose document holds the variations'
attribute values and offers), with the offer summary that filters, facets and
ranking read, so a search never joins the database. Nothing indexes on save
(``ELASTICSEARCH_DSL_AUTOSYNC = False`` and ``ignore_signals``): Celery does,
from the outbox (``catalog.search.elasticsearch``), and ``manage.py
search_index --rebuild`` indexes everything in keyset chunks of
``INDEX_CHUNK`` products, four queries per chunk.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django_elasticsearch_dsl import Document, fields
from django_elasticsearch_dsl.registries import registry
from elasticsearch.dsl import analyzer, token_filter

from catalog.models import LISTED, Category, Offer, Product
from catalog.search.indexing import PRIOR_RATING, PRIOR_WEIGHT, SALES_SATURATION
from catalog.search.parsing import normalise_units

INDEX_CHUNK = 1000
DESCRIPTION_CHARS = 4000

# Type-ahead: "headph" matches the 2..15-character prefixes indexed for "headphones".
title_edge_ngram = token_filter("title_edge_ngram", type="edge_ngram", min_gram=2, max_gram=15)
autocomplete = analyzer(
    "autocomplete", tokenizer="standard", filter=["lowercase", "asciifolding", title_edge_ngram]
)
autocomplete_search = analyzer(
    "autocomplete_search", tokenizer="standard", filter=["lowercase", "asciifolding"]
)
# Did-you-mean: the phrase suggester scores corrections against word pairs and triples of the catalog.
spelling_shingle = token_filter("spelling_shingle", type="shingle", min_shingle_size=2, max_shingle_size=3)
spelling = analyzer("spelling", tokenizer="standard", filter=["lowercase", spelling_shingle])


def bayesian_rating(average: float, count: int) -> float:
    """Pull ``average`` towards PRIOR_RATING as if there were PRIOR_WEIGHT more ratings of it."""
    return (PRIOR_WEIGHT * PRIOR_RATING + average * count) / (PRIOR_WEIGHT + count)


@dataclass
class OfferSummary:
    """What a product's eligible, in-stock offers (its variations' included) add to its document."""

    seller_ids: list[int] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    fulfilled_by_marketplace: bool = False
    attribute_values: list[str] = field(default_factory=list)
    category_names: list[str] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)


def attach_search_summaries(products: list[Product]) -> list[Product]:
    """Set ``product.search_summary`` on each product; three queries whatever their number."""
    ids = [p.pk for p in products]
    variants = defaultdict(list)
    for variant in Product.objects.filter(parent_id__in=ids, is_active=True).only(
        "id", "parent_id", "attributes", "variant_attributes"
    ):
        variants[variant.parent_id].append(variant)
    owner = {v.pk: parent_id for parent_id, vs in variants.items() for v in vs}
    owner.update({pk: pk for pk in ids})

    from fulfillment.models import Stock

    sellable = Stock.objects.filter(offer=OuterRef("pk"), on_hand__gt=F("reserved"))
    offers = (
        Offer.objects.filter(product_id__in=list(owner), is_active=True, seller__status="approved")
        .filter(Exists(sellable))
        .values_list("product_id", "seller_id", "condition", "fulfilled_by_marketplace")
    )
    summaries = {pk: OfferSummary() for pk in ids}
    for product_id, seller_id, condition, fbm in offers:
        summary = summaries[owner[product_id]]
        if seller_id not in summary.seller_ids:
            summary.seller_ids.append(seller_id)
        if condition not in summary.conditions:
            summary.conditions.append(condition)
        summary.fulfilled_by_marketplace |= fbm

    ancestor_ids = {int(pk) for p in products for pk in p.category.path.strip("/").split("/") if pk}
    names = dict(Category.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    for product in products:
        summary = summaries[product.pk]
        summary.seller_ids.sort()
        summary.conditions.sort()
        summary.category_ids = [int(pk) for pk in product.category.path.strip("/").split("/") if pk]
        summary.category_names = [names[pk] for pk in summary.category_ids if pk in names]
        values = []
        for source in [product, *variants.get(product.pk, [])]:
            for attrs in (source.attributes, source.variant_attributes):
                if isinstance(attrs, dict):
                    values.extend(str(v) for v in attrs.values() if v not in (None, ""))
        summary.attribute_values = list(dict.fromkeys(values))
        product.search_summary = summary
    return products


@registry.register_document
class ProductDocument(Document):
    product_id = fields.IntegerField(attr="id")  # the tie-breaker of every sort
    title = fields.TextField(
        analyzer="english",
        fields={
            "edge": fields.TextField(analyzer=autocomplete, search_analyzer=autocomplete_search),
            "raw": fields.KeywordField(),
        },
    )
    brand_name = fields.TextField(analyzer="english")
    brand_id = fields.IntegerField()
    category_id = fields.IntegerField()
    category_ids = fields.IntegerField()  # the category and its ancestors: descendant filtering
    category_levels = fields.KeywordField()  # "depth:id" per ancestor: the drill-down facet
    category_names = fields.TextField(analyzer="english")
    attributes = fields.TextField(analyzer="english")
    description = fields.TextField(analyzer="english")
    spell = fields.TextField(analyzer=spelling)
    price = fields.ScaledFloatField(scaling_factor=100)  # the buy-box landed price
    currency = fields.KeywordField()
    in_stock = fields.BooleanField()
    seller_ids = fields.LongField()
    seller_count = fields.IntegerField()
    conditions = fields.KeywordField()
    fulfilled_by_marketplace = fields.BooleanField()
    rating_average = fields.FloatField()
    rating_count = fields.IntegerField()
    rating_bayes = fields.FloatField()
    sales_count = fields.IntegerField()
    popularity = fields.FloatField()
    created_at = fields.DateField()

    class Index:
        name = getattr(settings, "ELASTICSEARCH_INDEX", "marketplace-products")
        settings = {"number_of_shards": 1, "number_of_replicas": 0, "max_result_window": 10000}

    class Django:
        model = Product
        fields: list[str] = []
        ignore_signals = True  # never index inside a request: Celery does it from the outbox
        auto_refresh = False
        queryset_pagination = INDEX_CHUNK

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # django-elasticsearch-dsl 9.0 stores its preparers with ``self._prepared_fields = ...``,
        # which elasticsearch 9.4+ routes into the document's data, so ``prepare()`` read the
        # empty class default and indexed empty documents (django-es/django-elasticsearch-dsl#505).
        # Set them on the instance itself; harmless once the library is fixed.
        object.__setattr__(self, "_prepared_fields", self.init_prepare())

    def get_queryset(self):
        return (
            Product.objects.filter(LISTED)
            .select_related("category", "brand")
            .only(
                "id",
                "parent_id",
                "is_active",
                "category",
                "brand",
                "title",
                "description",
                "attributes",
                "variant_attributes",
                "rating_average",
                "rating_count",
                "sales_count",
                "created_at",
                "buy_box_price_amount",
                "buy_box_currency",
                "in_stock",
                "category__id",
                "category__path",
                "category__depth",
                "brand__id",
                "brand__name",
            )
            .order_by("pk")
        )

    def get_indexing_queryset(self):
        """Yield every listed product with its summary, in keyset chunks of INDEX_CHUNK."""
        last_id = 0
        while True:
            chunk = list(self.get_queryset().filter(pk__gt=last_id)[:INDEX_CHUNK])
            if not chunk:
                return
            yield from attach_search_summaries(chunk)
            last_id = chunk[-1].pk

    def should_index_object(self, obj) -> bool:
        return obj.parent_id is None and obj.is_active

    @staticmethod
    def _summary(instance) -> OfferSummary:
        if not hasattr(instance, "search_summary"):
            attach_search_summaries([instance])
        return instance.search_summary

    def prepare_title(self, instance):
        return normalise_units(instance.title)

    def prepare_brand_name(self, instance):
        return instance.brand.name if instance.brand_id else ""

    def prepare_brand_id(self, instance):
        return instance.brand_id

    def prepare_category_id(self, instance):
        return instance.category_id

    def prepare_category_ids(self, instance):
        return self._summary(instance).category_ids

    def prepare_category_levels(self, instance):
        return [f"{depth}:{pk}" for depth, pk in enumerate(self._summary(instance).category_ids)]

    def prepare_category_names(self, instance):
        return " ".join(self._summary(instance).category_names)

    def prepare_attributes(self, instance):
        return normalise_units(" ".join(self._summary(instance).attribute_values))

    def prepare_description(self, instance):
        return normalise_units(instance.description[:DESCRIPTION_CHARS])

    def prepare_spell(self, instance):
        brand = instance.brand.name if instance.brand_id else ""
        return " ".join(filter(None, [instance.title, brand, *self._summary(instance).category_names]))

    def prepare_price(self, instance):
        price = instance.buy_box_price_amount
        return None if price is None else float(price)

    def prepare_currency(self, instance):
        return instance.buy_box_currency

    def prepare_in_stock(self, instance):
        return bool(instance.in_stock)

    def prepare_seller_ids(self, instance):
        return self._summary(instance).seller_ids

    def prepare_seller_count(self, instance):
        return len(self._summary(instance).seller_ids)

    def prepare_conditions(self, instance):
        return self._summary(instance).conditions

    def prepare_fulfilled_by_marketplace(self, instance):
        return self._summary(instance).fulfilled_by_marketplace

    def prepare_rating_average(self, instance):
        return float(instance.rating_average)

    def prepare_rating_count(self, instance):
        return instance.rating_count

    def prepare_rating_bayes(self, instance):
        return round(bayesian_rating(float(instance.rating_average), instance.rating_count), 4)

    def prepare_sales_count(self, instance):
        return instance.sales_count

    def prepare_popularity(self, instance):
        """The PostgreSQL backend's popularity: 0.6 of saturated log sales plus 0.4 of the rating."""
        sales = min(math.log(1 + instance.sales_count) / math.log(SALES_SATURATION + 1), 1)
        bayes = bayesian_rating(float(instance.rating_average), instance.rating_count)
        return round(0.6 * sales + 0.4 * bayes / 5, 3)

    def prepare_created_at(self, instance):
        return instance.created_at
