"""Applying to sell (/seller/apply/) and the service behind it."""

import pytest
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from sellers.models import Seller, SellerAddress, SellerApplication, SellerMember
from sellers.services import seller_application_approve, seller_application_reject
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.sellers.applications_data import ADDRESS, application_post, application_submit
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

APPLY = "/seller/apply/"


@pytest.fixture
def shopper(client):
    user = UserFactory(email="ada@example.com")
    client.force_login(user)
    return user


def test_the_apply_url_is_named():
    assert reverse("seller:apply") == APPLY


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(APPLY)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={APPLY}"
    assert client.post(APPLY, application_post()).status_code == 302
    assert not Seller.objects.exists()


def test_a_shopper_sees_the_form(client, shopper):
    response = client.get(APPLY)
    assert response.status_code == 200
    assert "<h1>Sell on" in response.text
    assert 'name="business-line1"' in response.text and 'name="return-line1"' in response.text
    assert 'id="id_return_same" checked' in response.text


def test_applying_creates_an_applied_seller_owned_by_the_applicant(client, shopper):
    response = client.post(APPLY, application_post())

    assert response.status_code == 302 and response["Location"] == APPLY
    seller = Seller.objects.get()
    assert (seller.name, seller.slug, seller.status, seller.legal_name) == (
        "Blade House",
        "blade-house",
        Seller.Status.APPLIED,
        "Blade House LLC",
    )
    assert (seller.contact_name, seller.contact_phone, seller.support_email, seller.country) == (
        "Ada Blade",
        "+1 415 555 0100",
        "help@bladehouse.example",
        "US",
    )
    assert list(SellerMember.objects.values_list("seller_id", "user_id", "role")) == [
        (seller.pk, shopper.pk, "owner")
    ]
    application = SellerApplication.objects.get()
    assert (application.seller_id, application.applicant_id) == (seller.pk, shopper.pk)
    assert (application.what_they_sell, application.categories) == (
        "Kitchen knives\nand sharpeners.",
        "Kitchen",
    )
    assert (application.submission_count, application.decided_at) == (1, None)
    business = SellerAddress.objects.get(seller=seller)
    assert business.kind == "business"
    assert {key: getattr(business, key) for key in ADDRESS} == ADDRESS

    # then the page shows the application waiting, not the form
    page = client.get(APPLY)
    assert "Your application is waiting for review" in page.text
    assert "Blade House" in page.text and 'name="business-line1"' not in page.text
    # and the applicant is not in Seller Central yet
    assert client.get(reverse("seller:dashboard")).status_code == 404


def test_a_separate_return_address_is_kept(client, shopper):
    data = application_post(
        return_same=None,
        **{"return-line1": "9 Dock Road", "return-city": "Leeds", "return-postal_code": "ls1 4ap"},
        **{"return-country": "GB"},
    )
    assert client.post(APPLY, data).status_code == 302
    address = SellerAddress.objects.get(kind="return")
    assert (address.line1, address.city, address.postal_code, address.country, address.line2) == (
        "9 Dock Road",
        "Leeds",
        "LS1 4AP",
        "GB",
        "",
    )


