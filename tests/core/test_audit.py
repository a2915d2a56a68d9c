"""The audit log (marketplace.core.audit): one entry per staff or seller change, append-only,
read-only in the admin."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from catalog.services import offer_pause, offer_resume, offer_update_price
from catalog.submissions import product_review_approve, product_review_reject
from fulfillment.inventory.bulk import (
    stock_batch_add,
    stock_batch_check,
    stock_batch_lock,
    stock_set_on_hand_many,
)
from fulfillment.inventory.history import Cause
from fulfillment.inventory.services import stock_set_on_hand
from marketplace.core.audit import ACTIONS, audit_record, changed_only, client_ip
from marketplace.core.models import AuditEntry, AuditEntryImmutable
from orders.lifecycle import order_cancel, order_reject, order_release, seller_order_transition
from orders.models import Order, SellerOrder
from payments.models import Payment, Payout, SellerPayoutAccount
from payments.payout_accounts import payout_account_connect_sandbox
from payments.payouts import payout_cancel
from payments.refunds import refund_create
from payments.services import payment_confirm, payment_start
from reviews.feedback import feedback_leave
from reviews.feedback.services import feedback_staff_remove
from reviews.services import review_create, review_publish, review_reject, review_remove
from sellers.models import Seller, SellerMember
from sellers.services.members import (
    seller_invitation_create,
    seller_invitation_revoke,
    seller_member_remove,
    seller_member_role_change,
)
from sellers.services.standing import seller_reinstate, seller_suspend
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.orders.seller_orders_data import paid, part_of, seller_with_stock
from tests.payments.conftest import order_create, payment_method
from tests.reviews.review_data import delivered_line
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db

KIND = AuditEntry.ActorKind
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Audit test)", "REMOTE_ADDR": "203.0.113.7"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def the_entry() -> AuditEntry:
    """The one entry written (fails if there are none or several)."""
    return AuditEntry.objects.get()


def summary(entry: AuditEntry) -> dict:
    assert entry.action in ACTIONS, f"{entry.action} is missing from marketplace.core.audit.ACTIONS"
    return {
        "action": entry.action,
        "actor": entry.actor,
        "actor_kind": entry.actor_kind,
        "seller_id": entry.seller_id,
        "target": (entry.target_type, entry.target_id),
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="auditor@example.com")


@pytest.fixture
def shop():
    seller = SellerFactory(name="Acme Audio")
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    offer = OfferFactory(seller=seller, price_amount=Decimal("20.00"), shipping_amount=Decimal("1.00"))
    warehouse = WarehouseFactory(seller=seller)
    stock = StockFactory(offer=offer, warehouse=warehouse, on_hand=5)
    return {"seller": seller, "owner": owner, "offer": offer, "warehouse": warehouse, "stock": stock}


# -- the service and its context ---------------------------------------------------------------


def test_outside_a_request_an_entry_without_an_actor_is_the_systems(shop):
    entry = audit_record(
        action="offer.price_changed",
        target=shop["offer"],
        before={"price_amount": Decimal("20.00"), "sku": "A"},
        after={"price_amount": Decimal("18.50"), "sku": "A"},
    )

    entry.refresh_from_db()
    assert summary(entry) == {
        "action": "offer.price_changed",
        "actor": None,
        "actor_kind": KIND.SYSTEM,
        "seller_id": shop["seller"].pk,  # from the target's seller_id
        "target": ("catalog.offer", str(shop["offer"].pk)),
        "before": {"price_amount": "20.00"},  # the unchanged SKU is dropped
        "after": {"price_amount": "18.50"},
        "reason": "",
    }
    assert (entry.ip, entry.user_agent, entry.request_id) == (None, "", "")


def test_changed_only_keeps_fields_present_on_one_side():
    assert changed_only({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == ({"b": 2}, {"b": 3, "c": 4})
    assert changed_only(None, None) == ({}, {})


def test_every_action_named_in_the_code_is_in_actions():
    """Each literal ``action=`` of an ``audit_record`` call in the project's code is listed
    (the admin's filter offers only those)."""
    root = Path(__file__).resolve().parents[2]
    packages = [path for path in root.iterdir() if (path / "__init__.py").exists() and path.name != "tests"]
    named = set()
    for path in (module for package in packages for module in package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        named.add(keyword.value.value)

    assert "offer.price_changed" in named  # the walk found the calls
    assert named - set(ACTIONS) == set()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "203.0.113.7", "203.0.113.7"),  # no proxy trusted: the header is ignored
        (1, "198.51.100.1, 192.0.2.1", "10.0.0.1", "192.0.2.1"),  # the last hop the proxy appended
        (2, "198.51.100.1, 192.0.2.1", "10.0.0.1", "198.51.100.1"),
        (2, "192.0.2.1", "10.0.0.1", "10.0.0.1"),  # fewer hops than proxies: REMOTE_ADDR
        (1, "not-an-ip", "10.0.0.1", "10.0.0.1"),
        (0, "", "junk", None),
    ],
)
def test_the_client_address_honours_the_trusted_proxy_count(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR=remote, **headers)

    assert client_ip(request) == expected


