"""Buyer-seller messages: the shopper's conversation page, Seller Central's, e-mails, response times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sites.models import Site
from django.urls import reverse

from marketplace.accounts.models import OutboundEmail
from marketplace.core.errors import ApplicationError
from orders.messages.selectors import duration_label, seller_response_times
from orders.messages.services import conversation_mark_read, message_post_by_buyer, message_post_by_seller
from orders.models import Conversation, Message
from sellers.models import SellerMember
from tests.accounts.factories import UserFactory
from tests.orders.order_data import order_build
from tests.orders.seller_orders_data import paid, part_of, seller_with_stock
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
Role = SellerMember.Role
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    """A seller with a member of each role, and a buyer's paid order from it."""
    seller, offers, _ = seller_with_stock(name="North Co", on_hand=100)
    members = {role: SellerMemberFactory(seller=seller, role=role).user for role in Role.values}
    buyer = UserFactory(email="ada.buyer@example.com", full_name="Ada Lovelace")
    seller_order = part_of(paid(parts=[[(offers[0], 1)]], user=buyer), seller)
    OutboundEmail.objects.all().delete()  # the order confirmation
    return {
        "seller": seller,
        "offers": offers,
        "members": members,
        "buyer": buyer,
        "seller_order": seller_order,
    }


def buyer_url(seller_order) -> str:
    return reverse(
        "orders:order-messages", kwargs={"number": seller_order.order.number, "part": seller_order.number}
    )


def seller_url(seller_order) -> str:
    return reverse("seller:message-detail", kwargs={"number": seller_order.number})


def absolute(path: str) -> str:
    return f"http://{Site.objects.get_current().domain}{path}"


def email_text(email: OutboundEmail) -> str:
    payload = email.payload
    return " ".join(
        [payload["subject"], payload["body"], payload["alternatives"][0][0], str(payload["headers"])]
    )


def test_a_buyer_message_emails_the_order_team_a_seller_central_link_and_never_the_buyer_address(
    client, shop
):
    seller_order, buyer, members = shop["seller_order"], shop["buyer"], shop["members"]
    client.force_login(buyer)

    response = client.post(buyer_url(seller_order), {"body": "Does it come <b>boxed</b>?\nThanks"})

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{buyer_url(seller_order)}#message-{message.pk}"
    assert (message.author_kind, message.author, message.body) == (
        "buyer",
        buyer,
        "Does it come <b>boxed</b>?\nThanks",
    )
    assert message.starts_wait is True and message.answered_at is None
    conversation = Conversation.objects.get()
    assert (conversation.seller_order, conversation.seller) == (seller_order, shop["seller"])
    assert (conversation.message_count, conversation.seller_unread, conversation.buyer_unread) == (1, 1, 0)
    assert conversation.waiting_since == message.created_at == conversation.last_message_at
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == [
        members[Role.OWNER].email,
        members[Role.MANAGER].email,
        members[Role.SHIPPING].email,
    ]
    assert email.payload["from_email"] == settings.DEFAULT_FROM_EMAIL
    assert email.payload["headers"] == {"Reply-To": settings.DEFAULT_FROM_EMAIL}
    assert email.payload["subject"] == f"A buyer wrote about order {seller_order.number}"
    assert absolute(seller_url(seller_order)) in email.payload["body"]
    assert "Ada L. wrote about order" in email.payload["body"]
    assert "Does it come <b>boxed</b>?\nThanks" in email.payload["body"]
    assert "Does it come &lt;b&gt;boxed&lt;/b&gt;?<br>Thanks" in email.payload["alternatives"][0][0]
    assert buyer.email not in email_text(email) and "Lovelace" not in email_text(email)


