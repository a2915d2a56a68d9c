"""Staff deciding applications in the admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail
from sellers.models import Seller, SellerApplication
from sellers.services import seller_application_approve
from tests.accounts.factories import UserFactory
from tests.sellers.applications_data import application_submit

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:sellers_sellerapplication_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def applied(name: str) -> Seller:
    return application_submit(UserFactory(email=f"{name.lower()}@example.com"), name=name)


def run_action(client, action, sellers, **extra):
    ids = list(SellerApplication.objects.filter(seller__in=sellers).values_list("pk", flat=True))
    data = {"action": action, "_selected_action": ids, **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def messages_of(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def status_of(seller):
    return Seller.objects.values_list("status", flat=True).get(pk=seller.pk)


def test_applications_are_listed_and_filtered_by_status(staff_client):
    waiting, approved = applied("Waiting"), applied("Done")
    seller_application_approve(seller=approved, actor=UserFactory(is_staff=True))
    url = reverse(CHANGELIST)

    listed = staff_client.get(url)
    assert listed.status_code == 200
    assert {a.seller.name for a in listed.context["cl"].result_list} == {"Waiting", "Done"}
    only = staff_client.get(url, {"status": "applied"}).context["cl"].result_list
    assert [a.seller_id for a in only] == [waiting.pk]
    assert [a.seller_id for a in staff_client.get(url, {"status": "approved"}).context["cl"].result_list] == [
        approved.pk
    ]
    assert list(staff_client.get(url, {"status": "rejected"}).context["cl"].result_list) == []


def test_an_application_reads_in_full(staff_client):
    seller = applied("Blade House")
    page = staff_client.get(reverse("admin:sellers_sellerapplication_change", args=[seller.application.pk]))
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Blade House LLC",
        "Ada Blade, +1 415 555 0100",
        "Knives.",
        "1 Market Street<br>97201 Portland<br>US<br>",
        "Same as the business address",
    ):
        assert expected in text, expected
    assert staff_client.get(reverse("admin:sellers_sellerapplication_add")).status_code == 403


def test_approve_action_approves_and_emails_each_applicant(staff_client):
    first, second = applied("Alpha"), applied("Beta")
    OutboundEmail.objects.all().delete()

    response = run_action(staff_client, "approve", [first, second])

    assert messages_of(response) == [("success", "Approved 2: Alpha, Beta.")]
    assert (status_of(first), status_of(second)) == ("approved", "approved")
    assert sorted(e.payload["to"][0] for e in OutboundEmail.objects.all()) == [
        "alpha@example.com",
        "beta@example.com",
    ]
    assert LogEntry.objects.get(object_id=str(first.pk)).change_message == "Application approved."


def test_reject_asks_for_a_reason_then_rejects_and_emails(staff_client):
    seller = applied("Alpha")
    OutboundEmail.objects.all().delete()

    page = run_action(staff_client, "reject", [seller])
    assert page.templates[0].name == "admin/sellers/sellerapplication/reject_selected.html"
    assert "Alpha" in page.text and status_of(seller) == "applied"
    empty = run_action(staff_client, "reject", [seller], apply="1", reason="")
    assert empty.context["form"].errors == {"reason": ["This field is required."]}
    assert status_of(seller) == "applied" and not OutboundEmail.objects.exists()

    done = run_action(staff_client, "reject", [seller], apply="1", reason="We need a registered business.")

    assert messages_of(done) == [("success", "Rejected 1: Alpha.")]
    assert status_of(seller) == "rejected"
    assert SellerApplication.objects.get().rejection_reason == "We need a registered business."
    assert OutboundEmail.objects.get().payload["to"] == ["alpha@example.com"]
    assert LogEntry.objects.get(object_id=str(seller.pk)).change_message == (
        "Application rejected: We need a registered business."
    )


def test_decisions_on_sellers_not_waiting_are_refused_with_a_message(staff_client):
    done, waiting = applied("Done"), applied("Waiting")
    seller_application_approve(seller=done, actor=UserFactory(is_staff=True))
    OutboundEmail.objects.all().delete()

    response = run_action(staff_client, "reject", [done, waiting], apply="1", reason="No.")

    assert messages_of(response) == [
        ("error", "Done is approved: it has no application waiting."),
        ("success", "Rejected 1: Waiting."),
    ]
    assert (status_of(done), status_of(waiting)) == ("approved", "rejected")
    assert OutboundEmail.objects.count() == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_application_changelist_query_count_does_not_grow_with_rows(
    staff_client, django_assert_num_queries, rows
):
    for n in range(rows):
        applied(f"Shop{n}")
    # session, user, count, full count, rows with their sellers and applicants, navigation
    with django_assert_num_queries(6):
        response = staff_client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == rows


def test_approving_an_applicant_from_the_seller_list_decides_its_application(staff_client):
    seller = applied("Alpha")
    OutboundEmail.objects.all().delete()
    data = {"action": "approve", "_selected_action": [seller.pk]}
    response = staff_client.post(reverse("admin:sellers_seller_changelist"), data, follow=True)
    assert messages_of(response) == [("success", "Approved 1: Alpha.")]
    assert SellerApplication.objects.get().decided_at is not None
    assert OutboundEmail.objects.get().payload["to"] == ["alpha@example.com"]