# -- through real views: who, where, and the one INSERT ----------------------------------------


def test_a_price_edit_in_seller_central_records_who_from_where_with_one_insert(client, shop):
    client.force_login(shop["owner"])
    url = reverse("seller:listing-price", kwargs={"pk": shop["offer"].pk})

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            url, {"price": "18.50", "shipping": "1.00"}, HTTP_X_REQUEST_ID="req-price-1", **BROWSER, **HTMX
        )

    assert response.status_code == 200
    audit_queries = [q["sql"] for q in queries.captured_queries if "core_auditentry" in q["sql"]]
    assert len(audit_queries) == 1 and audit_queries[0].startswith("INSERT INTO")
    entry = the_entry()
    assert summary(entry) == {
        "action": "offer.price_changed",
        "actor": shop["owner"],
        "actor_kind": KIND.SELLER_MEMBER,
        "seller_id": shop["seller"].pk,
        "target": ("catalog.offer", str(shop["offer"].pk)),
        "before": {"price_amount": "20.00"},
        "after": {"price_amount": "18.50"},
        "reason": "",
    }
    assert (entry.ip, entry.user_agent, entry.request_id) == (
        "203.0.113.7",
        "Mozilla/5.0 (Audit test)",
        "req-price-1",
    )


def test_a_stock_change_in_seller_central_is_recorded_with_the_made_up_request_id(client, shop):
    client.force_login(shop["owner"])
    url = reverse("seller:stock-set", kwargs={"offer": shop["offer"].pk, "warehouse": shop["warehouse"].pk})
    long_agent = "A" * 500 + "\x00"

    response = client.post(
        url, {"on_hand": "12"}, HTTP_USER_AGENT=long_agent, REMOTE_ADDR="2001:db8::1", **HTMX
    )

    assert response.status_code == 200
    entry = the_entry()
    assert summary(entry) == {
        "action": "stock.adjusted",
        "actor": shop["owner"],
        "actor_kind": KIND.SELLER_MEMBER,
        "seller_id": shop["seller"].pk,
        "target": ("fulfillment.stock", str(shop["stock"].pk)),
        "before": {"on_hand": 5},
        "after": {"on_hand": 12},
        "reason": "manual",
    }
    assert entry.ip == "2001:db8::1"
    assert entry.user_agent == "A" * 300
    assert entry.request_id == response["X-Request-ID"] and len(entry.request_id) == 32


def test_a_refused_change_through_a_view_records_nothing(client, shop):
    client.force_login(shop["owner"])
    url = reverse("seller:listing-price", kwargs={"pk": shop["offer"].pk})

    response = client.post(url, {"price": "0", "shipping": "1.00"}, **BROWSER, **HTMX)

    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


