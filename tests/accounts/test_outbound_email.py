"""The outbound e-mail table: stored in the caller's transaction, sent once by the kick or the sweep.

A crash is simulated with ``SimulatedKill``, a ``BaseException`` that nothing in the
code catches: like ``kill -9``, the code stops where it is and the open transaction
rolls back.
"""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts import services
from marketplace.accounts.models import OutboundEmail
from marketplace.accounts.services import (
    OUTBOUND_EMAIL_MAX_ATTEMPTS,
    email_enqueue,
    outbound_email_prune,
    outbound_email_send,
    outbound_email_send_pending,
)
from marketplace.accounts.tasks import outbound_email_sweep_task, send_email_task

pytestmark = pytest.mark.django_db

FROM = "Marketplace <no-reply@marketplace.test>"


class SimulatedKill(BaseException):
    """The process dies here: nothing catches it, the open transaction rolls back."""


def payload(n: int = 1) -> dict:
    return {
        "subject": f"Hello {n}",
        "body": f"Body {n}",
        "from_email": FROM,
        "to": [f"ada{n}@example.com"],
        "alternatives": [[f"<p>Body {n}</p>", "text/html"]],
    }


def enqueue_without_kick(django_capture_on_commit_callbacks, n: int = 1) -> OutboundEmail:
    """Store an e-mail whose process dies after the commit, before its on-commit kick runs."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = email_enqueue(payload(n))
    assert len(callbacks) == 1
    return email


def age(*emails: OutboundEmail, by: timedelta = timedelta(minutes=2)) -> None:
    OutboundEmail.objects.filter(pk__in=[email.pk for email in emails]).update(created_at=timezone.now() - by)


def test_an_email_is_stored_in_the_transaction_and_sent_once_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = email_enqueue(payload())
        assert OutboundEmail.objects.filter(pk=email.pk, sent_at__isnull=True).exists()
        assert mail.outbox == []

    # One kick sends it (sending then counts it in the metrics, after its own commit).
    assert len([callback for callback in callbacks if "outbound_email_send_task" in repr(callback)]) == 1
    [message] = mail.outbox
    assert (message.subject, message.body, message.from_email, message.to) == (
        "Hello 1",
        "Body 1",
        FROM,
        ["ada1@example.com"],
    )
    assert message.alternatives[0] == ("<p>Body 1</p>", "text/html")
    email.refresh_from_db()
    assert message.extra_headers["Message-ID"] == email.message_id
    assert email.message_id.startswith("<") and email.message_id.endswith(">")
    assert (email.attempts, email.last_error) == (1, "")
    assert email.sent_at is not None


def test_the_email_rolls_back_with_the_transaction(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_enqueue(payload())
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_payload_email_send_would_not_take_is_refused_when_enqueued():
    with pytest.raises(TypeError, match=r"unknown keys \['cc'\], missing keys \['from_email'\]"):
        email_enqueue({"subject": "s", "body": "b", "to": ["a@example.com"], "cc": ["b@example.com"]})

    assert OutboundEmail.objects.count() == 0


def test_an_email_is_sent_once_however_often_it_is_kicked(django_capture_on_commit_callbacks):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)

    assert outbound_email_send(email_id=email.pk) is True
    assert outbound_email_send(email_id=email.pk) is False
    age(email)
    assert outbound_email_send_pending(now=timezone.now()) == 0

    assert len(mail.outbox) == 1


def test_a_kill_between_the_commit_and_the_kick_leaves_the_email_to_the_sweep(
    django_capture_on_commit_callbacks,
):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    # A new row is left to its kick for a minute.
    assert outbound_email_sweep_task() == 0
    age(email)
    assert outbound_email_sweep_task() == 1
    assert outbound_email_sweep_task() == 0

    assert [message.subject for message in mail.outbox] == ["Hello 1"]
    email.refresh_from_db()
    assert (email.attempts, email.sent_at is not None) == (1, True)


def test_a_kill_before_the_mail_server_accepts_the_email_sends_it_once_on_the_next_attempt(
    django_capture_on_commit_callbacks, monkeypatch
):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)

    def dies(**kwargs):
        raise SimulatedKill

    monkeypatch.setattr(services, "email_send", dies)
    with pytest.raises(SimulatedKill):
        outbound_email_send(email_id=email.pk)
    monkeypatch.undo()

    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 0)  # the attempt rolled back with the process
    assert outbound_email_send(email_id=email.pk) is True
    assert len(mail.outbox) == 1


def test_a_kill_after_the_mail_server_accepted_the_email_resends_it_with_the_same_message_id(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The one window left: SMTP is not part of our transaction (ADR 0060)."""
    email = enqueue_without_kick(django_capture_on_commit_callbacks)
    real_send = services.email_send

    def sends_then_dies(**kwargs):
        real_send(**kwargs)
        raise SimulatedKill

    monkeypatch.setattr(services, "email_send", sends_then_dies)
    with pytest.raises(SimulatedKill):
        outbound_email_send(email_id=email.pk)
    monkeypatch.undo()
    assert outbound_email_send(email_id=email.pk) is True

    email.refresh_from_db()
    assert [message.extra_headers["Message-ID"] for message in mail.outbox] == [email.message_id] * 2