def test_an_unticked_return_box_needs_the_return_address(client, shopper):
    response = client.post(APPLY, application_post(return_same=None))
    assert response.status_code == 400
    assert response.context["forms"].returns.errors == {
        "line1": ["This field is required."],
        "city": ["This field is required."],
        "postal_code": ["This field is required."],
        "country": ["This field is required."],
    }
    assert not Seller.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "form", "error"),
    [
        ("name", "", "main", "This field is required."),
        ("name", "x" * 121, "main", "Ensure this value has at most 120 characters (it has 121)."),
        ("name", "Blade\x1bHouse", "main", "The business name contains a character that is not allowed."),
        ("legal_name", "", "main", "This field is required."),
        ("legal_name", "L" * 201, "main", "Ensure this value has at most 200 characters (it has 201)."),
        ("contact_name", "Ada\x07", "main", "The contact name contains a character that is not allowed."),
        ("contact_phone", "call me", "main", "Enter a phone number of digits, spaces, +, -, ( and )."),
        ("contact_phone", "", "main", "This field is required."),
        ("support_email", "not-an-email", "main", "Enter a valid email address."),
        (
            "support_email",
            f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.example",
            "main",
            "Ensure this value has at most 254 characters (it has 258).",
        ),
        ("what_they_sell", "", "main", "This field is required."),
        (
            "what_they_sell",
            "k" * 2001,
            "main",
            "Ensure this value has at most 2000 characters (it has 2001).",
        ),
        ("what_they_sell", "Knives\x00", "main", "Null characters are not allowed."),
        (
            "what_they_sell",
            "Knives\x1b",
            "main",
            "The what you sell contains a character that is not allowed.",
        ),
        ("categories", "c" * 301, "main", "Ensure this value has at most 300 characters (it has 301)."),
        ("business-line1", "", "business", "This field is required."),
        (
            "business-line1",
            "1 Main\nStreet",
            "business",
            "The address line 1 contains a character that is not allowed.",
        ),
        (
            "business-city",
            "c" * 101,
            "business",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            "business-country",
            "XX",
            "business",
            "Select a valid choice. XX is not one of the available choices.",
        ),
        (
            "business-postal_code",
            "123",
            "business",
            "Enter a US ZIP code of 5 or 9 digits, e.g. 94103 or 94103-1234.",
        ),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_created(
    client, shopper, field, value, form, error
):
    response = client.post(APPLY, application_post(**{field: value}))

    assert response.status_code == 400
    name = field.split("-", 1)[-1]
    assert getattr(response.context["forms"], form).errors == {name: [error]}
    assert error.replace("'", "&#x27;") in response.text
    assert not Seller.objects.exists() and not SellerApplication.objects.exists()


def test_a_duplicate_business_name_is_refused_whatever_its_case(client, shopper):
    SellerFactory(name="Blade House")
    response = client.post(APPLY, application_post(name="  blade   HOUSE "))
    assert response.status_code == 400
    assert response.context["forms"].main.non_field_errors() == [
        "A seller named blade HOUSE already exists: choose another business name."
    ]
    assert Seller.objects.count() == 1 and not SellerApplication.objects.exists()


def test_a_second_application_while_one_waits_is_refused(client, shopper):
    application_submit(shopper, name="First")
    with pytest.raises(ApplicationError) as refused:
        application_submit(shopper, name="Second")
    assert refused.value.message == (
        "Your application for First is waiting for review: we e-mail you the decision."
    )
    response = client.post(APPLY, application_post(name="Third"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Your application is waiting for review: we e-mail you the decision."
    ]
    assert list(Seller.objects.values_list("name", flat=True)) == ["First"]


def test_a_rejected_applicant_sees_the_reason_and_applies_again(client, shopper):
    staff = UserFactory(is_staff=True)
    seller = application_submit(shopper, name="Blade House")
    seller_application_reject(seller=seller, actor=staff, reason="Add your VAT number to the legal name.")
    # not in Seller Central either
    assert client.get(reverse("seller:dashboard")).status_code == 404

    page = client.get(APPLY)
    assert "Our team's reason: Add your VAT number to the legal name." in page.text
    assert page.context["forms"].main.initial["name"] == "Blade House"
    assert page.context["forms"].business.initial["city"] == "Portland"
    assert "Apply again" in page.text

    response = client.post(APPLY, application_post(name="Blade House", legal_name="Blade House LLC, VAT 123"))
    assert response.status_code == 302
    seller.refresh_from_db()
    application = SellerApplication.objects.get()
    assert (Seller.objects.count(), seller.status, seller.legal_name) == (
        1,
        "applied",
        "Blade House LLC, VAT 123",
    )
    assert (application.submission_count, application.decided_at, application.rejection_reason) == (
        2,
        None,
        "Add your VAT number to the legal name.",
    )
    assert SellerMember.objects.filter(seller=seller, user=shopper, role="owner").count() == 1


def test_approval_lets_the_applicant_into_seller_central_and_emails_them(client, shopper):
    seller = application_submit(shopper)
    OutboundEmail.objects.all().delete()
    staff = UserFactory(is_staff=True)

    seller_application_approve(seller=seller, actor=staff)

    seller.refresh_from_db()
    application = SellerApplication.objects.get()
    assert seller.status == "approved" and seller.approved_at is not None
    assert (application.decided_by_id, application.decided_at is not None) == (staff.pk, True)
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == ["ada@example.com"]
    assert email.payload["subject"] == "Blade House is approved to sell on Marketplace"
    assert "\nhttp://127.0.0.1:8000/seller/\n" in email.payload["body"]
    assert client.get(reverse("seller:dashboard")).status_code == 200


def test_rejection_emails_the_reason(shopper):
    seller = application_submit(shopper)
    OutboundEmail.objects.all().delete()

    seller_application_reject(seller=seller, actor=UserFactory(is_staff=True), reason="  Not enough detail. ")

    seller.refresh_from_db()
    assert seller.status == "rejected"
    assert SellerApplication.objects.get().rejection_reason == "Not enough detail."
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == ["ada@example.com"]
    assert "Our team's reason: Not enough detail." in email.payload["body"]
    assert "/seller/apply/" in email.payload["body"]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("   ", "Give the applicant a reason for the rejection."),
        ("r" * 1001, "The reason is too long: at most 1000 characters."),
        ("bad\x00", "The reason contains a character that is not allowed."),
    ],
)
def test_a_rejection_needs_a_readable_reason(shopper, reason, message):
    seller = application_submit(shopper)
    with pytest.raises(ApplicationError) as refused:
        seller_application_reject(seller=seller, actor=UserFactory(is_staff=True), reason=reason)
    assert refused.value.message == message
    seller.refresh_from_db()
    assert seller.status == "applied"