def test_a_seller_cancelling_its_part_through_seller_central_is_recorded(client):
    seller, offers, _ = seller_with_stock()
    order = paid(parts=[[(offers[0], 1)]])
    part = part_of(order, seller)
    owner = SellerMemberFactory(seller=seller, role=SellerMember.Role.OWNER).user
    client.force_login(owner)

    response = client.post(
        reverse("seller:order-cancel", kwargs={"number": part.number}),
        {"reason": "out_of_stock"},
        HTTP_X_REQUEST_ID="req-cancel",
        **BROWSER,
    )

    assert response.status_code == 302
    entry = the_entry()
    assert summary(entry) == {
        "action": "seller_order.cancelled",
        "actor": owner,
        "actor_kind": KIND.SELLER_MEMBER,
        "seller_id": seller.pk,
        "target": ("orders.sellerorder", str(part.pk)),
        "before": {"status": "ready_to_ship"},
        "after": {"status": "cancelled"},
        "reason": "Out of stock",
    }
    assert (entry.ip, entry.request_id) == ("203.0.113.7", "req-cancel")


def test_staff_cancelling_an_order_in_the_admin_is_recorded(client, staff):
    seller, offers, _ = seller_with_stock()
    order = paid(parts=[[(offers[0], 1)]])
    client.force_login(staff)

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel", "_selected_action": [order.pk], "apply": "1", "reason": "Customer called"},
        **BROWSER,
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    entry = AuditEntry.objects.get(action="order.cancelled")
    assert summary(entry) == {
        "action": "order.cancelled",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": None,
        "target": ("orders.order", str(order.pk)),
        "before": {"status": "paid"},
        "after": {"status": "cancelled"},
        "reason": "Customer called",
    }
    assert entry.ip == "203.0.113.7"


# -- each instrumented service writes exactly one entry ----------------------------------------


def test_pausing_and_resuming_an_offer_are_recorded_once_each(shop):
    offer_pause(offer=shop["offer"], seller=shop["seller"], actor=shop["owner"])
    offer_pause(offer=shop["offer"], seller=shop["seller"], actor=shop["owner"])  # no change: no entry
    offer_resume(offer=shop["offer"], seller=shop["seller"], actor=shop["owner"])

    assert [(e.action, e.before, e.after, e.actor_kind) for e in AuditEntry.objects.order_by("pk")] == [
        ("offer.paused", {"is_active": True}, {"is_active": False}, KIND.SELLER_MEMBER),
        ("offer.resumed", {"is_active": False}, {"is_active": True}, KIND.SELLER_MEMBER),
    ]


def test_a_price_saved_unchanged_records_nothing(shop):
    offer_update_price(
        offer=shop["offer"], seller=shop["seller"], price=Decimal("20.00"), shipping=Decimal("1")
    )

    assert not AuditEntry.objects.exists()


def test_a_bulk_stock_change_is_one_entry_for_the_batch(shop):
    other = OfferFactory(seller=shop["seller"])
    StockFactory(offer=other, warehouse=shop["warehouse"], on_hand=0)
    with transaction.atomic():
        keys = [(shop["offer"].pk, shop["warehouse"].pk), (other.pk, shop["warehouse"].pk)]
        batch = stock_batch_lock(seller=shop["seller"], keys=keys)
        for offer, on_hand in ((shop["offer"], 9), (other, 4)):
            level = stock_batch_check(batch, offer=offer, warehouse=shop["warehouse"], on_hand=on_hand)
            stock_batch_add(batch, offer=offer, warehouse=shop["warehouse"], on_hand=on_hand, level=level)
        stock_set_on_hand_many(batch=batch, actor=shop["owner"], cause=Cause.IMPORT, reference="import #7")

    wh = shop["warehouse"].pk
    assert summary(the_entry()) == {
        "action": "stock.adjusted_many",
        "actor": shop["owner"],
        "actor_kind": KIND.SELLER_MEMBER,
        "seller_id": shop["seller"].pk,
        "target": ("sellers.seller", str(shop["seller"].pk)),
        "before": {"on_hand": {f"{shop['offer'].pk}/{wh}": 5, f"{other.pk}/{wh}": 0}},
        "after": {"on_hand": {f"{shop['offer'].pk}/{wh}": 9, f"{other.pk}/{wh}": 4}},
        "reason": "import #7",
    }


