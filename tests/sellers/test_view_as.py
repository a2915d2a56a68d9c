"""Staff view Seller Central as a seller: permission, reason, banner, read-only everywhere, audit, stop.

docs/decisions/0079-staff-view-as.md. The walk covers every URL of the
``seller`` namespace, so a new page is read-only for viewing staff the moment
it is routed.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sellers.access import VIEW_AS_SESSION_KEY
from sellers.central import READ_ONLY_MESSAGE
from sellers.models import Seller, SellerCentralAccess, SellerCentralAccessView, SellerMember
from tests.accounts.factories import UserFactory
from tests.sellers.central_data import seller_world
from tests.sellers.factories import SellerFactory, SellerMemberFactory
from tests.sellers.seller_central_urls import OPEN_TO_SIGNED_IN, STAFF_ONLY
from tests.sellers.test_central_access import section_of, urls_for

pytestmark = pytest.mark.django_db

REASON = "Ticket 4242: the seller cannot find its payout."


def staff_with_permission(**extra):
    user = UserFactory(is_staff=True, **extra)
    user.user_permissions.add(
        Permission.objects.get(codename="view_seller", content_type__app_label="sellers")
    )
    return user


def start(client, seller, reason=REASON):
    return client.post(reverse("seller:view-as", kwargs={"pk": seller.pk}), {"reason": reason})


def audit(access) -> list[tuple[str, str]]:
    return list(SellerCentralAccessView.objects.filter(access=access).values_list("method", "path"))


def test_only_active_staff_with_the_permission_may_view_as_a_seller(client):
    seller = SellerFactory()
    url = reverse("seller:view-as", kwargs={"pk": seller.pk})
    stop = reverse("seller:view-as-stop")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    refused = {
        "shopper": UserFactory(),
        "staff without the permission": UserFactory(is_staff=True),
        "member of the seller": SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user,
        "non-staff with the permission": staff_with_permission(),
    }
    refused["non-staff with the permission"].is_staff = False
    refused["non-staff with the permission"].save(update_fields=["is_staff"])
    for who, user in refused.items():
        client.force_login(user)
        statuses = [
            client.get(url).status_code,
            start(client, seller).status_code,
            client.post(stop).status_code,
        ]
        assert statuses == [404, 404, 404], who
    assert SellerCentralAccess.objects.count() == 0

    by_group = UserFactory(is_staff=True)
    group = Group.objects.create(name="Seller support")
    group.permissions.add(Permission.objects.get(codename="view_seller", content_type__app_label="sellers"))
    by_group.groups.add(group)
    client.force_login(by_group)
    page = client.get(url)
    assert page.status_code == 200
    assert f"View Seller Central as {seller.name}" in page.text
    assert '<label for="view-as-reason">' in page.text
    assert start(client, seller).status_code == 302
    assert client.get(reverse("seller:dashboard")).status_code == 200

    missing = reverse("seller:view-as", kwargs={"pk": seller.pk + 1000})
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why you are viewing this seller&#x27;s Seller Central."),
        ("   ", "Say why you are viewing this seller&#x27;s Seller Central."),
        ("ab", "The reason is too short: at least 3 characters."),
        ("x" * 301, "The reason is too long: at most 300 characters."),
        ("bad\x00text", "The reason contains a character that is not allowed."),
    ],
)
def test_a_reason_of_3_to_300_characters_is_required(client, reason, message):
    seller = SellerFactory()
    client.force_login(staff_with_permission())
    response = start(client, seller, reason)
    assert response.status_code == 400
    assert message in response.text
    assert SellerCentralAccess.objects.count() == 0
    assert VIEW_AS_SESSION_KEY not in client.session
    assert client.get(reverse("seller:dashboard")).status_code == 404


def test_an_applicant_has_no_seller_central_to_view(client):
    seller = SellerFactory(status=Seller.Status.APPLIED, name="Waiting Co")
    client.force_login(staff_with_permission())
    response = start(client, seller)
    assert response.status_code == 400
    assert "Waiting Co is applied: it has no Seller Central to view." in response.text
    assert SellerCentralAccess.objects.count() == 0


def test_starting_records_the_access_and_every_page_shows_the_banner(client):
    world = seller_world()
    staff = staff_with_permission()
    client.force_login(staff)
    response = start(client, world["seller"], f"  {REASON}  ")
    assert response.status_code == 302 and response["Location"] == reverse("seller:dashboard")

    access = SellerCentralAccess.objects.get()
    assert (access.staff, access.seller, access.reason, access.remote_ip, access.ended_at) == (
        staff,
        world["seller"],
        REASON,
        "127.0.0.1",
        None,
    )
    assert client.session[VIEW_AS_SESSION_KEY] == access.pk

    page = client.get(reverse("seller:dashboard"))
    assert page.status_code == 200
    assert f"Viewing as {world['seller'].name} (read-only)" in page.text
    assert f'action="{reverse("seller:view-as-stop")}"' in page.text
    assert f"Stop viewing as {world['seller'].name}</button>" in page.text
    assert "Staff, read-only" in page.text
    # The owner's navigation: every section.
    assert reverse("seller:member-list") in page.text and reverse("seller:money") in page.text
    client.get(reverse("seller:order-list") + "?page=1")
    assert audit(access) == [("GET", "/seller/"), ("GET", "/seller/orders/?page=1")]


def _snapshot() -> dict:
    """Every row of every table but the audit of page views and the sessions: what a stray write changes."""
    skip = {SellerCentralAccessView, Session}
    snapshot = {}
    for model in apps.get_models():
        if model in skip or model._meta.proxy or not model._meta.managed:
            continue
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return snapshot


def test_viewing_staff_see_every_page_as_the_owner_does_and_every_write_is_refused(client):
    world = seller_world()
    urls = [(name, pattern, url) for name, pattern, url in urls_for(world) if name not in STAFF_ONLY]
    assert {"listing-list", "inventory", "order-list", "money", "member-list", "settings"} <= {
        name for name, _pattern, _url in urls
    }
    client.force_login(world["owner"])
    owner_statuses = {name: client.get(url).status_code for name, _pattern, url in urls}

    client.force_login(staff_with_permission())
    assert start(client, world["seller"]).status_code == 302
    access = SellerCentralAccess.objects.get()
    before = _snapshot()
    expected_audit = []
    failures = []
    for name, pattern, url in urls:
        if name != "choose" and name not in OPEN_TO_SIGNED_IN:
            status = client.get(url).status_code
            expected_audit.append(("GET", url))
            if status != owner_statuses[name]:
                failures.append(f"GET {name}: {status}, the owner got {owner_statuses[name]}")
        response = client.post(url, {"reason": "x", "role": "finance", "price": "1.00", "quantity": "0"})
        expected_audit.append(("POST", url))
        if response.status_code != 403 or READ_ONLY_MESSAGE not in response.text:
            failures.append(f"POST {name}: {response.status_code}")
        if section_of(pattern) is not None and f"Viewing as {world['seller'].name}" not in response.text:
            failures.append(f"POST {name}: no banner on the refusal")
    assert failures == []
    assert _snapshot() == before
    assert audit(access) == expected_audit

    # Another seller's ids are still a 404 while viewing (the viewed seller's selectors apply).
    theirs = seller_world()
    for name, _pattern, url in urls_for(theirs, with_arguments_only=True):
        if name in STAFF_ONLY or name in OPEN_TO_SIGNED_IN:
            continue
        assert client.get(url).status_code in {404, 405}, name


def test_view_as_takes_precedence_over_the_staff_members_own_membership_and_stop_ends_it(client):
    own = SellerMemberFactory(seller=SellerFactory(name="Own Shop"), role=SellerMember.Role.SHIPPING)
    viewed = SellerFactory(name="Viewed Shop")
    staff = own.user
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(
        Permission.objects.get(codename="view_seller", content_type__app_label="sellers")
    )
    client.force_login(staff)
    assert client.get(reverse("seller:dashboard")).context["seller"] == own.seller

    start(client, viewed)
    access = SellerCentralAccess.objects.get()
    page = client.get(reverse("seller:dashboard"))
    assert page.context["seller"] == viewed and page.context["seller_member"].role == SellerMember.Role.OWNER
    assert client.get(reverse("seller:money")).status_code == 200  # a shipping member could not

    stopped = client.post(reverse("seller:view-as-stop"))
    assert stopped.status_code == 302
    assert stopped["Location"] == reverse("admin:sellers_seller_change", args=[viewed.pk])
    access.refresh_from_db()
    assert access.ended_at is not None and access.ended_at >= access.started_at
    assert VIEW_AS_SESSION_KEY not in client.session
    page = client.get(reverse("seller:dashboard"))
    assert page.context["seller"] == own.seller and "Viewing as" not in page.text
    assert client.get(reverse("seller:money")).status_code == 404
    assert audit(access) == [("GET", "/seller/"), ("GET", reverse("seller:money"))]

    again = client.post(reverse("seller:view-as-stop"))
    assert again["Location"] == reverse("admin:sellers_seller_changelist")


def test_a_second_start_closes_the_first_access(client):
    first, second = SellerFactory(), SellerFactory()
    client.force_login(staff_with_permission())
    start(client, first)
    start(client, second)
    accesses = list(SellerCentralAccess.objects.order_by("pk"))
    assert [(a.seller, a.ended_at is None) for a in accesses] == [(first, False), (second, True)]
    assert client.get(reverse("seller:dashboard")).context["seller"] == second


def test_signing_out_ends_the_view(client):
    seller = SellerFactory()
    staff = staff_with_permission()
    client.force_login(staff)
    start(client, seller)
    client.post(reverse("account_logout"))
    access = SellerCentralAccess.objects.get()
    assert access.ended_at is not None
    client.force_login(staff)
    assert VIEW_AS_SESSION_KEY not in client.session
    assert client.get(reverse("seller:dashboard")).status_code == 404


def test_losing_the_permission_or_staff_status_ends_the_view_on_the_next_request(client):
    seller = SellerFactory()
    staff = staff_with_permission()
    client.force_login(staff)
    start(client, seller)
    assert client.get(reverse("seller:dashboard")).status_code == 200
    staff.user_permissions.clear()
    assert client.get(reverse("seller:dashboard")).status_code == 404
    assert VIEW_AS_SESSION_KEY not in client.session

    other = staff_with_permission()
    client.force_login(other)
    start(client, seller)
    other.is_staff = False
    other.save(update_fields=["is_staff"])
    assert client.get(reverse("seller:dashboard")).status_code == 404


@pytest.mark.parametrize("url_name", ["dashboard", "order-list", "member-list", "shipping-queue"])
def test_viewing_costs_one_insert_per_request_over_the_owners_queries(client, url_name):
    world = seller_world()
    url = reverse(f"seller:{url_name}")
    client.force_login(world["owner"])
    client.get(url)
    with CaptureQueriesContext(connection) as owner:
        assert client.get(url).status_code == 200

    client.force_login(staff_with_permission())
    start(client, world["seller"])
    client.get(url)  # shows (and so clears) the "you are viewing" message
    with CaptureQueriesContext(connection) as staff:
        assert client.get(url).status_code == 200
    assert len(staff.captured_queries) == len(owner.captured_queries) + 1
    inserts = [q["sql"] for q in staff.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and 'INSERT INTO "sellers_sellercentralaccessview"' in inserts[0]


def test_the_seller_admin_links_to_viewing_as_the_seller(client):
    seller = SellerFactory()
    applicant = SellerFactory(status=Seller.Status.APPLIED)
    link = "View Seller Central as this seller"
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:sellers_seller_change", args=[seller.pk]))
    assert f'<a href="{reverse("seller:view-as", kwargs={"pk": seller.pk})}">{link}</a>' in page.text
    assert link not in client.get(reverse("admin:sellers_seller_change", args=[applicant.pk])).text

    # The audit is in the admin, read-only.
    start(client, seller)
    client.get(reverse("seller:dashboard"))
    listing = client.get(reverse("admin:sellers_sellercentralaccess_changelist"))
    assert listing.status_code == 200 and REASON in listing.text
    access = SellerCentralAccess.objects.get()
    detail = client.get(reverse("admin:sellers_sellercentralaccess_change", args=[access.pk]))
    assert detail.status_code == 200 and "/seller/" in detail.text
    assert client.get(reverse("admin:sellers_sellercentralaccess_add")).status_code == 403
