from decimal import Decimal

import factory

from catalog.models import Brand, Category, Offer, Product
from catalog.services import category_create
from tests.sellers.factories import SellerFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    """Categories go through ``category_create`` so ``path`` is right."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return category_create(**kwargs)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A product used in tests."
    attributes = factory.LazyFunction(lambda: {"Colour": "Black"})


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    product = factory.SubFactory(ProductFactory)
    seller = factory.SubFactory(SellerFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    price_amount = Decimal("19.99")
    shipping_amount = Decimal("0.00")
    handling_days = 2