def test_a_seller_shipping_or_staff_moving_a_seller_order_is_recorded_a_carrier_scan_is_not(staff):
    seller, offers, _ = seller_with_stock()
    part = part_of(paid(parts=[[(offers[0], 1)]]), seller)

    seller_order_transition(seller_order=part, to=SellerOrder.Status.SHIPPED, actor=staff, message="By hand")
    seller_order_transition(seller_order=part, to=SellerOrder.Status.DELIVERED, message="Scan")

    assert summary(the_entry()) == {
        "action": "seller_order.shipped",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": seller.pk,
        "target": ("orders.sellerorder", str(part.pk)),
        "before": {"status": "ready_to_ship"},
        "after": {"status": "shipped"},
        "reason": "By hand",
    }


def test_a_shopper_cancelling_their_own_order_is_not_audited():
    seller, offers, _ = seller_with_stock()
    order = paid(parts=[[(offers[0], 1)]])

    order_cancel(order=order, actor=order.user, reason="Changed my mind")

    assert not AuditEntry.objects.exists()


@pytest.fixture
def held(settings, django_capture_on_commit_callbacks):
    """An order paid with a billing country that holds it for review."""
    settings.FRAUD_HOLD_SCORE = 20
    order = order_create(user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_start(order=order, idempotency_key=f"pay-{order.number}")
        payment_confirm(payment=payment, payment_method=payment_method(), billing_country="FR")
    order.refresh_from_db()
    assert order.status == Order.Status.ON_HOLD
    return order


def test_staff_releasing_a_held_order_is_recorded(held, staff):
    order_release(order=held, actor=staff, message="Looks fine")

    assert summary(the_entry()) == {
        "action": "order.released",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": None,
        "target": ("orders.order", str(held.pk)),
        "before": {"status": "on_hold"},
        "after": {"status": "paid"},
        "reason": "Looks fine",
    }


def test_staff_rejecting_a_held_order_is_recorded(held, staff):
    order_reject(order=held, actor=staff, reason="Mule account")

    entry = the_entry()
    assert (entry.action, entry.before, entry.after, entry.reason, entry.actor) == (
        "order.rejected",
        {"status": "on_hold"},
        {"status": "cancelled"},
        "Mule account",
        staff,
    )


def test_a_refund_by_staff_is_recorded_and_the_systems_own_is_not(staff):
    seller, offers, _ = seller_with_stock()
    order = paid(parts=[[(offers[0], 2)]])
    payment = Payment.objects.get(order=order)

    refund = refund_create(
        payment=payment, amount=Decimal("5.00"), reason="Scratched", actor=staff, idempotency_key="audit-r1"
    )
    refund_create(payment=payment, amount=Decimal("1.00"), reason="System", actor=None, idempotency_key="r2")

    assert summary(the_entry()) == {
        "action": "refund.created",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": None,
        "target": ("payments.refund", str(refund.pk)),
        "before": {},
        "after": {"amount": "5.00", "currency": "USD", "status": "succeeded", "order_id": order.pk},
        "reason": "Scratched",
    }


def test_connecting_a_payout_account_is_recorded(shop):
    account = payout_account_connect_sandbox(seller=shop["seller"], actor=shop["owner"])

    assert summary(the_entry()) == {
        "action": "payout.account_changed",
        "actor": shop["owner"],
        "actor_kind": KIND.SELLER_MEMBER,
        "seller_id": shop["seller"].pk,
        "target": ("payments.sellerpayoutaccount", str(account.pk)),
        "before": {},
        "after": {"provider": "sandbox", "account_id": account.account_id},
        "reason": "",
    }


def test_staff_editing_a_payout_account_in_the_admin_records_the_changed_fields(client, staff, shop):
    account = SellerPayoutAccount.objects.create(
        seller=shop["seller"], provider="sandbox", account_id="acct_1"
    )
    client.force_login(staff)

    response = client.post(
        reverse("admin:payments_sellerpayoutaccount_change", args=[account.pk]),
        {"seller": shop["seller"].pk, "provider": "sandbox", "account_id": "acct_2", "payouts_enabled": ""},
        **BROWSER,
    )

    assert response.status_code == 302
    entry = the_entry()
    assert (entry.action, entry.before, entry.after, entry.actor, entry.actor_kind, entry.ip) == (
        "payout.account_changed",
        {"account_id": "acct_1", "payouts_enabled": True},
        {"account_id": "acct_2", "payouts_enabled": False},
        staff,
        KIND.STAFF,
        "203.0.113.7",
    )


def test_staff_cancelling_a_failed_payout_is_recorded(shop, staff):
    payout = Payout.objects.create(
        seller=shop["seller"],
        period_end=date(2026, 11, 30),
        amount=Decimal("42.00"),
        status=Payout.Status.FAILED,
        idempotency_key="audit-payout",
    )

    payout_cancel(payout=payout, actor=staff, reason="Account closed")

    assert summary(the_entry()) == {
        "action": "payout.cancelled",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": shop["seller"].pk,
        "target": ("payments.payout", str(payout.pk)),
        "before": {"status": "failed"},
        "after": {"status": "cancelled", "amount": "42.00", "currency": "USD"},
        "reason": "Account closed",
    }


def test_suspending_and_reinstating_a_seller_are_recorded(shop, staff):
    seller = shop["seller"]
    seller_suspend(seller=seller, actor=staff, reason="Counterfeits")
    seller_reinstate(seller=seller, actor=staff)

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [summary(e) for e in entries] == [
        {
            "action": "seller.suspended",
            "actor": staff,
            "actor_kind": KIND.STAFF,
            "seller_id": seller.pk,
            "target": ("sellers.seller", str(seller.pk)),
            "before": {"status": Seller.Status.APPROVED},
            "after": {"status": Seller.Status.SUSPENDED},
            "reason": "Counterfeits",
        },
        {
            "action": "seller.approved",
            "actor": staff,
            "actor_kind": KIND.STAFF,
            "seller_id": seller.pk,
            "target": ("sellers.seller", str(seller.pk)),
            "before": {"status": Seller.Status.SUSPENDED},
            "after": {"status": Seller.Status.APPROVED},
            "reason": "",
        },
    ]


def test_member_invitations_roles_and_removals_are_recorded(shop):
    seller, owner = shop["seller"], shop["owner"]
    clerk = SellerMemberFactory(seller=seller, role=SellerMember.Role.SHIPPING)

    invitation, _token = seller_invitation_create(
        seller=seller, actor=owner, email="new@example.com", role=SellerMember.Role.SHIPPING
    )
    seller_invitation_revoke(seller=seller, actor=owner, invitation=invitation)
    seller_member_role_change(seller=seller, actor=owner, member=clerk, role=SellerMember.Role.OWNER)
    seller_member_remove(seller=seller, actor=owner, member=clerk)

    assert [
        (e.action, e.target_type, e.target_id, e.before, e.after, e.actor, e.actor_kind, e.seller_id)
        for e in AuditEntry.objects.order_by("pk")
    ] == [
        (
            "member.invited",
            "sellers.sellerinvitation",
            str(invitation.pk),
            {},
            {"email": "new@example.com", "role": "shipping"},
            owner,
            KIND.SELLER_MEMBER,
            seller.pk,
        ),
        (
            "member.invitation_revoked",
            "sellers.sellerinvitation",
            str(invitation.pk),
            {"email": "new@example.com"},
            {},
            owner,
            KIND.SELLER_MEMBER,
            seller.pk,
        ),
        (
            "member.role_changed",
            "sellers.sellermember",
            str(clerk.pk),
            {"role": "shipping"},
            {"role": "owner"},
            owner,
            KIND.SELLER_MEMBER,
            seller.pk,
        ),
        (
            "member.removed",
            "sellers.sellermember",
            str(clerk.pk),
            {"role": "owner", "user_id": clerk.user_id},
            {},
            owner,
            KIND.SELLER_MEMBER,
            seller.pk,
        ),
    ]


def test_review_moderation_is_recorded(staff):
    line = delivered_line()
    review = review_create(
        user=line.seller_order.order.user, product=line.product, rating=2, title="Meh", body="So-so."
    )
    status = review.status

    review_reject(review=review, staff=staff, reason="Off topic")
    review_remove(review=review, staff=staff, reason="Abuse")

    assert [
        (e.action, e.before, e.after, e.reason, e.actor_kind) for e in AuditEntry.objects.order_by("pk")
    ] == [
        ("review.rejected", {"status": status}, {"status": "rejected"}, "Off topic", KIND.STAFF),
        ("review.removed", {"status": "rejected"}, {"status": "removed"}, "Abuse", KIND.STAFF),
    ]


def test_publishing_a_held_review_is_recorded(staff):
    line = delivered_line()
    review = review_create(
        user=line.seller_order.order.user, product=line.product, rating=5, title="Ok", body="Fine."
    )
    review_reject(review=review, staff=staff, reason="Check")

    review_publish(review=review, staff=staff)

    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.before, entry.after, entry.target_id) == (
        "review.published",
        {"status": "rejected"},
        {"status": "published"},
        str(review.pk),
    )


