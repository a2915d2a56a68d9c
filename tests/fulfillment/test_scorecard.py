"""The seller scorecard: exact figures from real orders and parcels, the buy box, e-mail, staff."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.services import product_refresh_buy_box
from fulfillment.carriers.sandbox import sandbox_clock_advance, sandbox_now, sandbox_parcel_replan
from fulfillment.models import OrderDefect, SellerScorecard, Shipment, Warehouse
from fulfillment.promises import delivery_date
from fulfillment.scorecard import (
    dispute_created_defects_record,
    order_defect_record,
    scorecard_figures,
    scorecards_recompute,
    ship_by_date,
)
from fulfillment.shipments import ParcelSpec, shipment_create, shipment_track, shipments_track_open
from fulfillment.tasks import scorecards_recompute_task
from marketplace.core.errors import ApplicationError
from orders.lifecycle import order_cancel, order_mark_paid
from orders.models import SellerOrder
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.fulfillment.shipping_data import PARCEL_KWARGS
from tests.orders.order_data import order_build
from tests.payments.ledger_data import dispatch, dispute_open
from tests.payments.ledger_data import paid_order as paid_with_payment
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = pytest.mark.django_db
PARCEL = ParcelSpec(**PARCEL_KWARGS)
DAY = 86400


def promise_day(start: date) -> date:
    """A business day five or more days after ``start`` (what checkout would promise)."""
    day = start + timedelta(days=5)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Shop:
    """A seller with one offer in stock and a shopper who buys from it."""

    def __init__(self, name="Parcel Co", price="10.00", product=None):
        self.seller = SellerFactory(name=name)
        self.warehouse = WarehouseFactory(seller=self.seller, name=f"{name} DC", city="Reno", region="NV")
        self.offer = OfferFactory(
            seller=self.seller, price_amount=Decimal(price), product=product or ProductFactory()
        )
        StockFactory(offer=self.offer, warehouse=self.warehouse, on_hand=1000)
        self.shopper = UserFactory()

    def paid(self) -> SellerOrder:
        order = order_build(user=self.shopper, parts=[[(self.offer, 1)]])
        promised = promise_day(timezone.localdate())
        order.seller_orders.update(promised_from=promised - timedelta(days=1), promised_to=promised)
        order_mark_paid(order=order, payment_reference=f"pi_{order.number}", amount=order.total_amount)
        return order.seller_orders.select_related("order").get()

    def paid_days_ago(self, days: int) -> SellerOrder:
        with time_machine.travel(timezone.now() - timedelta(days=days), tick=True):
            return self.paid()

    def ship(self, seller_order: SellerOrder, scenario: str | None = "on_time") -> Shipment:
        (line,) = seller_order.lines.all()
        shipment = shipment_create(
            seller_order=seller_order,
            warehouse=self.warehouse,
            quantities={line.pk: 1},
            parcel=PARCEL,
            service="ground",
        )
        if scenario:
            sandbox_parcel_replan(tracking_number=shipment.tracking_number, scenario=scenario)
        return shipment


def window(seller, days):
    return SellerScorecard.objects.get(seller=seller).windows.get(days=days)


# -- the figures ----------------------------------------------------------------


def test_figures_are_exact_for_a_hand_built_set_of_orders():
    # given 50 paid orders: 2 cancelled (one by staff, one by the shopper), 48 shipped, of which
    # 3 were paid ten days ago (shipped past their ship-by date) and 2 travel late; 2 defects
    shop = Shop()
    staff = UserFactory(is_staff=True)
    late_shipped = [shop.paid_days_ago(10) for _ in range(3)]
    others = [shop.paid() for _ in range(47)]
    order_cancel(order=others[0].order, actor=staff, reason="Out of stock, the seller says.")
    order_cancel(order=others[1].order, actor=shop.shopper, reason="Changed my mind.")
    shipped = late_shipped + others[2:]
    parcels = [shop.ship(so, "late" if so in others[2:4] else "on_time") for so in shipped]
    order_defect_record(
        seller_order=others[5], kind=OrderDefect.Kind.CLAIM, source_id=1, occurred_at=timezone.now()
    )
    order_defect_record(
        seller_order=others[6], kind="negative_feedback", source_id="fb-9", occurred_at=timezone.now()
    )
    sandbox_clock_advance(seconds=15 * DAY)
    shipments_track_open()

    # when
    scorecards_recompute(now=sandbox_now())

    # then: the three shipped late and the two late in transit arrive after their promise
    late_days = []
    for parcel in parcels[:5]:
        parcel.refresh_from_db()
        promised_to = parcel.seller_order.promised_to
        assert parcel.status == Shipment.Status.DELIVERED and delivery_date(parcel.delivered_at) > promised_to
        late_days.append((delivery_date(parcel.delivered_at) - promised_to).days)
    for parcel in parcels[5:]:
        parcel.refresh_from_db()
        assert delivery_date(parcel.delivered_at) == parcel.seller_order.promised_to
    for days in (30, 90):
        figures = window(shop.seller, days)
        assert (figures.orders, figures.defective_orders, figures.order_defect_rate) == (
            50,
            2,
            Decimal("0.0400"),
        )
        assert (figures.cancelled_orders, figures.cancellation_rate) == (1, Decimal("0.0200"))
        assert (figures.ship_due_orders, figures.late_shipments) == (48, 3)
        assert figures.late_shipment_rate == Decimal("0.0625")
        assert (figures.shipments, figures.tracked_shipments, figures.valid_tracking_rate) == (
            48,
            48,
            Decimal("1.0000"),
        )
        assert (figures.delivery_due_orders, figures.delivered_on_time) == (48, 43)
        assert figures.on_time_delivery_rate == Decimal("0.8958")
        assert (figures.delivered_orders, figures.delivered_in_window) == (48, 43)
        assert figures.promise_accuracy == Decimal("0.8958")
        # Rounded half up, as figures.py does (30 / 48 = 0.625 is 0.63): the late days depend on the date.
        expected_mean = (Decimal(sum(late_days)) / 48).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert figures.mean_days_from_promise == expected_mean
    card = SellerScorecard.objects.get(seller=shop.seller)
    assert card.breaches == ["order_defect_rate", "late_shipment_rate"]
    shop.seller.refresh_from_db()
    assert shop.seller.buy_box_eligible is False


def test_the_30_day_window_leaves_out_older_orders_that_the_90_day_window_keeps():
    shop = Shop()
    old = shop.paid_days_ago(45)
    shop.paid()
    with time_machine.travel(timezone.now() - timedelta(days=44), tick=True):
        order_cancel(order=old.order, actor=UserFactory(is_staff=True), reason="Cannot ship.")

    figures = scorecard_figures(seller_ids=[shop.seller.pk])[shop.seller.pk]

    assert (figures[30].orders, figures[30].cancelled_orders) == (1, 0)
    assert (figures[90].orders, figures[90].cancelled_orders) == (2, 1)
    assert figures[90].rates()["cancellation_rate"] == Decimal("0.5000")


def test_an_unpaid_order_is_not_a_seller_order_of_the_scorecard():
    shop = Shop()
    order_build(user=shop.shopper, parts=[[(shop.offer, 1)]])

    assert scorecard_figures(seller_ids=[shop.seller.pk])[shop.seller.pk][90].orders == 0


def test_ship_by_is_the_handling_days_after_the_handling_start_of_the_payment_time():
    warehouse = Warehouse(timezone="America/New_York", cutoff_hour=14, country="US")
    friday_afternoon = datetime(2026, 3, 6, 15, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    friday_morning = friday_afternoon.replace(hour=9)

    # after the cut-off on a Friday: handling starts Monday, two business days -> Wednesday
    assert ship_by_date(
        paid_at=friday_afternoon, warehouse=warehouse, handling_days=2, holidays=set()
    ) == date(2026, 3, 11)
    assert ship_by_date(paid_at=friday_morning, warehouse=warehouse, handling_days=2, holidays=set()) == date(
        2026, 3, 10
    )
    assert ship_by_date(
        paid_at=friday_morning, warehouse=warehouse, handling_days=2, holidays={date(2026, 3, 9)}
    ) == date(2026, 3, 11)


def test_an_order_not_shipped_past_its_ship_by_date_already_counts_as_late():
    shop = Shop()
    overdue = shop.paid_days_ago(12)
    shop.ship(shop.paid())

    figures = scorecard_figures(seller_ids=[shop.seller.pk])[shop.seller.pk][30]

    assert (figures.ship_due_orders, figures.late_shipments) == (2, 1)
    assert overdue.status == SellerOrder.Status.READY_TO_SHIP


def test_a_late_parcel_shows_as_late_in_the_scorecard_and_in_promise_accuracy(settings):
    settings.SELLER_SCORECARD_MIN_ORDERS = 1
    shop = Shop()
    seller_order = shop.paid()
    parcel = shop.ship(seller_order, "late")
    sandbox_clock_advance(seconds=20 * DAY)
    shipments_track_open()

    scorecards_recompute(now=sandbox_now())

    parcel.refresh_from_db()
    seller_order.refresh_from_db()
    days_late = (delivery_date(parcel.delivered_at) - seller_order.promised_to).days
    assert days_late >= 1
    figures = window(shop.seller, 30)
    assert (figures.delivered_orders, figures.delivered_on_time, figures.delivered_in_window) == (1, 0, 0)
    assert (figures.on_time_delivery_rate, figures.promise_accuracy) == (Decimal("0.0000"), Decimal("0.0000"))
    assert figures.mean_days_from_promise == Decimal(days_late)
    # shipped at once: the seller was on time, the carrier was not
    assert (figures.late_shipments, figures.late_shipment_rate) == (0, Decimal("0.0000"))
    assert SellerScorecard.objects.get(seller=shop.seller).breaches == []


def test_an_on_time_parcel_is_inside_the_promised_window():
    shop = Shop()
    shop.ship(shop.paid(), "on_time")
    sandbox_clock_advance(seconds=15 * DAY)
    shipments_track_open()

    figures = scorecard_figures(seller_ids=[shop.seller.pk], now=sandbox_now())[shop.seller.pk][30]

    assert (figures.delivered_on_time, figures.delivered_in_window, figures.days_from_promise) == (1, 1, [0])


def test_parcels_the_carrier_never_scanned_make_tracking_invalid(settings):
    settings.SELLER_SCORECARD_MIN_ORDERS = 3
    shop = Shop()
    parcels = [shop.ship(shop.paid()) for _ in range(4)]
    sandbox_clock_advance(seconds=DAY)
    shipment_track(shipment=parcels[0])  # only one parcel was ever handed to the carrier

    # a parcel counts once its label is two days old
    young = scorecard_figures(seller_ids=[shop.seller.pk])[shop.seller.pk][30]
    scorecards_recompute(now=timezone.now() + timedelta(days=3))

    assert young.shipments == 0
    figures = window(shop.seller, 30)
    assert (figures.shipments, figures.tracked_shipments, figures.valid_tracking_rate) == (
        4,
        1,
        Decimal("0.2500"),
    )
    assert SellerScorecard.objects.get(seller=shop.seller).breaches == ["valid_tracking_rate"]


def test_below_the_minimum_number_of_orders_a_rate_is_shown_but_does_not_count():
    shop = Shop()
    orders = [shop.paid() for _ in range(9)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")

    scorecards_recompute()

    assert window(shop.seller, 30).cancellation_rate == Decimal("0.1111")
    assert SellerScorecard.objects.get(seller=shop.seller).breaches == []
    shop.paid()
    scorecards_recompute()
    assert SellerScorecard.objects.get(seller=shop.seller).breaches == ["cancellation_rate"]


def test_thresholds_come_from_the_settings(settings):
    settings.SELLER_SCORECARD_THRESHOLDS = {"cancellation_rate": Decimal("0.20")}
    shop = Shop()
    orders = [shop.paid() for _ in range(10)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")

    scorecards_recompute()

    assert SellerScorecard.objects.get(seller=shop.seller).breaches == []
    settings.SELLER_SCORECARD_THRESHOLDS = {"cancellation_rate": Decimal("0.10")}
    scorecards_recompute()
    assert SellerScorecard.objects.get(seller=shop.seller).breaches == ["cancellation_rate"]


# -- defects ----------------------------------------------------------------------


def test_recording_a_defect_twice_keeps_one_and_bad_input_is_refused():
    shop = Shop()
    seller_order = shop.paid()
    at = timezone.now()

    first = order_defect_record(seller_order=seller_order, kind="claim", source_id=7, occurred_at=at)
    again = order_defect_record(
        seller_order=seller_order, kind="claim", source_id="7", occurred_at=at + timedelta(days=1)
    )

    assert again.pk == first.pk and again.occurred_at == at
    assert OrderDefect.objects.count() == 1
    for kwargs, message in [
        ({"kind": "late"}, "not a kind of order defect"),
        ({"source_id": " "}, "needs the id"),
        ({"occurred_at": datetime(2026, 1, 1, 12)}, "time zone"),
    ]:
        with pytest.raises(ApplicationError, match=message):
            order_defect_record(
                **{"seller_order": seller_order, "kind": "claim", "source_id": 8, "occurred_at": at} | kwargs
            )
    assert OrderDefect.objects.count() == 1


def test_a_chargeback_from_payments_is_a_defect_of_each_seller_order_of_the_order_once():
    one, other = Shop("One"), Shop("Other")
    order, payment = paid_with_payment(user=one.shopper, parts=[[(one.offer, 1)], [(other.offer, 2)]])
    dispatch()

    disputed = dispute_open(payment=payment, amount="5.00")
    dispatch()
    dispute_open(payment=payment, amount="5.00")  # a new dispute id: a second chargeback
    dispatch()

    defects = list(
        OrderDefect.objects.order_by("seller_order_id", "pk").values_list(
            "seller_order__seller", "kind", "source_id"
        )
    )
    second = (
        OrderDefect.objects.exclude(source_id=str(disputed.pk)).values_list("source_id", flat=True).first()
    )
    assert defects == [
        (one.seller.pk, "dispute", str(disputed.pk)),
        (one.seller.pk, "dispute", second),
        (other.seller.pk, "dispute", str(disputed.pk)),
        (other.seller.pk, "dispute", second),
    ]
    # the same outbox event dispatched again records nothing more
    dispute_created_defects_record(dispute_id=disputed.pk, order_id=order.pk)
    assert OrderDefect.objects.count() == 4
    figures = scorecard_figures(seller_ids=[one.seller.pk])[one.seller.pk][30]
    assert (figures.orders, figures.defective_orders) == (1, 1)


# -- buy box, e-mail, suspension --------------------------------------------------


def buy_box_seller_on_page(client, product) -> str:
    page = client.get(reverse("catalog:product-detail", kwargs={"slug": product.slug})).content.decode()
    start = page.index('class="buybox__seller"')
    return page[start : page.index("</p>", start)]


def test_a_seller_over_a_threshold_loses_the_buy_box_on_the_product_page(client):
    # given the cheaper seller holds the buy box
    product = ProductFactory(title="Kettle")
    cheap, dear = Shop("Cheap Co", "9.00", product), Shop("Dear Co", "10.00", product)
    product_refresh_buy_box(product_ids=[product.pk])
    assert "Cheap Co" in buy_box_seller_on_page(client, product)
    orders = [cheap.paid() for _ in range(10)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")

    # when its cancellation rate (10 %) passes 2.5 %
    scorecards_recompute()

    # then the dearer seller wins, and the cheaper one is still listed among the others
    product.refresh_from_db()
    assert product.buy_box_offer_id == dear.offer.pk
    assert "Dear Co" in buy_box_seller_on_page(client, product)
    page = client.get(reverse("catalog:product-detail", kwargs={"slug": product.slug})).content.decode()
    assert "Cheap Co" in page[page.index("other-sellers-heading") :]

    # and wins it back once the cancelled order has left both windows
    scorecards_recompute(now=timezone.now() + timedelta(days=91))
    product.refresh_from_db()
    assert product.buy_box_offer_id == cheap.offer.pk
    assert "Cheap Co" in buy_box_seller_on_page(client, product)


def test_an_ineligible_seller_still_holds_the_buy_box_when_nobody_else_sells_the_item():
    shop = Shop("Alone Co")
    orders = [shop.paid() for _ in range(10)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")

    scorecards_recompute()

    product = Product.objects.get(pk=shop.offer.product_id)
    assert (product.buy_box_offer_id, product.in_stock) == (shop.offer.pk, True)


def past_threshold(shop: Shop) -> None:
    orders = [shop.paid() for _ in range(10)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")


def test_the_warning_e_mail_is_sent_once_and_the_seller_is_proposed_after_the_grace_period(
    django_capture_on_commit_callbacks,
):
    shop = Shop("Slow Co")
    owner = SellerMemberFactory(seller=shop.seller, user=UserFactory(email="owner@slow.example")).user
    SellerMemberFactory(seller=shop.seller, role="staff", user=UserFactory(email="clerk@slow.example"))
    past_threshold(shop)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        scorecards_recompute()
    with django_capture_on_commit_callbacks(execute=True):
        scorecards_recompute(now=timezone.now() + timedelta(hours=1))

    warnings = [m for m in mail.outbox if "performance target" in m.subject]
    assert len(warnings) == 1
    (warning,) = warnings
    assert warning.to == [owner.email]
    assert warning.subject == "Marketplace: Slow Co is past a performance target"
    assert "Pre-fulfilment cancellation rate: 10.00 % over 30 days (1 of 10)" in warning.body
    assert "/seller/performance/" in warning.body
    assert "10.00 %" in warning.alternatives[0][0] and warning.alternatives[0][1] == "text/html"
    card = SellerScorecard.objects.get(seller=shop.seller)
    assert card.warned_at is not None and card.suspension_proposed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        scorecards_recompute(now=card.breach_since + timedelta(days=14))

    card.refresh_from_db()
    assert card.suspension_proposed_at == card.breach_since + timedelta(days=14)
    assert len([m for m in mail.outbox if "performance target" in m.subject]) == 1


def test_a_seller_back_within_every_threshold_is_eligible_again_and_no_longer_proposed():
    shop = Shop()
    past_threshold(shop)
    scorecards_recompute()
    scorecards_recompute(now=timezone.now() + timedelta(days=20))
    assert SellerScorecard.objects.get(seller=shop.seller).suspension_proposed_at is not None

    scorecards_recompute(now=timezone.now() + timedelta(days=95))

    card = SellerScorecard.objects.get(seller=shop.seller)
    assert (card.breaches, card.breach_since, card.warned_at, card.suspension_proposed_at) == (
        [],
        None,
        None,
        None,
    )
    assert Seller.objects.get(pk=shop.seller.pk).buy_box_eligible is True


def test_staff_filter_the_proposed_sellers_and_suspend_them_from_the_admin(client):
    proposed, fine = Shop("Proposed Co"), Shop("Fine Co")
    past_threshold(proposed)
    fine.paid()
    scorecards_recompute()
    scorecards_recompute(now=timezone.now() + timedelta(days=15))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:fulfillment_sellerscorecard_changelist")

    listed = client.get(url, {"proposed": "yes"}).content.decode()
    card = SellerScorecard.objects.get(seller=proposed.seller)
    detail = client.get(reverse("admin:fulfillment_sellerscorecard_change", args=[card.pk])).content.decode()
    asked = client.post(url, {"action": "suspend", "_selected_action": [card.pk]})
    done = client.post(
        url, {"action": "suspend", "_selected_action": [card.pk], "apply": "1", "reason": "Cancels orders."}
    )

    assert "Proposed Co" in listed and "Fine Co" not in listed
    assert "Pre-fulfilment cancellation rate" in detail and "0.1000" in detail and "90" in detail
    assert asked.status_code == 200 and "These sellers will be suspended" in asked.content.decode()
    assert done.status_code == 302
    assert Seller.objects.get(pk=proposed.seller.pk).status == Seller.Status.SUSPENDED
    assert Seller.objects.get(pk=fine.seller.pk).status == Seller.Status.APPROVED


# -- the seller's page, the command, beat -------------------------------------------


def performance_queries(client, rows: int) -> tuple[int, str]:
    shop = Shop(f"Shop {rows}")
    member = SellerMemberFactory(seller=shop.seller).user
    orders = [shop.paid() for _ in range(rows)]
    order_cancel(order=orders[0].order, actor=UserFactory(is_staff=True), reason="Cannot ship.")
    scorecards_recompute(seller_ids=[shop.seller.pk])
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("seller:performance"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_performance_page_shows_the_stored_figures_in_the_same_queries_for_3_and_30_orders(client):
    few, few_page = performance_queries(client, 3)
    many, many_page = performance_queries(client, 30)

    # session, user, seller, scorecard, its windows, the buyer-message response times, and the
    # category navigation (cold cache)
    assert few == many == 7
    assert '33.33 % <span class="muted">(1 of 3)' in few_page
    assert '3.33 % <span class="muted">(1 of 30)' in many_page
    assert "past target" in many_page and "not win the buy box" in many_page


def test_the_performance_page_is_for_members_only_and_shows_their_own_seller(client):
    mine, theirs = Shop("Mine Co"), Shop("Theirs Co")
    member = SellerMemberFactory(seller=mine.seller).user
    SellerMemberFactory(seller=theirs.seller)
    scorecards_recompute()
    url = reverse("seller:performance")

    anonymous = client.get(url)
    client.force_login(UserFactory())
    shopper = client.get(url)
    client.force_login(member)
    page = client.get(url).content.decode()

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert shopper.status_code == 404
    assert "Performance of Mine Co" in page and "Theirs Co" not in page
    assert "meets every performance target" in page


def test_the_shipping_queue_links_to_the_performance_page(client):
    shop = Shop()
    client.force_login(SellerMemberFactory(seller=shop.seller).user)

    page = client.get(reverse("seller:shipping-queue")).content.decode()

    assert reverse("seller:performance") in page


def test_the_management_command_recomputes_every_scorecard(capsys):
    shop = Shop()
    past_threshold(shop)
    SellerFactory(status=Seller.Status.APPLIED)

    call_command("scorecards_recompute")

    assert capsys.readouterr().out.strip() == (
        "1 scorecard(s) recomputed; 1 seller(s) past a threshold, 0 proposed for suspension."
    )


def test_celery_beat_recomputes_the_scorecards_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["fulfillment-scorecards-recompute"]

    assert entry["task"] == "fulfillment.tasks.scorecards_recompute_task"
    assert scorecards_recompute_task.delay().get() == 0


def test_the_order_page_and_the_scorecard_read_the_delivery_date_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    late_evening = datetime(2026, 3, 11, 6, 30, tzinfo=UTC)  # 22:30 on March 10 in Los Angeles

    assert delivery_date(late_evening) == date(2026, 3, 10)