def test_decisions_on_a_seller_that_is_not_waiting_are_refused(shopper):
    seller = application_submit(shopper)
    staff = UserFactory(is_staff=True)
    seller_application_approve(seller=seller, actor=staff)
    OutboundEmail.objects.all().delete()

    with pytest.raises(ApplicationError) as again:
        seller_application_approve(seller=seller, actor=staff)
    assert again.value.message == "Blade House is approved: it has no application waiting."
    with pytest.raises(ApplicationError) as reject:
        seller_application_reject(seller=seller, actor=staff, reason="Too late")
    assert reject.value.message == "Blade House is approved: it has no application waiting."
    assert not OutboundEmail.objects.exists()
    assert SellerApplication.objects.get().rejection_reason == ""


def test_a_slug_taken_by_another_seller_gets_a_number(shopper):
    SellerFactory(name="Other", slug="blade-house")
    seller = application_submit(shopper, name="Blade House!")
    assert seller.slug == "blade-house-2"


def test_an_approved_seller_member_may_apply_for_another_business(client, shopper):
    seller = application_submit(shopper, name="First")
    seller_application_approve(seller=seller, actor=UserFactory(is_staff=True))
    session = client.session
    session["seller_central_member"] = True
    session.save()

    page = client.get(APPLY)
    assert "You already work for a seller" in page.text and 'name="name"' in page.text
    assert client.post(APPLY, application_post(name="Second")).status_code == 302
    assert sorted(Seller.objects.values_list("name", "status")) == [
        ("First", "approved"),
        ("Second", "applied"),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_applications_for_one_name_at_once_make_one_seller():
    users = [UserFactory(), UserFactory()]
    errors = race([lambda user=user: application_submit(user, name="Blade House") for user in users])
    assert [error.message for error in errors] == [
        "A seller named Blade House already exists: choose another business name."
    ]
    assert list(Seller.objects.values_list("name", flat=True)) == ["Blade House"]