def test_staff_removing_seller_feedback_is_recorded(staff):
    seller_order = delivered_line().seller_order
    feedback = feedback_leave(
        user=seller_order.order.user,
        seller_order=seller_order,
        rating=1,
        arrived_on_time=False,
        as_described=True,
        good_service=True,
        comment="Late.",
    )

    feedback_staff_remove(feedback=feedback, staff=staff, reason="Names a person")

    assert summary(the_entry()) == {
        "action": "feedback.removed",
        "actor": staff,
        "actor_kind": KIND.STAFF,
        "seller_id": seller_order.seller_id,
        "target": ("reviews.sellerfeedback", str(feedback.pk)),
        "before": {"status": "published"},
        "after": {"status": "removed"},
        "reason": "Names a person",
    }


def test_approving_and_rejecting_submitted_products_are_recorded(shop, staff):
    pending = {"review_status": Product.ReviewStatus.PENDING, "is_active": False}
    first = ProductFactory(submitted_by_seller=shop["seller"], **pending)
    second = ProductFactory(submitted_by_seller=shop["seller"], **pending)

    product_review_approve(product=first, actor=staff)
    product_review_reject(product=second, actor=staff, reason="Blurry photos")

    assert [summary(e) for e in AuditEntry.objects.order_by("pk")] == [
        {
            "action": "product.approved",
            "actor": staff,
            "actor_kind": KIND.STAFF,
            "seller_id": shop["seller"].pk,
            "target": ("catalog.product", str(first.pk)),
            "before": {"review_status": "pending", "is_active": False},
            "after": {"review_status": "approved", "is_active": True},
            "reason": "",
        },
        {
            "action": "product.rejected",
            "actor": staff,
            "actor_kind": KIND.STAFF,
            "seller_id": shop["seller"].pk,
            "target": ("catalog.product", str(second.pk)),
            "before": {"review_status": "pending"},
            "after": {"review_status": "rejected"},
            "reason": "Blurry photos",
        },
    ]