def test_the_seller_reads_and_replies_the_buyer_gets_an_email_and_the_wait_is_answered(client, shop):
    seller_order, buyer = shop["seller_order"], shop["buyer"]
    shipping = shop["members"][Role.SHIPPING]
    question = message_post_by_buyer(seller_order=seller_order, user=buyer, body="Is it red?")
    OutboundEmail.objects.all().delete()
    client.force_login(shipping)

    page = client.get(seller_url(seller_order))
    assert page.status_code == 200 and "Is it red?" in page.text and "Ada L." in page.text
    assert buyer.email not in page.text
    assert Conversation.objects.get().seller_unread == 0

    response = client.post(seller_url(seller_order), {"body": "Yes, bright red."})

    reply = Message.objects.get(author_kind="seller")
    assert response["Location"] == f"{seller_url(seller_order)}#message-{reply.pk}"
    assert (reply.author, reply.starts_wait) == (shipping, False)
    question.refresh_from_db()
    assert question.answered_at == reply.created_at
    conversation = Conversation.objects.get()
    assert (conversation.message_count, conversation.buyer_unread, conversation.seller_unread) == (2, 1, 0)
    assert conversation.waiting_since is None
    email = OutboundEmail.objects.get()
    assert email.payload["to"] == [buyer.email]
    assert email.payload["subject"] == f"North Co answered about your order {seller_order.order.number}"
    assert absolute(buyer_url(seller_order)) in email.payload["body"]
    assert "Yes, bright red." in email.payload["body"]
    assert all(member.email not in email_text(email) for member in shop["members"].values())
    assert shipping.full_name not in email_text(email)

    client.force_login(buyer)
    thread = client.get(buyer_url(seller_order))
    assert thread.status_code == 200
    assert [(row.who, row.mine) for row in thread.context["thread"]] == [("You", True), ("North Co", False)]
    assert shipping.full_name not in thread.text
    assert Conversation.objects.get().buyer_unread == 0


def test_a_second_buyer_message_does_not_start_another_wait(shop):
    seller_order, buyer = shop["seller_order"], shop["buyer"]
    first = message_post_by_buyer(seller_order=seller_order, user=buyer, body="Hello?")
    second = message_post_by_buyer(seller_order=seller_order, user=buyer, body="Anybody there?")
    assert (first.starts_wait, second.starts_wait) == (True, False)
    conversation = Conversation.objects.get()
    assert (conversation.message_count, conversation.seller_unread, conversation.waiting_since) == (
        2,
        2,
        first.created_at,
    )
    assert OutboundEmail.objects.count() == 2


def test_marking_read_keeps_a_message_that_arrived_after_the_page_was_read(shop):
    seller_order, buyer = shop["seller_order"], shop["buyer"]
    message_post_by_buyer(seller_order=seller_order, user=buyer, body="One")
    shown = Conversation.objects.get()
    message_post_by_buyer(seller_order=seller_order, user=buyer, body="Two")
    assert conversation_mark_read(conversation=shown, reader="seller") is False
    assert Conversation.objects.get().seller_unread == 2
    assert conversation_mark_read(conversation=Conversation.objects.get(), reader="seller") is True
    assert Conversation.objects.get().seller_unread == 0


