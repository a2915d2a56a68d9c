"""Sellers by health in the admin: the Seller changelist's health column and filter, the scorecard
admin's actions, and the admin index's counts of what needs staff's action."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import SellerScorecard, SellerScorecardWindow
from sellers.models import Seller, SellerApplication
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sellers_seller_changelist"


def scorecard(seller, *, breaches=(), proposed=False, defect_rate=None):
    now = timezone.now()
    card = SellerScorecard.objects.create(
        seller=seller,
        computed_at=now,
        breaches=list(breaches),
        breach_since=now if breaches else None,
        suspension_proposed_at=now if proposed else None,
    )
    SellerScorecardWindow.objects.create(scorecard=card, days=30, orders=10)
    SellerScorecardWindow.objects.create(scorecard=card, days=90, orders=40, order_defect_rate=defect_rate)
    return card


@pytest.fixture
def health():
    sellers = {
        "none": SellerFactory(name="A no card"),
        "ok": SellerFactory(name="B fine"),
        "past": SellerFactory(name="C late", buy_box_eligible=False),
        "proposed": SellerFactory(name="D defects", buy_box_eligible=False),
    }
    scorecard(sellers["ok"], defect_rate=Decimal("0.0025"))
    scorecard(sellers["past"], breaches=["late_shipment_rate"], defect_rate=Decimal("0.0050"))
    scorecard(
        sellers["proposed"],
        breaches=["order_defect_rate", "cancellation_rate"],
        proposed=True,
        defect_rate=Decimal("0.0150"),
    )
    return sellers


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def names(response) -> list[str]:
    return [seller.name for seller in response.context["cl"].result_list]


def test_the_seller_changelist_shows_each_sellers_health_and_defect_rate(staff_client, health):
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    rows = {seller.name: seller.health_rank for seller in response.context["cl"].result_list}
    assert rows == {"A no card": 0, "B fine": 1, "C late": 2, "D defects": 3}
    text = response.text
    card = SellerScorecard.objects.get(seller=health["proposed"])
    url = reverse("admin:fulfillment_sellerscorecard_change", args=[card.pk])
    assert (
        f'<a href="{url}">Proposed for suspension</a>: Order defect rate, Pre-fulfilment cancellation rate'
        in text
    )
    assert "Past a threshold</a>: Late shipment rate" in text
    assert "Within every threshold" in text and "No scorecard yet" in text
    assert "1.50 %" in text and "0.25 %" in text and "0.50 %" in text


@pytest.mark.parametrize(
    ("health_filter", "expected"),
    [
        ("proposed", ["D defects"]),
        ("past", ["C late", "D defects"]),
        ("ok", ["B fine"]),
        ("none", ["A no card"]),
    ],
)
def test_the_health_filter(staff_client, health, health_filter, expected):
    response = staff_client.get(reverse(CHANGELIST), {"health": health_filter})
    assert names(response) == expected


def test_sorting_by_health_puts_the_worst_first(staff_client, health):
    response = staff_client.get(reverse(CHANGELIST))
    columns = list(response.context["cl"].list_display)
    index = columns.index(next(c for c in columns if getattr(c, "__name__", "") == "seller_health"))
    ordered = staff_client.get(reverse(CHANGELIST), {"o": str(index)})
    assert names(ordered) == ["D defects", "C late", "B fine", "A no card"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_changelist_with_scorecards_costs_the_same_for_3_and_30_sellers(
    staff_client, django_assert_num_queries, rows
):
    for n in range(rows):
        scorecard(
            SellerFactory(), breaches=["late_shipment_rate"] if n % 2 else [], defect_rate=Decimal("0.01")
        )
    with django_assert_num_queries(9):
        assert staff_client.get(reverse(CHANGELIST)).status_code == 200


def test_suspend_from_the_health_list_and_reinstate_from_the_scorecards(staff_client, health):
    proposed = health["proposed"]
    done = staff_client.post(
        reverse(CHANGELIST),
        {"action": "suspend", "_selected_action": [proposed.pk], "apply": "1", "reason": "Defects."},
        follow=True,
    )
    assert done.status_code == 200
    assert Seller.objects.get(pk=proposed.pk).status == Seller.Status.SUSPENDED

    cards = SellerScorecard.objects.filter(seller__in=[proposed, health["ok"]]).order_by("seller__name")
    response = staff_client.post(
        reverse("admin:fulfillment_sellerscorecard_changelist"),
        {"action": "reinstate", "_selected_action": [card.pk for card in cards]},
        follow=True,
    )
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert messages == [
        ("error", "B fine is approved and cannot be approved."),
        ("success", "Reinstated 1: D defects."),
    ]
    assert Seller.objects.get(pk=proposed.pk).status == Seller.Status.APPROVED
    assert Seller.objects.get(pk=health["ok"].pk).status == Seller.Status.APPROVED


def test_reinstating_needs_the_change_permission(client, health):
    seller = health["proposed"]
    Seller.objects.filter(pk=seller.pk).update(status=Seller.Status.SUSPENDED)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_sellerscorecard", content_type__app_label="fulfillment")
    )
    client.force_login(viewer)
    card = SellerScorecard.objects.get(seller=seller)
    response = client.post(
        reverse("admin:fulfillment_sellerscorecard_changelist"),
        {"action": "reinstate", "_selected_action": [card.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["You may not change sellers."]
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.SUSPENDED


def test_the_admin_index_counts_what_needs_action(staff_client, health):
    applied = SellerFactory(name="Applicant", status=Seller.Status.APPLIED)
    SellerApplication.objects.create(seller=applied, what_they_sell="Lamps")
    suspended = SellerFactory(name="Old", status=Seller.Status.SUSPENDED)
    scorecard(suspended, breaches=["late_shipment_rate"], proposed=True)
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    text = response.text
    assert "<caption>Needs your action</caption>" in text
    applications = reverse("admin:sellers_sellerapplication_changelist") + "?status=applied"
    assert f'<a href="{applications}">Applications waiting for a decision</a></th><td>1</td>' in text
    past = reverse(CHANGELIST) + "?health=past"
    assert f'<a href="{past}">Sellers past a scorecard threshold</a></th><td>3</td>' in text
    proposed = reverse(CHANGELIST) + "?health=proposed"
    # Only approved sellers wait for a suspension.
    assert f'<a href="{proposed}">Sellers proposed for suspension</a></th><td>1</td>' in text
    listed = staff_client.get(reverse(CHANGELIST), {"health": "proposed"})
    assert names(listed) == ["D defects"]
    assert names(staff_client.get(reverse(CHANGELIST), {"health": "past"})) == ["C late", "D defects", "Old"]


def test_staff_without_the_permissions_see_no_counts(client, health):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Needs your action" not in response.text
