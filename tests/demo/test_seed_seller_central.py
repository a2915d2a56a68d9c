"""The demo seller's Seller Central has something in every section, for every role of its team."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Offer
from fulfillment.models import ReturnRequest, StockAlertSetting
from marketplace.demo import vocabulary as v
from marketplace.demo.seed import seed_demo
from marketplace.demo.seller_central import APPLICANT, TEAM, seed_application, seed_seller_central
from orders.models import SellerOrder
from payments.models import LedgerEntry, SellerPayoutAccount
from sellers.central import nav_for
from sellers.models import Seller, SellerApplication, SellerMember
from tests.demo.conftest import SEED, SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_demo(products=SMALL, seed=SEED)
    return SellerMember.objects.select_related("seller").get(user__email="seller@example.com").seller


def signed_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": v.DEMO_PASSWORD})
    assert response.status_code == 302, email
    return client


def test_the_demo_owner_finds_data_in_every_section(demo):
    client = signed_in("seller@example.com")
    assert f'href="{reverse("seller:dashboard")}"' in client.get(reverse("catalog:home")).text
    dashboard = client.get(reverse("seller:dashboard"))
    assert dashboard.status_code == 200 and dashboard.context["cards"]
    for item in nav_for(role=SellerMember.Role.OWNER):
        assert client.get(item["url"]).status_code == 200, item

    offer = Offer.objects.filter(seller=demo).order_by("pk").first()
    assert offer.sku in client.get(reverse("seller:listing-list") + f"?q={offer.sku}").text
    assert offer.sku in client.get(reverse("seller:inventory") + f"?q={offer.sku}").text
    seller_order = SellerOrder.objects.filter(seller=demo).order_by("-created_at").first()
    assert seller_order.number in client.get(reverse("seller:order-list") + "?status=all").text
    rma = ReturnRequest.objects.filter(seller_order__seller=demo).first()
    assert rma is not None
    assert rma.number in client.get(reverse("seller:return-list") + f"?status={rma.status}").text
    assert LedgerEntry.objects.filter(seller=demo).exists()
    today = timezone.now().date()
    year = f"?start={today - timedelta(days=365)}&end={today}"
    # The first sale of the year's statement (its first page: a year of sales runs to several).
    since = timezone.now() - timedelta(days=364)
    sales = LedgerEntry.objects.filter(seller=demo, seller_order__isnull=False, created_at__gte=since)
    entry = sales.order_by("created_at", "pk").first()
    assert entry.seller_order.number in client.get(reverse("seller:statement") + year).text
    members = client.get(reverse("seller:member-list")).text
    assert all(name in members for _, name, _, _ in TEAM)
    assert SellerPayoutAccount.objects.filter(seller=demo).exists()
    assert StockAlertSetting.objects.filter(offer__seller=demo).count() == 3


@pytest.mark.parametrize("email", [member[0] for member in TEAM])
def test_each_team_member_opens_the_sections_of_its_role(demo, email):
    client = signed_in(email)
    role = SellerMember.objects.get(user__email=email, seller=demo).role
    for item in nav_for(role=role):
        assert client.get(item["url"]).status_code == 200, (email, item)
    if role != SellerMember.Role.FINANCE:
        assert client.get(reverse("seller:statement")).status_code == 404


def test_staff_find_the_waiting_application(demo):
    application = SellerApplication.objects.get(applicant__email=APPLICANT[0])
    assert application.seller.status == Seller.Status.APPLIED
    staff = signed_in("staff@example.com")
    assert application.seller.name in staff.get(reverse("admin:sellers_sellerapplication_changelist")).text


def test_seeding_seller_central_again_adds_nothing(demo):
    assert seed_seller_central(seller_id=demo.pk) == []
    assert seed_application() == []
