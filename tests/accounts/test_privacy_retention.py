"""Retention: abandoned carts and guest data are deleted after RETENTION_CART_DAYS / RETENTION_GUEST_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from marketplace.accounts.privacy.tasks import privacy_retention_purge_task
from orders.models import Cart
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def cart_aged(*, days: int, user=None, session_key=None) -> Cart:
    cart = Cart.objects.create(user=user, session_key=session_key)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=days))
    return cart


def test_the_daily_purge_deletes_old_carts_and_expired_sessions(settings):
    settings.RETENTION_CART_DAYS = 90
    settings.RETENTION_GUEST_DAYS = 30
    now = timezone.now()
    old_user_cart = cart_aged(days=91, user=UserFactory())
    recent_user_cart = cart_aged(days=60, user=UserFactory())
    old_guest_cart = cart_aged(days=31, session_key="guest-old")
    recent_guest_cart = cart_aged(days=29, session_key="guest-new")
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(seconds=1))
    Session.objects.create(session_key="alive", session_data="x", expire_date=now + timedelta(days=1))

    assert privacy_retention_purge_task.delay().get() == 3

    assert set(Cart.objects.values_list("pk", flat=True)) == {recent_user_cart.pk, recent_guest_cart.pk}
    assert not Cart.objects.filter(pk__in=[old_user_cart.pk, old_guest_cart.pk]).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]


def test_the_beat_runs_the_purge_and_the_export_expiry_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "marketplace.accounts.privacy.tasks.privacy_retention_purge_task" in tasks
    assert "marketplace.accounts.privacy.tasks.privacy_exports_expire_task" in tasks
    assert (settings.RETENTION_CART_DAYS, settings.RETENTION_GUEST_DAYS) == (90, 30)