# -- transactions and immutability --------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_entry(shop):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        stock_set_on_hand(
            seller=shop["seller"],
            offer=shop["offer"],
            warehouse=shop["warehouse"],
            on_hand=9,
            actor=shop["owner"],
        )
        assert AuditEntry.objects.count() == 1
        raise Boom

    assert not AuditEntry.objects.exists()
    shop["stock"].refresh_from_db()
    assert shop["stock"].on_hand == 5


def test_the_orm_refuses_to_change_or_delete_an_entry(shop):
    entry = audit_record(action="offer.paused", target=shop["offer"], after={"is_active": False})

    entry.reason = "edited"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="edited")
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.reason == ""


def test_the_database_refuses_update_and_delete(shop):
    entry = audit_record(action="offer.paused", target=shop["offer"], after={"is_active": False})

    for sql in (
        "UPDATE core_auditentry SET reason = 'edited' WHERE id = %s",
        "UPDATE core_auditentry SET actor_id = NULL, reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])

    entry.refresh_from_db()
    assert entry.reason == ""


def test_deleting_the_acting_user_keeps_the_entry_without_its_actor(shop):
    member = SellerMemberFactory(seller=shop["seller"], role=SellerMember.Role.SHIPPING)
    entry = audit_record(action="offer.paused", target=shop["offer"], actor=member.user, reason="kept")

    member.user.delete()

    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_kind, entry.reason) == (None, KIND.SELLER_MEMBER, "kept")


