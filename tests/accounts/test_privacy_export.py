"""The data export: exactly the person's rows, as JSON and CSV in a ZIP, linked by e-mail for 7 days."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import OutboundEmail, PrivacyRequest
from marketplace.accounts.privacy import export, requests
from marketplace.core.errors import ApplicationError
from tests.accounts.factories import UserFactory
from tests.accounts.privacy_people import person_build, vote_and_report
from tests.accounts.security import confirmed_just_now
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
# The export's tables and the rows of the person each must hold (person.rows keys).
TABLES = {
    ("accounts", "addresses"): "addresses",
    ("accounts", "sessions"): "sessions",
    ("accounts", "two_factor_authenticators"): "authenticators",
    ("accounts", "emails_sent_to_you"): "emails",
    ("accounts", "actions_you_took"): "audit",
    ("orders", "cart_lines"): "cart_lines",
    ("orders", "orders"): "orders",
    ("orders", "messages"): "messages",
    ("reviews", "reviews"): "reviews",
    ("reviews", "review_votes"): "review_votes",
    ("reviews", "review_reports"): "review_reports",
    ("reviews", "seller_feedback"): "seller_feedback",
    ("fulfillment", "returns"): "returns",
    ("fulfillment", "claims"): "claims",
    ("sellers", "seller_invitations"): "invitations",
    ("sellers", "seller_memberships"): "memberships",
}


@pytest.fixture
def people():
    seller = SellerFactory()
    ada, bob = person_build("Zebulon", seller=seller), person_build("Wilhelmina", seller=seller)
    vote_and_report(voter=ada, review=bob.review)
    vote_and_report(voter=bob, review=ada.review)
    return ada, bob


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_exactly_the_persons_rows(people):
    ada, bob = people

    data = export.privacy_export_collect(user=ada.user)

    for (section, table), kind in TABLES.items():
        assert {row["id"] for row in data[section][table]} == ada.rows[kind], (section, table)
    assert data["accounts"]["user"][0]["email"] == ada.strings["email"]
    text = json.dumps(data, default=str)
    for value in ada.strings.values():
        assert value in text
    for value in bob.strings.values():
        assert value not in text


def test_asking_builds_a_zip_of_json_and_csv_and_emails_a_link(people, django_capture_on_commit_callbacks):
    ada, bob = people

    with django_capture_on_commit_callbacks(execute=True):
        request = requests.privacy_export_request(user=ada.user, requested_by=ada.user)

    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.READY
    assert request.expires_at - request.finished_at == timedelta(days=7)
    files = unzip(default_storage.open(request.file_name).read())
    assert json.loads(files["data.json"])["orders"]["orders"][0]["ship_full_name"] == ada.strings["full_name"]
    assert "orders/orders.csv" in files and "accounts/addresses.csv" in files
    assert ada.strings["line1"] in files["accounts/addresses.csv"].splitlines()[1]
    assert not any(bob.strings["email"] in content for content in files.values())
    email = OutboundEmail.objects.filter(payload__subject="Your data is ready to download").get()
    assert email.payload["to"] == [ada.strings["email"]]
    assert (
        reverse("accounts:privacy-export-download", kwargs={"token": request.token}) in email.payload["body"]
    )
    default_storage.delete(request.file_name)


def test_an_export_never_built_is_marked_failed_after_a_day_so_the_person_can_ask_again():
    user = UserFactory()
    stuck = PrivacyRequest.objects.create(user=user, kind=PrivacyRequest.Kind.EXPORT)

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert export.privacy_exports_expire(now=timezone.now()) == 1

    stuck.refresh_from_db()
    assert stuck.status == PrivacyRequest.Status.FAILED
    PrivacyRequest.objects.create(user=user, kind=PrivacyRequest.Kind.EXPORT)  # allowed again


def test_only_one_export_at_a_time():
    user = UserFactory()
    PrivacyRequest.objects.create(user=user, kind=PrivacyRequest.Kind.EXPORT)

    with pytest.raises(ApplicationError, match="already being prepared"):
        requests.privacy_export_request(user=user, requested_by=user)
    assert PrivacyRequest.objects.filter(user=user).count() == 1


@pytest.fixture
def ready_export(people, django_capture_on_commit_callbacks):
    ada, bob = people
    with django_capture_on_commit_callbacks(execute=True):
        request = requests.privacy_export_request(user=ada.user, requested_by=ada.user)
    request.refresh_from_db()
    yield ada, bob, request
    if request.file_name:
        default_storage.delete(request.file_name)


def test_the_link_downloads_for_the_owner_and_staff_only(client, ready_export):
    ada, bob, request = ready_export
    url = reverse("accounts:privacy-export-download", kwargs={"token": request.token})

    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(bob.user)
    assert client.get(url).status_code == 404
    client.force_login(ada.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "data.json" in unzip(b"".join(response.streaming_content))
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


def test_the_link_says_expired_after_7_days_and_the_beat_task_deletes_the_file(client, ready_export):
    ada, _, request = ready_export
    url = reverse("accounts:privacy-export-download", kwargs={"token": request.token})
    client.force_login(ada.user)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        expired = client.get(url)
        assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
        assert export.privacy_exports_expire(now=timezone.now()) == 1

    assert not default_storage.exists(request.file_name)
    request.refresh_from_db()
    assert (request.status, request.file_name) == (PrivacyRequest.Status.EXPIRED, "")
    assert client.get(url).status_code == 410


def test_the_page_asks_for_the_password_again_before_an_export(
    client, people, django_capture_on_commit_callbacks
):
    ada, _ = people
    client.force_login(ada.user)
    page = client.get(reverse("accounts:privacy")).content.decode()
    assert "Download your data" in page and reverse("accounts:privacy-delete") in page

    refused = client.post(reverse("accounts:privacy-export"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
    assert not PrivacyRequest.objects.exists()

    confirmed_just_now(client, ada.user)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("accounts:privacy-export"))
    assert asked.status_code == 302
    request = PrivacyRequest.objects.get(user=ada.user)
    assert request.status == PrivacyRequest.Status.READY
    again = client.post(reverse("accounts:privacy-export"), follow=True)
    assert "We are preparing your data" in again.content.decode()
    for name in PrivacyRequest.objects.exclude(file_name="").values_list("file_name", flat=True):
        default_storage.delete(name)