def test_htmx_gets_the_thread_and_form_back(client, shop):
    seller_order = shop["seller_order"]
    client.force_login(shop["buyer"])
    response = client.post(buyer_url(seller_order), {"body": "Via htmx"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.startswith('<div id="conversation-panel"')
    assert "Via htmx" in response.text and "Sent to North Co." in response.text

    refused = client.post(buyer_url(seller_order), {"body": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 400 and "Write a message first." in refused.text
    assert refused.text.startswith('<div id="conversation-panel"')


BAD_BODIES = [
    ("", "Write a message first."),
    ("   \n ", "Write a message first."),
    ("x" * 2001, "The message is too long: at most 2000 characters."),
    ("bad\x00byte", "The message contains a character that is not allowed."),
    ("escape\x1b[31m", "The message contains a character that is not allowed."),
]


@pytest.mark.parametrize(("body", "error"), BAD_BODIES)
def test_a_bad_buyer_message_says_why_and_writes_nothing(client, shop, body, error):
    client.force_login(shop["buyer"])
    response = client.post(buyer_url(shop["seller_order"]), {"body": body})
    assert response.status_code == 400
    assert error in response.text
    assert (Conversation.objects.count(), Message.objects.count(), OutboundEmail.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(("body", "error"), BAD_BODIES)
def test_a_bad_seller_message_says_why_and_writes_nothing(client, shop, body, error):
    message_post_by_buyer(seller_order=shop["seller_order"], user=shop["buyer"], body="Question")
    OutboundEmail.objects.all().delete()
    client.force_login(shop["members"][Role.MANAGER])
    response = client.post(seller_url(shop["seller_order"]), {"body": body})
    assert response.status_code == 400
    assert error in response.text
    assert Message.objects.count() == 1 and OutboundEmail.objects.count() == 0
    assert Conversation.objects.get().waiting_since is not None


def test_two_thousand_characters_with_line_breaks_are_accepted(shop):
    body = ("y" * 99 + "\n") * 20
    message = message_post_by_buyer(seller_order=shop["seller_order"], user=shop["buyer"], body=body)
    assert message.body == body.strip() and len(body) == 2000


def test_another_users_order_is_404_and_nothing_is_written(client, shop):
    seller_order = shop["seller_order"]
    client.force_login(UserFactory())
    assert client.get(buyer_url(seller_order)).status_code == 404
    assert client.post(buyer_url(seller_order), {"body": "Let me in"}).status_code == 404
    # The buyer's own order number with a part of somebody else's order: 404 too.
    other = part_of(paid(parts=[[(shop["offers"][0], 1)]]), shop["seller"])
    OutboundEmail.objects.all().delete()  # its order confirmation
    client.force_login(shop["buyer"])
    mixed = reverse(
        "orders:order-messages", kwargs={"number": seller_order.order.number, "part": other.number}
    )
    assert client.post(mixed, {"body": "Hi"}).status_code == 404
    assert (Message.objects.count(), OutboundEmail.objects.count()) == (0, 0)
    with pytest.raises(ApplicationError, match="Only the buyer of this order can write here."):
        message_post_by_buyer(seller_order=other, user=shop["buyer"], body="Hi")
    assert Message.objects.count() == 0


def test_another_sellers_conversation_is_404_and_nothing_is_written(client, shop):
    seller_order = shop["seller_order"]
    message_post_by_buyer(seller_order=seller_order, user=shop["buyer"], body="Question")
    OutboundEmail.objects.all().delete()
    stranger_seller, _, _ = seller_with_stock(name="South Co")
    stranger = SellerMemberFactory(seller=stranger_seller, role=Role.OWNER)
    client.force_login(stranger.user)
    assert client.get(seller_url(seller_order)).status_code == 404
    assert client.post(seller_url(seller_order), {"body": "Mine now"}).status_code == 404
    list_page = client.get(reverse("seller:message-list"))
    assert list_page.status_code == 200 and list(list_page.context["conversations"]) == []
    assert (Message.objects.count(), OutboundEmail.objects.count()) == (1, 0)
    conversation = Conversation.objects.get()
    assert (conversation.seller_unread, conversation.message_count) == (1, 1)
    with pytest.raises(ApplicationError, match="You cannot write about this order."):
        message_post_by_seller(seller_order=seller_order, member=stranger, body="Hi")


def test_roles_finance_gets_404_and_the_order_roles_get_in(client, shop):
    seller_order = shop["seller_order"]
    for role, expected in ((Role.FINANCE, 404), (Role.SHIPPING, 200), (Role.MANAGER, 200), (Role.OWNER, 200)):
        client.force_login(shop["members"][role])
        assert client.get(reverse("seller:message-list")).status_code == expected, role
        assert client.get(seller_url(seller_order)).status_code == expected, role
    client.force_login(shop["members"][Role.FINANCE])
    assert client.post(seller_url(seller_order), {"body": "Hi"}).status_code == 404
    assert Message.objects.count() == 0
    finance = SellerMember.objects.get(user=shop["members"][Role.FINANCE])
    with pytest.raises(ApplicationError, match="You cannot write about this order."):
        message_post_by_seller(seller_order=seller_order, member=finance, body="Hi")


def test_an_unpaid_order_has_no_messages_yet(client, shop):
    pending = order_build(user=shop["buyer"], parts=[[(shop["offers"][0], 1)]])
    part = pending.seller_orders.get()
    client.force_login(shop["buyer"])
    page = client.get(buyer_url(part))
    assert page.status_code == 200 and "You can write to the seller once the order is paid." in page.text
    refused = client.post(buyer_url(part), {"body": "Hello"})
    assert refused.status_code == 400 and "Messages open once the order is paid." in refused.text
    assert Message.objects.count() == 0
    client.force_login(shop["members"][Role.OWNER])
    assert client.get(seller_url(part)).status_code == 404


def test_the_order_pages_link_to_the_conversation(client, shop):
    seller_order = shop["seller_order"]
    client.force_login(shop["buyer"])
    order_page = client.get(seller_order.order.get_absolute_url()).text
    assert f'href="{buyer_url(seller_order)}">Contact the seller' in order_page
    client.force_login(shop["members"][Role.SHIPPING])
    detail = client.get(reverse("seller:order-detail", kwargs={"number": seller_order.number})).text
    assert f'href="{seller_url(seller_order)}">Messages with the buyer' in detail


def test_a_seller_may_write_first_and_that_starts_no_wait(client, shop):
    seller_order = shop["seller_order"]
    client.force_login(shop["members"][Role.OWNER])
    page = client.get(seller_url(seller_order))
    assert page.status_code == 200 and "No messages yet." in page.text and "Message Ada L." in page.text
    client.post(seller_url(seller_order), {"body": "Your parcel ships tomorrow."})
    conversation = Conversation.objects.get()
    assert (conversation.waiting_since, conversation.buyer_unread) == (None, 1)
    assert OutboundEmail.objects.get().payload["to"] == [shop["buyer"].email]


def conversations_of(response) -> list[str]:
    assert response.status_code == 200
    return [conversation.seller_order.number for conversation in response.context["conversations"]]


def test_the_list_shows_newest_first_or_the_unanswered_longest_wait_first(client, shop):
    seller, offer = shop["seller"], shop["offers"][0]
    parts = [part_of(paid(parts=[[(offer, 1)]]), seller) for _ in range(3)]
    member = SellerMember.objects.get(user=shop["members"][Role.OWNER])
    for hours, part in zip((30, 20, 10), parts, strict=True):
        with time_machine.travel(NOW - timedelta(hours=hours), tick=False):
            message_post_by_buyer(seller_order=part, user=part.order.user, body=f"Question {hours}")
    with time_machine.travel(NOW - timedelta(hours=5), tick=False):
        message_post_by_seller(seller_order=parts[1], member=member, body="Answer")
    client.force_login(member.user)
    with time_machine.travel(NOW, tick=False):
        everything = client.get(reverse("seller:message-list"))
        unanswered = client.get(reverse("seller:message-list") + "?show=unanswered")
    assert conversations_of(everything) == [parts[1].number, parts[2].number, parts[0].number]
    assert conversations_of(unanswered) == [parts[0].number, parts[2].number]
    assert "for 1 d 6 h <strong>(late)</strong>" in unanswered.text
    assert "for 10 h 00 min</td>" in unanswered.text
    assert "Answer" in everything.text and "Ada L." in everything.text
    assert all(part.order.user.email not in everything.text for part in parts)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_query_count_does_not_grow_with_its_rows(client, count, django_assert_num_queries):
    seller, offers, _ = seller_with_stock(on_hand=count)
    for _ in range(count):
        part = part_of(paid(parts=[[(offers[0], 1)]]), seller)
        message_post_by_buyer(seller_order=part, user=part.order.user, body="Where is my parcel?")
    client.force_login(SellerMemberFactory(seller=seller, role=Role.SHIPPING).user)
    # Session, user, membership, count, the page of conversations, the storefront's category navigation.
    with django_assert_num_queries(6):
        response = client.get(reverse("seller:message-list") + "?show=unanswered")
    assert len(response.context["conversations"]) == min(count, 25)


def test_the_dashboard_card_counts_waiting_conversations_and_the_oldest_wait(client, shop):
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        message_post_by_buyer(seller_order=shop["seller_order"], user=shop["buyer"], body="Hi")
    client.force_login(shop["members"][Role.SHIPPING])
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("seller:dashboard")).text
    assert "<dt>Awaiting your reply</dt><dd>1</dd>" in page
    assert "<dt>Oldest waiting</dt><dd>3 h 00 min</dd>" in page
    assert f'{reverse("seller:message-list")}?show=unanswered">Answer buyers' in page
    client.force_login(shop["members"][Role.FINANCE])
    assert "Awaiting your reply" not in client.get(reverse("seller:dashboard")).text


def test_response_times_over_30_and_90_days(client, shop):
    """Waits of 2 h, 30 h (late), 72 h unanswered (late), 5 h 40 days ago; one too young; one too old."""
    seller, offer = shop["seller"], shop["offers"][0]
    member = SellerMember.objects.get(user=shop["members"][Role.MANAGER])
    a, b, c, d, e = (part_of(paid(parts=[[(offer, 1)]]), seller) for _ in range(5))

    def buyer_at(part, at, body="?"):
        with time_machine.travel(at, tick=False):
            message_post_by_buyer(seller_order=part, user=part.order.user, body=body)

    def seller_at(part, at):
        with time_machine.travel(at, tick=False):
            message_post_by_seller(seller_order=part, member=member, body="Answer")

    day = timedelta(days=1)
    hour = timedelta(hours=1)
    buyer_at(a, NOW - 10 * day)
    seller_at(a, NOW - 10 * day + 2 * hour)  # 2 h, on time
    buyer_at(a, NOW - 9 * day)
    buyer_at(a, NOW - 9 * day + hour)  # the same wait
    seller_at(a, NOW - 9 * day + 30 * hour)  # 30 h, late
    buyer_at(b, NOW - 40 * day)
    seller_at(b, NOW - 40 * day + 5 * hour)  # 5 h, on time, only in the 90 days
    buyer_at(c, NOW - 3 * day)  # unanswered for 72 h: late
    buyer_at(d, NOW - 2 * hour)  # unanswered for 2 h: not counted yet
    buyer_at(e, NOW - 100 * day)
    seller_at(e, NOW - 100 * day + hour)  # outside both windows

    times = seller_response_times(seller=seller, now=NOW)

    last_30, last_90 = times.windows
    assert (last_30.days, last_30.counted, last_30.on_time, last_30.late) == (30, 3, 1, 2)
    assert (last_30.median, last_30.percent_on_time, last_30.median_label) == (30 * hour, "33.3 %", "1 d 6 h")
    assert (last_90.days, last_90.counted, last_90.on_time, last_90.late) == (90, 4, 2, 2)
    assert (last_90.median, last_90.percent_on_time, last_90.median_label) == (
        timedelta(hours=17, minutes=30),
        "50.0 %",
        "17 h 30 min",
    )
    assert times.waiting == 2
    other_seller, _, _ = seller_with_stock(name="Quiet Co")
    quiet = seller_response_times(seller=other_seller, now=NOW)
    assert quiet.any is False and [window.percent_on_time for window in quiet.windows] == ["n/a", "n/a"]

    client.force_login(member.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("seller:performance")).text
    assert (
        '<td>33.3 % <span class="muted">(1 of 3)</span></td>'
        '<td>50.0 % <span class="muted">(2 of 4)</span></td>' in page
    )
    assert "<td>1 d 6 h</td><td>17 h 30 min</td>" in page
    assert "2 conversations awaiting your reply" in page


def test_the_performance_page_says_when_there_are_no_buyer_messages(client, shop):
    client.force_login(shop["members"][Role.OWNER])
    page = client.get(reverse("seller:performance"))
    assert page.status_code == 200
    assert '<h2 id="buyer-messages-heading">Buyer messages</h2>' in page.text
    assert "No buyer messages yet." in page.text


@pytest.mark.parametrize(
    ("duration", "label"),
    [
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3, minutes=5), "3 h 05 min"),
        (timedelta(days=2, hours=4, minutes=59), "2 d 4 h"),
    ],
)
def test_duration_labels(duration, label):
    assert duration_label(duration) == label
