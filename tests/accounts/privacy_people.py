"""A person with a row in every table that holds something about a shopper (the GDPR tests).

``person_build(tag)`` gives the person distinctive strings (``person.strings``:
e-mail, name, phone, street, city) so a scan of the whole database can tell
whether any of them is left, and ``person.rows`` the primary keys of their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from fulfillment.models import Claim, ReturnRequest
from marketplace.accounts.models import Address, OutboundEmail, User
from marketplace.core.models import AuditEntry
from orders.models import Cart, CartLine, Conversation, Message, Order, SellerOrder
from reviews.models import Review, ReviewReport, ReviewVote, SellerFeedback
from sellers.models import SellerInvitation, SellerMember
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.fulfillment.factories import StockFactory
from tests.orders.order_data import order_build


@dataclass
class Person:
    user: User
    strings: dict[str, str]
    rows: dict[str, set[int]] = field(default_factory=dict)


def person_build(tag: str, *, seller=None) -> Person:
    """A shopper whose strings all contain ``tag`` (letters only), with one row of each kind."""
    strings = {
        "email": f"{tag.lower()}@example.com",
        "full_name": f"{tag} Quartermaine",
        "phone": f"+1 555 01{len(tag):02d} {tag[:2].upper()}",
        "line1": f"77 {tag} Terrace",
        "city": f"{tag}field",
    }
    user = User.objects.create_user(
        email=strings["email"], password=DEFAULT_PASSWORD, full_name=strings["full_name"]
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    person = Person(user=user, strings=strings)
    rows = person.rows
    rows["addresses"] = {
        Address.objects.create(
            user=user,
            full_name=strings["full_name"],
            line1=strings["line1"],
            city=strings["city"],
            postal_code="89501",
            country="US",
            phone=strings["phone"],
            is_default=True,
        ).pk
    }
    stock = StockFactory(**({"offer__seller": seller} if seller else {}))
    offer = stock.offer
    cart = Cart.objects.create(user=user)
    rows["cart_lines"] = {
        CartLine.objects.create(cart=cart, offer=offer, quantity=1, price_seen_amount=offer.price_amount).pk
    }

    order = order_build(user=user, parts=[[(offer, 1)]])
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.COMPLETED,
        ship_full_name=strings["full_name"],
        ship_line1=strings["line1"],
        ship_line2=f"Flat 3, {tag} House",
        ship_city=strings["city"],
        ship_phone=strings["phone"],
    )
    seller_order = order.seller_orders.get()
    SellerOrder.objects.filter(pk=seller_order.pk).update(status=SellerOrder.Status.DELIVERED)
    rows["orders"] = {order.pk}
    now = timezone.now()
    conversation = Conversation.objects.create(
        seller_order=seller_order, seller=offer.seller, created_at=now, last_message_at=now
    )
    rows["messages"] = {
        Message.objects.create(
            conversation=conversation, author_kind=Message.Author.BUYER, author=user, body="Is it here soon?",
            created_at=now,
        ).pk
    }  # fmt: skip
    line = seller_order.lines.get()
    review = Review.objects.create(
        product=offer.product, order_line=line, author=user, author_name=strings["full_name"], rating=4,
        title="Good", body="Works well.", status=Review.Status.PUBLISHED, published_at=now,
    )  # fmt: skip
    rows["reviews"] = {review.pk}
    rows["seller_feedback"] = {
        SellerFeedback.objects.create(
            seller_order=seller_order, seller=offer.seller, author=user, author_name=strings["full_name"],
            rating=5, arrived_on_time=True, as_described=True, good_service=True, comment="Fast.",
        ).pk
    }  # fmt: skip
    rows["returns"] = {
        ReturnRequest.objects.create(
            number=f"R-{order.number}", seller_order=seller_order, user=user,
            status=ReturnRequest.Status.REFUNDED, reason=ReturnRequest.Reason.DAMAGED,
        ).pk
    }  # fmt: skip
    rows["claims"] = {
        Claim.objects.create(
            number=f"C-{order.number}", seller_order=seller_order, user=user,
            reason=Claim.Reason.NOT_ARRIVED, status=Claim.Status.DENIED,
        ).pk
    }  # fmt: skip
    rows["emails"] = {
        OutboundEmail.objects.create(
            payload={
                "subject": "Your order",
                "body": f"Hello {strings['full_name']}, it ships to {strings['line1']}.",
                "from_email": "shop@example.com", "to": [strings["email"]],
            },
            message_id=f"<{tag}@example.com>", sent_at=now,
        ).pk
    }  # fmt: skip
    rows["sessions"] = {
        UserSession.objects.create(
            user=user, ip="203.0.113.7", session_key=f"session{tag.lower()}", user_agent=f"{tag}Browser/1.0"
        ).pk
    }
    rows["authenticators"] = {
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}).pk
    }
    rows["audit"] = {
        AuditEntry.objects.create(
            actor=user, actor_kind="shopper", action="address.created", target_type="accounts.address",
            target_id="1", ip="203.0.113.7",
        ).pk
    }  # fmt: skip
    rows["invitations"] = {
        SellerInvitation.objects.create(
            seller=offer.seller, email=strings["email"], role=SellerMember.Role.MANAGER,
            token_hash=f"hash-{tag}", expires_at=now,
        ).pk
    }  # fmt: skip
    rows["memberships"] = {
        SellerMember.objects.create(seller=offer.seller, user=user, role=SellerMember.Role.MANAGER).pk
    }
    person.review = review
    return person


def vote_and_report(*, voter: Person, review: Review) -> None:
    """``voter`` finds ``review`` helpful and reports it too (rows of the voter, on another's review)."""
    voter.rows["review_votes"] = {ReviewVote.objects.create(review=review, user=voter.user).pk}
    voter.rows["review_reports"] = {
        ReviewReport.objects.create(
            review=review, user=voter.user, reason="spam", note=f"{voter.strings['full_name']} says spam"
        ).pk
    }
