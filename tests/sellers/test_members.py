"""Members and invitations: the owner's members page, roles, removal, and the invitation link."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from sellers.access import SESSION_KEY, SESSION_MEMBER_FLAG
from sellers.models import SellerInvitation, SellerMember
from sellers.services import (
    invitation_token_hash,
    seller_invitation_create,
    seller_member_role_change,
)
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
Role = SellerMember.Role
MEMBERS = "/seller/members/"


@pytest.fixture
def owner():
    return SellerMemberFactory(
        seller=SellerFactory(name="Blade House"), user=UserFactory(email="owner@example.com"), role=Role.OWNER
    )


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def invite(owner, email="new@example.com", role=Role.MANAGER):
    return seller_invitation_create(seller=owner.seller, actor=owner.user, email=email, role=role)


def verified_user(email):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def roles_of(seller):
    return sorted(SellerMember.objects.filter(seller=seller).values_list("user__email", "role"))


# The members page


def test_the_owner_sees_members_with_roles_and_waiting_invitations(owner_client, owner):
    SellerMemberFactory(
        seller=owner.seller, user=UserFactory(email="ship@example.com", full_name=""), role=Role.SHIPPING
    )
    SellerMemberFactory(user=UserFactory(email="elsewhere@example.com"))  # another seller's member
    invite(owner, "later@example.com", Role.FINANCE)

    page = owner_client.get(MEMBERS)

    assert page.status_code == 200
    assert [(m.user.email, m.role) for m in page.context["members"]] == [
        ("owner@example.com", "owner"),
        ("ship@example.com", "shipping"),
    ]
    assert [(i.email, i.role) for i in page.context["invitations"]] == [("later@example.com", "finance")]
    assert "elsewhere@example.com" not in page.text
    assert '<caption class="visually-hidden">Members of Blade House and their roles</caption>' in page.text
    assert (
        f'action="{reverse("seller:invitation-revoke", args=[page.context["invitations"][0].pk])}"'
        in page.text
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SHIPPING, Role.FINANCE])
def test_other_roles_shoppers_and_staff_get_404_and_anonymous_signs_in(client, owner, role):
    member = SellerMemberFactory(seller=owner.seller, role=role)
    client.force_login(member.user)
    assert client.get(MEMBERS).status_code == 404
    assert client.post(MEMBERS, {"email": "x@example.com", "role": "owner"}).status_code == 404
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(MEMBERS).status_code == 404
    client.logout()
    assert client.get(MEMBERS)["Location"] == f"{reverse('account_login')}?next={MEMBERS}"
    assert not SellerInvitation.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_member_list_query_count_does_not_grow_with_rows(
    owner_client, owner, django_assert_num_queries, rows
):
    SellerMemberFactory.create_batch(rows - 1, seller=owner.seller, role=Role.MANAGER)
    for n in range(rows):
        invite(owner, f"invitee{n}@example.com")
    # session, user, membership, members with their users, invitations, the header's categories
    with django_assert_num_queries(6):
        page = owner_client.get(MEMBERS)
    assert (len(page.context["members"]), len(page.context["invitations"])) == (rows, rows)


# Inviting


def test_an_invitation_is_stored_hashed_and_emailed_with_its_link(owner_client, owner):
    OutboundEmail.objects.all().delete()
    before = timezone.now()

    response = owner_client.post(MEMBERS, {"email": " New@Example.com ", "role": "shipping"}, follow=True)

    assert response.redirect_chain == [(MEMBERS, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Invitation sent to New@Example.com as Shipping: the link works for 7 days."
    ]
    invitation = SellerInvitation.objects.get()
    assert (invitation.seller_id, invitation.email, invitation.role, invitation.invited_by_id) == (
        owner.seller_id,
        "New@Example.com",
        "shipping",
        owner.user_id,
    )
    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == ["New@Example.com"]
    assert email.payload["subject"] == "Join Blade House on Marketplace"
    body = email.payload["body"]
    token = body.split("/seller/invitations/")[1].split("/")[0]
    assert len(token) == 43 and invitation.token_hash == invitation_token_hash(token)
    assert token not in invitation.token_hash
    assert "/accounts/signup/?email=New%40Example.com&next=%2Fseller%2Finvitations%2F" in body


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"email": "", "role": "manager"}, {"email": ["This field is required."]}),
        ({"email": "not-an-email", "role": "manager"}, {"email": ["Enter a valid email address."]}),
        (
            {"email": f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.example", "role": "manager"},
            {"email": ["Ensure this value has at most 254 characters (it has 258)."]},
        ),
        (
            {"email": "a@example.com", "role": "admin"},
            {"role": ["Select a valid choice. admin is not one of the available choices."]},
        ),
        (
            {"email": "owner@EXAMPLE.com", "role": "manager"},
            {"__all__": ["owner@EXAMPLE.com already works for Blade House."]},
        ),
    ],
)
def test_bad_invitations_are_refused_on_the_page(owner_client, data, errors):
    response = owner_client.post(MEMBERS, data)
    assert response.status_code == 400
    assert response.context["invite_form"].errors == errors
    assert not SellerInvitation.objects.exists()


def test_a_second_invitation_to_a_waiting_address_is_refused_until_revoked(owner_client, owner):
    first, _ = invite(owner, "new@example.com")
    response = owner_client.post(MEMBERS, {"email": "NEW@example.com", "role": "finance"})
    assert response.context["invite_form"].non_field_errors() == [
        "NEW@example.com has an invitation waiting: revoke it to send a new one."
    ]
    owner_client.post(reverse("seller:invitation-revoke", args=[first.pk]))
    assert owner_client.post(MEMBERS, {"email": "NEW@example.com", "role": "finance"}).status_code == 302
    assert SellerInvitation.objects.filter(revoked_at__isnull=True).get().role == "finance"


def test_with_htmx_an_invitation_answers_the_members_area(owner_client):
    response = owner_client.post(
        MEMBERS, {"email": "new@example.com", "role": "manager"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "sellers/central/_members.html" in names and "sellers/central/members.html" not in names
    assert response.text.lstrip().startswith('<div id="members"')
    assert "Invitation sent to new@example.com as Manager" in response.text
    assert "new@example.com</th>" in response.text


def test_only_an_owner_may_invite_through_the_service(owner):
    manager = SellerMemberFactory(seller=owner.seller, role=Role.MANAGER)
    with pytest.raises(ApplicationError) as refused:
        seller_invitation_create(seller=owner.seller, actor=manager.user, email="a@example.com", role="owner")
    assert refused.value.message == "Only an owner of the seller can do that."


# Accepting


def test_anonymous_visitors_of_the_link_are_sent_to_sign_in_and_back(client, owner):
    _, token = invite(owner)
    url = reverse("seller:invitation-accept", kwargs={"token": token})
    response = client.get(url)
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_the_invitee_accepts_and_lands_in_seller_central_in_the_role(client, owner):
    _, token = invite(owner, "New@Example.com", Role.SHIPPING)
    invitee = verified_user("new@example.com")
    client.force_login(invitee)
    url = reverse("seller:invitation-accept", kwargs={"token": token})

    page = client.get(url)
    assert page.status_code == 200
    assert "You are invited to work for <strong>Blade House</strong>" in page.text
    assert "<strong>shipping</strong>" in page.text

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == reverse("seller:dashboard")
    assert roles_of(owner.seller) == [("new@example.com", "shipping"), ("owner@example.com", "owner")]
    invitation = SellerInvitation.objects.get()
    assert invitation.accepted_by_id == invitee.pk and invitation.accepted_at is not None
    assert client.session[SESSION_MEMBER_FLAG] is True and client.session[SESSION_KEY] == owner.seller_id
    assert client.get(reverse("seller:shipping-queue")).status_code == 200
    assert client.get(MEMBERS).status_code == 404

    # the link works once
    again = client.get(url)
    assert again.status_code == 410
    assert "This invitation to Blade House has already been used." in again.text
    assert client.post(url).status_code == 410
    assert SellerMember.objects.filter(seller=owner.seller).count() == 2


def test_another_account_is_refused_and_learns_nothing(client, owner):
    _, token = invite(owner, "new@example.com")
    url = reverse("seller:invitation-accept", kwargs={"token": token})
    for user in (verified_user("someone@example.com"), UserFactory(email="new@example.com")):
        # the second has the address, but has not verified it
        client.force_login(user)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404
            assert "This invitation is for another account" in response.text
            assert "Blade House" not in response.text
    assert SellerMember.objects.filter(seller=owner.seller).count() == 1
    assert SellerInvitation.objects.get().accepted_at is None


def test_expired_and_revoked_invitations_say_so(client, owner):
    expired, expired_token = invite(owner, "new@example.com")
    SellerInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(verified_user("new@example.com"))
    url = reverse("seller:invitation-accept", kwargs={"token": expired_token})
    page = client.get(url)
    assert page.status_code == 410
    assert "This invitation to Blade House has expired. Ask its owner for a new one." in page.text
    assert client.post(url).status_code == 410

    revoked, revoked_token = invite(owner, "new@example.com")
    client.force_login(owner.user)
    client.post(reverse("seller:invitation-revoke", args=[revoked.pk]))
    client.force_login(EmailAddress.objects.get(email="new@example.com").user)
    page = client.get(reverse("seller:invitation-accept", kwargs={"token": revoked_token}))
    assert page.status_code == 410
    assert "This invitation to Blade House was revoked. Ask its owner for a new one." in page.text
    assert SellerMember.objects.filter(seller=owner.seller).count() == 1


def test_an_unknown_token_is_404(client):
    client.force_login(UserFactory())
    assert (
        client.get(reverse("seller:invitation-accept", kwargs={"token": "no-such-token"})).status_code == 404
    )


# Roles and removal


def test_the_owner_changes_a_role(owner_client, owner):
    manager = SellerMemberFactory(
        seller=owner.seller, user=UserFactory(email="m@example.com"), role=Role.MANAGER
    )
    response = owner_client.post(
        reverse("seller:member-role", args=[manager.pk]), {"role": "finance"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["m@example.com is now finance."]
    assert roles_of(owner.seller) == [("m@example.com", "finance"), ("owner@example.com", "owner")]


def test_with_htmx_a_role_change_answers_the_members_area(owner_client, owner):
    manager = SellerMemberFactory(seller=owner.seller, role=Role.MANAGER)
    response = owner_client.post(
        reverse("seller:member-role", args=[manager.pk]), {"role": "owner"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "sellers/central/members.html" not in [
        t.name for t in response.templates
    ]
    assert f"{manager.user.email} is now owner." in response.text


@pytest.mark.parametrize("role", ["", "admin", "OWNER"])
def test_an_unknown_role_is_refused(owner_client, owner, role):
    manager = SellerMemberFactory(seller=owner.seller, role=Role.MANAGER)
    response = owner_client.post(
        reverse("seller:member-role", args=[manager.pk]), {"role": role}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Choose a role: owner, manager, shipping or finance."
    ]
    manager.refresh_from_db()
    assert manager.role == "manager"


def test_the_last_owner_can_be_neither_demoted_nor_removed(owner_client, owner):
    demote = owner_client.post(
        reverse("seller:member-role", args=[owner.pk]), {"role": "manager"}, follow=True
    )
    message = (
        "owner@example.com is the only owner of Blade House and cannot be {}: "
        "make another member an owner first."
    )
    assert [str(m) for m in demote.context["messages"]] == [message.format("given another role")]
    remove = owner_client.post(reverse("seller:member-remove", args=[owner.pk]), follow=True)
    assert [str(m) for m in remove.context["messages"]] == [message.format("removed")]
    assert roles_of(owner.seller) == [("owner@example.com", "owner")]


def test_with_two_owners_one_may_step_down_and_leaves_the_members_page(owner_client, owner):
    SellerMemberFactory(seller=owner.seller, user=UserFactory(email="second@example.com"), role=Role.OWNER)
    response = owner_client.post(reverse("seller:member-role", args=[owner.pk]), {"role": "manager"})
    assert response["Location"] == reverse("seller:dashboard")
    assert roles_of(owner.seller) == [("owner@example.com", "manager"), ("second@example.com", "owner")]
    assert owner_client.get(MEMBERS).status_code == 404


def test_the_owner_removes_a_member_who_loses_access(client, owner):
    manager = SellerMemberFactory(
        seller=owner.seller, user=UserFactory(email="m@example.com"), role=Role.MANAGER
    )
    client.force_login(owner.user)
    response = client.post(reverse("seller:member-remove", args=[manager.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "m@example.com no longer works for Blade House."
    ]
    assert roles_of(owner.seller) == [("owner@example.com", "owner")]
    client.force_login(manager.user)
    assert client.get(reverse("seller:dashboard")).status_code == 404


def test_an_owner_who_removes_themselves_goes_to_the_shop(owner_client, owner):
    SellerMemberFactory(seller=owner.seller, role=Role.OWNER)
    response = owner_client.post(reverse("seller:member-remove", args=[owner.pk]))
    assert response["Location"] == reverse("catalog:home")
    assert owner_client.session[SESSION_MEMBER_FLAG] is False
    assert not SellerMember.objects.filter(pk=owner.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    # given two owners, each demoting the other in its own thread and transaction
    first = SellerMemberFactory(role=Role.OWNER)
    second = SellerMemberFactory(seller=first.seller, role=Role.OWNER)
    seller = first.seller

    errors = race(
        [
            lambda: seller_member_role_change(
                seller=seller, actor=first.user, member=second, role=Role.MANAGER
            ),
            lambda: seller_member_role_change(
                seller=seller, actor=second.user, member=first, role=Role.MANAGER
            ),
        ]
    )

    # then the seller's row lock orders them: the second is refused (no longer an owner)
    assert [type(error) for error in errors] == [ApplicationError]
    assert SellerMember.objects.filter(seller=seller, role=Role.OWNER).count() == 1


def test_another_sellers_members_and_invitations_are_404_and_unchanged(owner_client, owner):
    theirs = SellerMemberFactory(role=Role.OWNER)
    their_manager = SellerMemberFactory(seller=theirs.seller, role=Role.MANAGER)
    their_invitation, _ = invite(theirs, "theirs@example.com")

    assert (
        owner_client.post(
            reverse("seller:member-role", args=[their_manager.pk]), {"role": "owner"}
        ).status_code
        == 404
    )
    assert (
        owner_client.post(reverse("seller:member-role", args=[theirs.pk]), {"role": "finance"}).status_code
        == 404
    )
    assert owner_client.post(reverse("seller:member-remove", args=[their_manager.pk])).status_code == 404
    assert (
        owner_client.post(reverse("seller:invitation-revoke", args=[their_invitation.pk])).status_code == 404
    )

    assert sorted(SellerMember.objects.filter(seller=theirs.seller).values_list("pk", "role")) == sorted(
        [(theirs.pk, "owner"), (their_manager.pk, "manager")]
    )
    their_invitation.refresh_from_db()
    assert their_invitation.revoked_at is None


def test_revoking_twice_says_so(owner_client, owner):
    invitation, _ = invite(owner)
    url = reverse("seller:invitation-revoke", args=[invitation.pk])
    first = owner_client.post(url, follow=True)
    assert [str(m) for m in first.context["messages"]] == ["The invitation of new@example.com is revoked."]
    second = owner_client.post(url, follow=True)
    assert [str(m) for m in second.context["messages"]] == [
        "The invitation of new@example.com was already accepted or revoked."
    ]
    assert owner_client.get(MEMBERS).context["invitations"] == []
