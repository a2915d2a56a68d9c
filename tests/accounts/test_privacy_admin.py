"""Staff export and erase an account on the person's request, with the same checks, logged."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail, PrivacyRequest, User
from marketplace.core.models import AuditEntry
from orders.models import Order
from tests.accounts.privacy_people import person_build

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:accounts_user_changelist")


def test_staff_export_emails_the_link_to_the_user_and_is_logged(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    person = person_build("Zebulon")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "privacy_export", "_selected_action": [person.user.pk]}, follow=True
        )

    assert "the link is e-mailed to them" in response.content.decode()
    request = PrivacyRequest.objects.get(user=person.user)
    assert (request.status, request.requested_by, request.requested_by_staff) == ("ready", admin_user, True)
    email = OutboundEmail.objects.get(payload__subject="Your data is ready to download")
    assert email.payload["to"] == [person.strings["email"]]
    assert LogEntry.objects.filter(
        object_id=str(person.user.pk), change_message__contains="Data export"
    ).exists()
    assert AuditEntry.objects.filter(action="account.export_requested", actor=admin_user).count() == 1
    default_storage.delete(request.file_name)


def test_staff_erase_asks_for_the_reason_then_erases_and_logs(admin_client, admin_user):
    person = person_build("Zebulon")
    data = {"action": "privacy_erase", "_selected_action": [person.user.pk]}

    asked = admin_client.post(CHANGELIST, data)
    assert asked.status_code == 200 and "These accounts will be erased" in asked.content.decode()
    assert User.objects.get(pk=person.user.pk).is_active

    done = admin_client.post(CHANGELIST, {**data, "apply": "1", "reason": "E-mail of 3 Dec"}, follow=True)

    user = User.objects.get(pk=person.user.pk)
    assert (user.email, user.is_active) == (f"deleted-{user.pk}@invalid", False)
    assert "Erased the account" in done.content.decode()
    record = PrivacyRequest.objects.get(user=user, kind="erase")
    assert (record.requested_by, record.requested_by_staff) == (admin_user, True)
    entry = LogEntry.objects.get(object_id=str(user.pk), change_message__contains="E-mail of 3 Dec")
    assert person.strings["email"] not in entry.object_repr


def test_staff_erase_is_refused_like_the_persons_own(admin_client):
    person = person_build("Zebulon")
    Order.objects.filter(user=person.user).update(status=Order.Status.PAID)

    response = admin_client.post(
        CHANGELIST,
        {"action": "privacy_erase", "_selected_action": [person.user.pk], "apply": "1", "reason": "Asked"},
        follow=True,
    )

    assert "is not finished yet" in response.content.decode()
    assert User.objects.get(pk=person.user.pk).email == person.strings["email"]
    assert not PrivacyRequest.objects.exists()
