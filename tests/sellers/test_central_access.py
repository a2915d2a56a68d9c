"""Who gets into every Seller Central page: each role, other sellers, shoppers, staff, nobody.

The URLs come from the ``seller`` namespace itself, so a new page is covered
the moment it is routed (and fails here until its arguments are described in
its app's tests/<app>/seller_central_urls.py).
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from sellers.access import ROLE_SECTIONS, Section
from sellers.models import SellerMember
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.sellers.central_data import seller_patterns, seller_world, url_kwargs
from tests.sellers.factories import SellerMemberFactory
from tests.sellers.seller_central_urls import OPEN_TO_SIGNED_IN, STAFF_ONLY

pytestmark = pytest.mark.django_db
Role = SellerMember.Role


def section_of(pattern) -> str | None:
    view_class = getattr(pattern.callback, "view_class", None)
    return getattr(view_class, "section", None) if view_class else None


def urls_for(world, *, with_arguments_only=False):
    kwargs_for = url_kwargs()
    for name, pattern in seller_patterns():
        kwargs = kwargs_for[name](world)
        if with_arguments_only and not kwargs:
            continue
        yield name, pattern, reverse(f"seller:{name}", kwargs=kwargs)


def test_every_seller_central_url_has_its_arguments_described():
    described = url_kwargs().keys()
    routed = {name for name, _ in seller_patterns()}
    assert routed - described == set(), "describe these URLs in tests/<app>/seller_central_urls.py"
    assert described - routed == set(), "these described URLs are not routed"


def test_every_seller_central_view_names_its_section():
    for name, pattern in seller_patterns():
        if name == "choose" or name in OPEN_TO_SIGNED_IN or name in STAFF_ONLY:
            assert section_of(pattern) is None, f"seller:{name} is not a section's page"
            continue
        assert section_of(pattern) in Section.values, f"seller:{name} names no Seller Central section"


def test_each_role_opens_exactly_its_sections(client):
    world = seller_world()
    members = {role: SellerMemberFactory(seller=world["seller"], role=role).user for role in Role.values}
    failures = []
    for name, pattern, url in urls_for(world):
        if name in OPEN_TO_SIGNED_IN or name in STAFF_ONLY:
            continue  # not a role's page (test_applications.py, test_members.py, test_view_as.py)
        section = section_of(pattern)
        for role, user in members.items():
            client.force_login(user)
            status = client.get(url).status_code
            allowed = section is None or section in ROLE_SECTIONS[role]
            if allowed and status == 404:
                failures.append(f"{role} got 404 on {name}")
            if not allowed and status != 404:
                failures.append(f"{role} got {status} on {name}, expected 404")
    assert failures == []


def test_anonymous_visitors_are_sent_to_sign_in_and_others_get_404(client):
    """Staff who have not started viewing as a seller (tests/sellers/test_view_as.py) get 404 too."""
    world = seller_world()
    shopper = UserFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    failures = []
    for name, _pattern, url in urls_for(world):
        client.logout()
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse("account_login")):
            failures.append(f"anonymous got {response.status_code} on {name}")
        if name in OPEN_TO_SIGNED_IN:
            continue  # a shopper may apply, or accept an invitation sent to them
        for who, user in (("shopper", shopper), ("staff", staff)):
            if who == "staff" and name in STAFF_ONLY:
                continue  # staff's own view-as pages (tests/sellers/test_view_as.py)
            client.force_login(user)
            for method in (client.get, client.post):
                status = method(url).status_code
                if status != 404:
                    failures.append(f"{who} got {status} on {method.__name__} {name}")
    assert failures == []


def test_another_sellers_ids_are_404_on_every_page_and_change_nothing(client):
    mine = seller_world()
    theirs = seller_world()
    client.force_login(mine["owner"])
    before = _state(theirs)
    failures = []
    for name, _pattern, url in urls_for(theirs, with_arguments_only=True):
        # A view that does not take the method says 405 whatever the id, which confirms nothing;
        # every view must take one of the two and answer it with 404.
        statuses = {method.__name__: method(url).status_code for method in (client.get, client.post)}
        if set(statuses.values()) - {404, 405} or 404 not in statuses.values():
            failures.append(f"{name} with the other seller's ids gave {statuses}")
    assert failures == []
    assert _state(theirs) == before


def _state(world) -> dict:
    """What a stray write on another seller's objects would change."""
    world["seller_order"].refresh_from_db()
    world["return"].refresh_from_db()
    world["shipment"].refresh_from_db()
    return {
        "seller_order": world["seller_order"].status,
        "return": world["return"].status,
        "shipment": (world["shipment"].status, world["shipment"].voided_at),
    }


