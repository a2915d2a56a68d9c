from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from catalog.services import product_refresh_buy_box
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sellers_seller_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def run_action(client, action, sellers, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in sellers], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def status_of(seller):
    return Seller.objects.values_list("status", flat=True).get(pk=seller.pk)


def test_seller_and_member_pages_load_for_staff(staff_client):
    member = SellerMemberFactory()
    OfferFactory(seller=member.seller)
    pages = [
        reverse(CHANGELIST),
        reverse("admin:sellers_seller_add"),
        reverse("admin:sellers_seller_change", args=[member.seller.pk]),
        reverse("admin:sellers_sellermember_changelist"),
        reverse("admin:sellers_sellermember_add"),
        reverse("admin:sellers_sellermember_change", args=[member.pk]),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url


def test_non_staff_users_are_sent_to_the_admin_login(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("rows", [3, 30])
def test_seller_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        member = SellerMemberFactory()
        OfferFactory.create_batch(2, seller=member.seller)
    # session, user, count, full count, rows, navigation, date hierarchy (2), country filter
    with django_assert_num_queries(9):
        response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert [(s.offer_total, s.member_total) for s in response.context["cl"].result_list] == [(2, 1)] * rows


@pytest.mark.parametrize("rows", [3, 30])
def test_member_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries, rows):
    SellerMemberFactory.create_batch(rows)
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("admin:sellers_sellermember_changelist"))
    assert len(response.context["cl"].result_list) == rows


def test_seller_search_and_status_filter(staff_client):
    acme = SellerFactory(name="Acme Goods", status=Seller.Status.APPLIED)
    SellerFactory(name="Globex")
    url = reverse(CHANGELIST)

    assert [s.pk for s in staff_client.get(url, {"q": "acme"}).context["cl"].result_list] == [acme.pk]
    assert [s.pk for s in staff_client.get(url, {"status__exact": "applied"}).context["cl"].result_list] == [
        acme.pk
    ]


def test_approve_action_approves_applications(staff_client):
    applied = SellerFactory(name="Newcomer", status=Seller.Status.APPLIED)

    response = run_action(staff_client, "approve", [applied])

    assert status_of(applied) == Seller.Status.APPROVED
    assert messages_of(response) == [("success", "Approved 1: Newcomer.")]
    assert LogEntry.objects.get(object_id=str(applied.pk)).change_message == "Approved."


def test_an_invalid_transition_shows_a_message_and_changes_nothing(staff_client):
    approved = SellerFactory(name="Acme Goods", status=Seller.Status.APPROVED)
    applied = SellerFactory(name="Newcomer", status=Seller.Status.APPLIED)

    response = run_action(staff_client, "reinstate", [approved, applied])

    assert response.status_code == 200
    assert messages_of(response) == [
        ("error", "Acme Goods is approved and cannot be approved."),
        ("error", "Newcomer is applied and cannot be approved."),
    ]
    assert (status_of(approved), status_of(applied)) == (Seller.Status.APPROVED, Seller.Status.APPLIED)
    assert not LogEntry.objects.exists()


def test_suspend_asks_for_a_reason_first(staff_client):
    seller = SellerFactory(name="Acme Goods")

    response = run_action(staff_client, "suspend", [seller])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/sellers/seller/suspend_selected.html"
    assert "Acme Goods" in response.content.decode()
    assert status_of(seller) == Seller.Status.APPROVED
    # an empty reason is refused on the same page
    response = run_action(staff_client, "suspend", [seller], apply="1", reason="")
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert status_of(seller) == Seller.Status.APPROVED


def test_suspending_a_seller_takes_its_offer_out_of_the_buy_box(staff_client):
    # given the seller's offer holds the buy box
    suspended, other = SellerFactory(name="Acme Goods"), SellerFactory()
    product = ProductFactory()
    warehouse = WarehouseFactory()
    cheap = OfferFactory(product=product, seller=suspended, price_amount=Decimal("10.00"))
    dear = OfferFactory(product=product, seller=other, price_amount=Decimal("12.00"))
    StockFactory(offer=cheap, warehouse=warehouse)
    StockFactory(offer=dear, warehouse=warehouse)
    product_refresh_buy_box(product_ids=[product.pk])
    product.refresh_from_db()
    assert product.buy_box_offer_id == cheap.pk

    # when staff suspend it with a reason
    response = run_action(staff_client, "suspend", [suspended], apply="1", reason="Counterfeit goods")

    # then
    assert messages_of(response) == [("success", "Suspended 1: Acme Goods.")]
    assert status_of(suspended) == Seller.Status.SUSPENDED
    product.refresh_from_db()
    assert product.buy_box_offer_id == dear.pk
    assert LogEntry.objects.get(object_id=str(suspended.pk)).change_message == "Suspended: Counterfeit goods"

    # and reinstating gives it back
    run_action(staff_client, "reinstate", [suspended])
    product.refresh_from_db()
    assert product.buy_box_offer_id == cheap.pk


def test_status_cannot_be_edited_on_the_change_form(staff_client):
    seller = SellerFactory(status=Seller.Status.APPLIED)
    data = {
        "name": seller.name,
        "slug": seller.slug,
        "description": "",
        "country": "US",
        "support_email": "",
        "status": "approved",
        "members-TOTAL_FORMS": 0,
        "members-INITIAL_FORMS": 0,
    }
    response = staff_client.post(reverse("admin:sellers_seller_change", args=[seller.pk]), data)
    assert response.status_code == 302
    assert status_of(seller) == Seller.Status.APPLIED
