"""Deleting an account: no personal field left anywhere, what the law needs kept, the refusals."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse

from fulfillment.models import Claim, ReturnRequest
from marketplace.accounts.models import PrivacyRequest, User
from marketplace.accounts.privacy import erase
from marketplace.core.errors import ApplicationError
from marketplace.core.models import AuditEntry
from orders.models import Cart, Message, Order
from reviews.models import Review, SellerFeedback
from sellers.models import SellerMember
from tests.accounts.privacy_people import person_build, vote_and_report
from tests.accounts.security import confirmed_just_now
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # EmailField, SlugField: CharFields


def rows_containing(strings: list[str]) -> list[tuple[str, str, int]]:
    """Every (model, field, pk) of the whole database whose text holds one of ``strings``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            condition = Q()
            for text in strings:
                condition |= Q(**{f"{field.attname}__icontains": text})
            for pk in model._base_manager.filter(condition).values_list("pk", flat=True):
                found.append((model._meta.label, field.name, pk))
    return found


@pytest.fixture
def people():
    seller = SellerFactory()
    ada, bob = person_build("Zebulon", seller=seller), person_build("Wilhelmina", seller=seller)
    vote_and_report(voter=ada, review=bob.review)
    vote_and_report(voter=bob, review=ada.review)
    return ada, bob


def test_the_scan_finds_every_personal_string_before_the_deletion(people):
    ada, _ = people
    found = {label for label, _, _ in rows_containing(list(ada.strings.values()))}
    assert {
        "accounts.User", "accounts.Address", "account.EmailAddress", "orders.Order", "reviews.Review",
        "reviews.SellerFeedback", "reviews.ReviewReport", "accounts.OutboundEmail",
        "sellers.SellerInvitation",
    } <= found  # fmt: skip


def test_deletion_leaves_no_personal_field_and_keeps_what_the_law_needs(people):
    ada, bob = people
    bob_before = rows_containing(list(bob.strings.values()))

    erase.privacy_erase(user=ada.user, requested_by=ada.user)

    assert rows_containing(list(ada.strings.values())) == []
    assert rows_containing(list(bob.strings.values())) == bob_before  # the other person is untouched
    user = User.objects.get(pk=ada.user.pk)
    assert (user.email, user.full_name, user.is_active, user.has_usable_password()) == (
        f"deleted-{user.pk}@invalid", "", False, False,
    )  # fmt: skip
    order = Order.objects.get(pk=next(iter(ada.rows["orders"])))
    assert (order.ship_full_name, order.ship_line1, order.ship_city, order.ship_phone) == (
        "[deleted]", "[deleted]", "[deleted]", "",
    )  # fmt: skip
    assert (order.ship_postal_code, order.ship_country, order.total_amount > 0) == ("89501", "US", True)
    assert not Cart.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not SellerMember.objects.filter(user=user).exists()
    review = Review.objects.get(pk=ada.review.pk)
    assert (review.author_name, review.rating, review.body) == ("Former customer", 4, "Works well.")
    assert SellerFeedback.objects.get(author=user).author_name == "Former customer"
    message = Message.objects.get(pk=next(iter(ada.rows["messages"])))
    assert (message.author_id, message.body) == (None, "Is it here soon?")
    assert (
        ReturnRequest.objects.filter(user=user).count() == 1 and Claim.objects.filter(user=user).count() == 1
    )
    record = PrivacyRequest.objects.get(user=user, kind="erase")
    assert (record.status, record.requested_by_staff) == ("done", False)
    assert AuditEntry.objects.filter(action="account.erased", target_id=str(user.pk)).count() == 1


def test_a_second_erasure_is_refused(people):
    ada, _ = people
    erase.privacy_erase(user=ada.user, requested_by=ada.user)
    with pytest.raises(ApplicationError, match="already been erased"):
        erase.privacy_erase(user=User.objects.get(pk=ada.user.pk), requested_by=ada.user)


@pytest.mark.parametrize(
    "blocker, message",
    [
        ("paid_order", "is not finished yet"),
        ("open_return", "A return is still open"),
        ("open_claim", "A claim is still being looked at"),
        ("sole_owner", "only owner of a seller"),
    ],
)
def test_deletion_is_refused_while_something_is_open_and_nothing_changes(people, blocker, message):
    ada, _ = people
    if blocker == "paid_order":
        Order.objects.filter(user=ada.user).update(status=Order.Status.PAID)
    elif blocker == "open_return":
        ReturnRequest.objects.filter(user=ada.user).update(status=ReturnRequest.Status.APPROVED)
    elif blocker == "open_claim":
        Claim.objects.filter(user=ada.user).update(status=Claim.Status.OPEN)
    else:
        SellerMember.objects.create(seller=SellerFactory(), user=ada.user, role=SellerMember.Role.OWNER)
    before = rows_containing(list(ada.strings.values()))

    with pytest.raises(ApplicationError, match=message):
        erase.privacy_erase(user=ada.user, requested_by=ada.user)

    assert rows_containing(list(ada.strings.values())) == before
    assert not PrivacyRequest.objects.filter(kind="erase").exists()


def test_a_co_owner_may_leave(people):
    ada, _ = people
    seller = SellerFactory()
    SellerMember.objects.create(seller=seller, user=ada.user, role=SellerMember.Role.OWNER)
    SellerMember.objects.create(seller=seller, user=person_build("Other").user, role=SellerMember.Role.OWNER)
    assert erase.privacy_erase_refusals(user=ada.user) == []


def test_the_page_asks_again_for_the_password_then_deletes_with_the_email_typed_again(client, people):
    ada, _ = people
    client.force_login(ada.user)
    url = reverse("accounts:privacy-delete")

    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))

    confirmed_just_now(client, ada.user)
    page = client.get(url).content.decode()
    assert "What we keep, and why" in page and "Type your e-mail address to confirm" in page

    wrong = client.post(url, {"email": "someone@example.com"})
    assert wrong.status_code == 200
    assert "This is not the e-mail address of your account." in wrong.content.decode()
    assert User.objects.get(pk=ada.user.pk).is_active

    done = client.post(url, {"email": ada.strings["email"].upper()})
    assert done.status_code == 302 and done["Location"] == "/"
    assert not User.objects.get(pk=ada.user.pk).is_active
    assert client.get(reverse("accounts:overview")).status_code == 302  # signed out


def test_the_page_lists_the_refusals_instead_of_the_form(client, people):
    ada, _ = people
    Order.objects.filter(user=ada.user).update(status=Order.Status.PAID)
    client.force_login(ada.user)
    confirmed_just_now(client, ada.user)

    page = client.get(reverse("accounts:privacy-delete")).content.decode()
    assert "Your account cannot be deleted yet" in page and "is not finished yet" in page
    assert "Delete my account</button>" not in page

    posted = client.post(reverse("accounts:privacy-delete"), {"email": ada.strings["email"]})
    assert posted.status_code == 200 and "is not finished yet" in posted.content.decode()
    assert User.objects.get(pk=ada.user.pk).is_active