# -- the admin: read-only, filters and search -----------------------------------------------------


@pytest.fixture
def entries(shop, staff):
    return [
        audit_record(action="offer.price_changed", target=shop["offer"], actor=shop["owner"]),
        audit_record(
            action="seller.suspended", target=shop["seller"], seller_id=shop["seller"].pk, actor=staff
        ),
    ]


def test_the_admin_lists_filters_and_searches_entries(client, staff, entries, shop):
    client.force_login(staff)
    url = reverse("admin:core_auditentry_changelist")

    listed = client.get(url)
    by_action = client.get(url, {"action": "seller.suspended"})
    by_kind = client.get(url, {"actor_kind": "seller_member"})
    by_email = client.get(url, {"q": shop["owner"].email})
    by_request = client.get(url, {"q": "no-such-request"})
    by_seller = client.get(url, {"seller_id": shop["seller"].pk})
    by_words = client.get(url, {"q": "not a number"})

    assert listed.status_code == 200
    assert [e.pk for e in listed.context["cl"].result_list] == [entries[1].pk, entries[0].pk]
    assert [e.action for e in by_action.context["cl"].result_list] == ["seller.suspended"]
    assert [e.action for e in by_kind.context["cl"].result_list] == ["offer.price_changed"]
    assert [e.action for e in by_email.context["cl"].result_list] == ["offer.price_changed"]
    assert list(by_request.context["cl"].result_list) == []
    assert len(by_seller.context["cl"].result_list) == 2
    assert by_words.status_code == 200


def test_the_admin_is_read_only_even_for_a_superuser(client, staff, entries):
    client.force_login(staff)
    entry = entries[0]
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(change_url, {"action": "edited", "reason": "edited"}).status_code == 403
    assert (
        client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = client.get(reverse("admin:core_auditentry_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    entry.refresh_from_db()
    assert (entry.action, entry.reason) == ("offer.price_changed", "")


def test_a_non_staff_user_cannot_read_the_audit_log(client, shop, entries):
    client.force_login(shop["owner"])

    response = client.get(reverse("admin:core_auditentry_changelist"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_list_query_count_does_not_grow_with_its_rows(
    client, staff, shop, count, django_assert_num_queries
):
    for number in range(count):
        audit_record(
            action="offer.price_changed", target=shop["offer"], actor=shop["owner"], reason=str(number)
        )
    client.force_login(staff)
    url = reverse("admin:core_auditentry_changelist")
    client.get(url)  # warm the content types and the site

    with django_assert_num_queries(4):  # session, user, count, the page of entries with their actors
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def test_the_seller_admin_page_links_to_the_sellers_entries(client, staff, entries, shop):
    client.force_login(staff)

    page = client.get(reverse("admin:sellers_seller_change", args=[shop["seller"].pk]))
    linked = client.get(reverse("admin:core_auditentry_changelist"), {"seller_id": shop["seller"].pk})

    url = reverse("admin:core_auditentry_changelist")
    assert f'href="{url}?seller_id={shop["seller"].pk}"' in page.content.decode()
    assert {e.pk for e in linked.context["cl"].result_list} == {e.pk for e in entries}
