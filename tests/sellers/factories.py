from decimal import Decimal

import factory

from sellers.models import Seller, SellerMember
from tests.accounts.factories import UserFactory


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    name = factory.Sequence(lambda n: f"Seller {n}")
    slug = factory.Sequence(lambda n: f"seller-{n}")
    status = Seller.Status.APPROVED
    rating_average = Decimal("4.50")
    rating_count = 100


class SellerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerMember

    seller = factory.SubFactory(SellerFactory)
    user = factory.SubFactory(UserFactory)
    role = SellerMember.Role.OWNER