def test_a_failed_send_is_recorded_and_retried_later_by_the_sweep(
    django_capture_on_commit_callbacks, monkeypatch
):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)
    age(email)
    now = timezone.now()

    def refused(**kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(services, "email_send", refused)
    assert outbound_email_send_pending(now=now) == 0
    monkeypatch.undo()

    email.refresh_from_db()
    assert (email.sent_at, email.attempts, email.next_attempt_at) == (None, 1, now + timedelta(seconds=60))
    assert email.last_error.startswith("ConnectionRefusedError('the mail server is down')")
    assert outbound_email_send_pending(now=now + timedelta(seconds=59)) == 0
    assert outbound_email_send_pending(now=now + timedelta(seconds=60)) == 1

    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (2, "")
    assert len(mail.outbox) == 1


def test_the_wait_between_attempts_doubles_up_to_an_hour(django_capture_on_commit_callbacks, monkeypatch):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "email_send", lambda **kwargs: 1 / 0)
    now = timezone.now()
    waits = []
    for _ in range(8):
        outbound_email_send(email_id=email.pk, now=now)
        email.refresh_from_db()
        waits.append((email.next_attempt_at - now).total_seconds())

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_sweep_leaves_an_email_past_its_attempts_to_a_person(django_capture_on_commit_callbacks):
    email = enqueue_without_kick(django_capture_on_commit_callbacks)
    age(email)
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=OUTBOUND_EMAIL_MAX_ATTEMPTS)

    assert outbound_email_send_pending(now=timezone.now()) == 0
    assert mail.outbox == []


def test_the_sweep_sends_the_oldest_first_and_stops_at_its_limit(django_capture_on_commit_callbacks):
    emails = [enqueue_without_kick(django_capture_on_commit_callbacks, n) for n in (1, 2, 3)]
    age(*emails)

    assert outbound_email_send_pending(now=timezone.now(), limit=2) == 2

    assert [message.subject for message in mail.outbox] == ["Hello 1", "Hello 2"]
    assert list(OutboundEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)) == [
        emails[2].pk
    ]


@pytest.mark.django_db(transaction=True)
def test_an_email_another_process_is_sending_is_skipped_not_sent_twice():
    email = email_enqueue(payload())  # autocommit: the kick ran (eagerly) and sent it
    OutboundEmail.objects.filter(pk=email.pk).update(
        sent_at=None, created_at=timezone.now() - timedelta(minutes=2)
    )
    mail.outbox.clear()
    locked, release = threading.Event(), threading.Event()

    def sender_in_another_process():
        try:
            with transaction.atomic():
                OutboundEmail.objects.select_for_update().get(pk=email.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=sender_in_another_process)
    thread.start()
    try:
        assert locked.wait(30)
        assert outbound_email_send(email_id=email.pk) is False
        assert outbound_email_send_pending(now=timezone.now()) == 0
    finally:
        release.set()
        thread.join(30)

    assert mail.outbox == []
    assert outbound_email_send_pending(now=timezone.now()) == 1
    assert len(mail.outbox) == 1


def test_sent_emails_are_deleted_after_the_retention_period(django_capture_on_commit_callbacks, settings):
    settings.OUTBOUND_EMAIL_KEEP_DAYS = 30
    now = timezone.now()
    old, recent, unsent = (enqueue_without_kick(django_capture_on_commit_callbacks, n) for n in (1, 2, 3))
    OutboundEmail.objects.filter(pk=old.pk).update(sent_at=now - timedelta(days=30, seconds=1))
    OutboundEmail.objects.filter(pk=recent.pk).update(sent_at=now - timedelta(days=29))
    OutboundEmail.objects.filter(pk=unsent.pk).update(created_at=now - timedelta(days=60))

    assert outbound_email_prune(now=now) == 1

    assert set(OutboundEmail.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}


def test_a_message_of_the_old_send_email_task_queued_before_a_deploy_is_still_delivered(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_email_task.delay(payload())

    assert [message.subject for message in mail.outbox] == ["Hello 1"]
    assert OutboundEmail.objects.get().sent_at is not None


def test_account_emails_go_through_the_outbound_table(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "password1": "a-long-passphrase-7",
                "password2": "a-long-passphrase-7",
            },
        )

    email = OutboundEmail.objects.get()
    assert email.payload["to"] == ["new@example.com"]
    assert email.payload["subject"] == "[Marketplace] Confirm your e-mail address"
    assert email.sent_at is not None
    assert [message.extra_headers["Message-ID"] for message in mail.outbox] == [email.message_id]