def test_a_member_of_two_sellers_chooses_one_and_sees_only_its_data(client):
    first = seller_world()
    second = seller_world()
    user = first["owner"]
    SellerMemberFactory(seller=second["seller"], user=user, role=Role.SHIPPING)
    client.force_login(user)

    response = client.get(reverse("seller:shipping-queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("seller:choose"))

    page = client.get(reverse("seller:choose"))
    assert first["seller"].name in page.text and second["seller"].name in page.text

    bad = client.post(reverse("seller:choose"), {"seller": "not-a-number"})
    assert bad.status_code == 400 and "Choose one of the sellers you work for." in bad.text
    stranger = seller_world()
    refused = client.post(reverse("seller:choose"), {"seller": stranger["seller"].pk})
    assert refused.status_code == 400

    chosen = client.post(
        reverse("seller:choose"), {"seller": second["seller"].pk, "next": reverse("seller:return-list")}
    )
    assert chosen.status_code == 302 and chosen["Location"] == reverse("seller:return-list")
    # As a shipping member of the second seller: its orders, not the first seller's, and no money.
    detail = client.get(reverse("seller:return-detail", kwargs={"number": second["return"].number}))
    assert detail.status_code == 200
    other = client.get(reverse("seller:return-detail", kwargs={"number": first["return"].number}))
    assert other.status_code == 404
    assert client.get(reverse("seller:performance")).status_code == 404

    # An off-site "next" is ignored.
    offsite = client.post(
        reverse("seller:choose"), {"seller": first["seller"].pk, "next": "https://evil.example/"}
    )
    assert offsite["Location"] == reverse("seller:dashboard")


def test_a_removed_member_loses_access_on_the_next_request(client):
    world = seller_world()
    member = SellerMemberFactory(seller=world["seller"], role=Role.MANAGER)
    client.force_login(member.user)
    assert client.get(reverse("seller:dashboard")).status_code == 200
    member.delete()
    assert client.get(reverse("seller:dashboard")).status_code == 404


def sign_in(client, user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.text


def test_the_dashboard_shows_the_sections_of_the_role_and_the_header_links_to_it(client):
    world = seller_world()
    shipping = SellerMemberFactory(seller=world["seller"], role=Role.SHIPPING).user
    client.force_login(world["owner"])
    owner_page = client.get(reverse("seller:dashboard")).text
    assert reverse("seller:performance") in owner_page and reverse("seller:return-list") in owner_page

    client.logout()
    sign_in(client, shipping)
    page = client.get(reverse("seller:dashboard")).text
    assert reverse("seller:shipping-queue") in page
    assert reverse("seller:performance") not in page
    home = client.get(reverse("catalog:home")).text
    assert f'href="{reverse("seller:dashboard")}"' in home


def test_a_shopper_has_no_seller_central_link(client):
    shopper = UserFactory()
    sign_in(client, shopper)
    assert f'href="{reverse("seller:dashboard")}"' not in client.get(reverse("catalog:home")).text


def test_the_owner_sees_the_registered_checklist_and_cards_of_its_role(client, monkeypatch):
    from sellers import central

    monkeypatch.setattr(central, "_STEPS", {})
    monkeypatch.setattr(central, "_CARDS", {})
    central.onboarding_step_register(
        central.OnboardingStep(
            "ship", "Set up shipping", "seller:shipping-queue", done=lambda s: True, order=1
        )
    )
    central.onboarding_step_register(
        central.OnboardingStep("list", "List a product", "seller:return-list", done=lambda s: False, order=2)
    )
    central.dashboard_card_register(
        central.DashboardCard(
            "orders",
            Section.ORDERS,
            "sellers/central/card.html",
            lambda s: {"title": "Open", "rows": [("To ship", 3)]},
        )
    )
    world = seller_world()
    client.force_login(world["owner"])
    page = client.get(reverse("seller:dashboard"))
    assert page.context["checklist_done"] == 1 and page.context["checklist_percent"] == 50
    assert "1 of 2 steps done." in page.text and "Set up shipping" in page.text
    assert [card["key"] for card in page.context["cards"]] == ["orders"]
    assert "<dt>To ship</dt><dd>3</dd>" in page.text

    finance = SellerMemberFactory(seller=world["seller"], role=Role.FINANCE).user
    client.force_login(finance)
    page = client.get(reverse("seller:dashboard"))
    assert page.context["cards"] == [] and page.context["checklist"] == []
