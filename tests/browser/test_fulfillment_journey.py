"""After payment: a seller ships an order and downloads its label; the shopper follows the parcel,
returns the items; the seller receives them; the shopper sees the refund.

The order is placed with ``order_place`` and paid through the real sandbox payment provider, so
the refund at the end is a real one. Everything the seller and the shopper do happens in the
browser, against the live server; the sandbox carrier's clock is moved on from the test
(``sandbox_clock_advance`` and ``shipments_track_open``, as tests/fulfillment/test_shipments.py
does), with the parcels pinned to arrive on time. Tests in tests/browser run with a
transactional database, so the live server's thread sees the rows the test commits, and the
outbox events its requests emit are dispatched on commit (``CELERY_TASK_ALWAYS_EAGER``);
``dispatch()`` runs whatever is left.

The journey runs at phone (375 px) and desktop (1280 px) widths; screenshots of every step land
in tests/artifacts/<test>/<viewport>/, each audited with axe-core.
"""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect
from pypdf import PdfReader

from catalog.services import product_refresh_buy_box
from fulfillment.carriers.sandbox import sandbox_clock_advance, sandbox_parcel_replan
from fulfillment.models import ReturnRequest, Shipment, Stock
from fulfillment.scorecard import scorecards_recompute
from fulfillment.shipments import shipments_track_open
from marketplace.core.money import format_money
from orders.models import Order, SellerOrder
from orders.placement import PlacementLine, order_place
from payments.models import Payment
from payments.services import payment_confirm, payment_start
from tests.accounts.factories import DEFAULT_PASSWORD, AddressFactory, UserFactory
from tests.catalog.factories import CategoryFactory, OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.payments.conftest import payment_method
from tests.payments.ledger_data import dispatch
from tests.sellers.factories import SellerFactory, SellerMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = 86400


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def build_paid_order() -> dict:
    """Acme sells a kettle from its Reno warehouse; the shopper bought two and paid in the sandbox."""
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", position=1)
    kettle = ProductFactory(
        category=kitchen,
        title="Stovetop Whistling Kettle",
        slug="stovetop-whistling-kettle",
        weight_grams=900,
    )
    acme = SellerFactory(name="Acme Kitchen Supply", slug="acme-kitchen-supply")
    warehouse = WarehouseFactory(seller=acme, name="Acme Reno DC", code="acme-reno", city="Reno", region="NV")
    offer = OfferFactory(product=kettle, seller=acme, price_amount=Decimal("24.99"))
    stock = StockFactory(offer=offer, warehouse=warehouse, on_hand=20)
    product_refresh_buy_box(product_ids=[kettle.pk])
    seller_user = verified(UserFactory(email="sam.seller@example.com"))
    SellerMemberFactory(seller=acme, user=seller_user)

    address = AddressFactory(
        full_name="Ada Buyer",
        line1="1 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94103",
        is_default=True,
    )
    shopper = verified(address.user)
    order = order_place(
        user=shopper,
        idempotency_key=uuid.uuid4(),
        address=address,
        lines=[PlacementLine(offer_id=offer.pk, quantity=2)],
        shipping_choices={acme.pk: "standard"},
    )
    payment = payment_start(order=order, idempotency_key=str(uuid.uuid4()))
    payment_confirm(payment=payment, payment_method=payment_method())
    dispatch()  # order.paid (normally dispatched on commit already)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.status
    seller_order = order.seller_orders.get()
    assert seller_order.status == SellerOrder.Status.READY_TO_SHIP
    return {
        "kettle": kettle,
        "acme": acme,
        "warehouse": warehouse,
        "stock": stock,
        "seller_user": seller_user,
        "shopper": shopper,
        "order": order,
        "seller_order": seller_order,
        "line": seller_order.lines.get(),
        "payment": Payment.objects.get(pk=payment.pk),
    }


@pytest.fixture
def paid(live_server):
    return build_paid_order()


def sign_in(page, base_url: str, user, *, next_url: str) -> None:
    """Sign in through the real allauth login page (as in test_checkout_journey.py).

    The account page has a second "Sign out" button (its own menu), hence ``first``.
    """
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()


def switch_user(page, base_url: str, user, *, next_url: str) -> None:
    """Forget the signed-in user (a fresh session) and sign ``user`` in through the login page."""
    page.context.clear_cookies()
    sign_in(page, base_url, user, next_url=next_url)


def parcels_move_on(*, days: float) -> None:
    """The sandbox carrier's clock runs ``days`` on; every open parcel's scans are pulled."""
    sandbox_clock_advance(seconds=int(days * DAY))
    shipments_track_open()


def download_pdf(page, link) -> tuple[str, bytes]:
    """Click ``link``, wait for the download; return its suggested file name and its bytes."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:20]
    return "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(content)).pages)


def parcel_block(page, tracking_number: str):
    return page.get_by_label(f"Parcel {tracking_number}", exact=True)


def test_seller_ships_shopper_returns_and_is_refunded(live_server, paid, page, screenshot, page_problems):
    base = live_server.url
    order, seller_order, line = paid["order"], paid["seller_order"], paid["line"]
    kettle = paid["kettle"]

    # -- The seller: Seller Central's shipping queue, the order, a label bought and downloaded.
    sign_in(page, base, paid["seller_user"], next_url="/account/")
    page.get_by_role("link", name="Seller Central: orders to ship").click()
    expect(page).to_have_url(re.compile(r"/seller/shipping/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders to ship")
    expect(page.get_by_text("1 order waiting")).to_be_visible()
    screenshot("seller-shipping-queue")

    page.get_by_role("link", name=seller_order.number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {seller_order.number}")
    ship_from = page.get_by_role("region", name=f"Ship from {paid['warehouse'].name}")
    expect(ship_from.get_by_label(f"Units of {kettle.title}")).to_have_value("2")
    screenshot("seller-order-to-ship")

    ship_from.get_by_label("Weight (grams)").fill("2100")
    ship_from.get_by_label("Length (cm)").fill("35")
    ship_from.get_by_label("Width (cm)").fill("25")
    ship_from.get_by_label("Height (cm)").fill("20")
    ship_from.get_by_label("Service").select_option(value="ground")
    ship_from.get_by_role("button", name="Buy label and ship").click()

    shipment = Shipment.objects.get(seller_order=seller_order, direction=Shipment.Direction.OUTBOUND)
    tracking = shipment.tracking_number
    expect(page.get_by_text(f"Label bought: Sandbox Ground {tracking}.")).to_be_visible()
    expect(page.get_by_text("Status: Shipped")).to_be_visible()
    parcels = page.get_by_role("region", name="Parcels")
    expect(parcels).to_contain_text(f"Sandbox Ground {tracking}")
    expect(parcels).to_contain_text("Label created")
    screenshot("seller-label-bought")

    filename, label = download_pdf(page, parcels.get_by_role("link", name="Download label"))
    assert filename == f"label-{tracking}.pdf"
    assert tracking in pdf_text(label)
    assert (shipment.weight_grams, shipment.length_cm, shipment.width_cm, shipment.height_cm) == (
        2100,
        35,
        25,
        20,
    )
    paid["stock"].refresh_from_db()
    assert (paid["stock"].on_hand, paid["stock"].reserved) == (18, 0)

    # -- The sandbox carrier picks the parcel up and moves it on.
    sandbox_parcel_replan(tracking_number=tracking, scenario="on_time")
    parcels_move_on(days=1)
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.IN_TRANSIT, shipment.status
    scans = list(shipment.tracking_events.order_by("occurred_at", "pk"))
    assert len(scans) >= 2 and scans[0].description == "Picked up"

    # -- The shopper follows the parcel on the order page.
    switch_user(page, base, paid["shopper"], next_url=order.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order.number}")
    parcel = parcel_block(page, tracking)
    expect(parcel.locator(".shipment-status")).to_have_text("In transit")
    expect(parcel).to_contain_text(f"tracking number {tracking}")
    scan_list = parcel.get_by_role("list", name=f"Scans of {tracking}")
    expect(scan_list.get_by_role("listitem")).to_have_count(len(scans))
    for scan in scans:
        expect(scan_list).to_contain_text(scan.description)
    expect(page.get_by_role("link", name="Return items")).to_have_count(0)
    screenshot("shopper-in-transit")

    parcels_move_on(days=20)
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED, shipment.status
    page.reload()
    expect(parcel.locator(".shipment-status")).to_have_text("Delivered")
    expect(scan_list).to_contain_text(shipment.tracking_events.order_by("-occurred_at", "-pk")[0].description)
    expect(page.locator(".order-status")).to_have_text("Completed")
    screenshot("shopper-delivered")

    # -- The shopper returns both kettles: one arrived damaged.
    page.get_by_role("link", name="Return items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Return items sold by {paid['acme'].name}")
    units = page.get_by_label(f"Units of {kettle.title} to return")
    expect(units).to_have_value("2")
    screenshot("shopper-return-form")

    units.fill("2")
    page.get_by_label("Why are you returning these?").select_option(label="Arrived damaged")
    page.get_by_label("Anything the seller should know?").fill("The spout is dented.")
    page.get_by_role("button", name="Ask for the return").click()

    rma = ReturnRequest.objects.get(seller_order=seller_order)
    assert rma.status == ReturnRequest.Status.APPROVED and rma.auto_approved
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(
        page.get_by_text(f"Return {rma.number} approved: print the label and send the items back.")
    ).to_be_visible()
    return_block = page.get_by_label(f"Return {rma.number}", exact=True)
    expect(return_block.locator(".return-status")).to_have_text("Approved: send it back")
    expect(return_block).to_contain_text(f"2 × {kettle.title}")
    print_label = return_block.get_by_role("link", name="Print return label")
    expect(print_label).to_be_visible()
    screenshot("shopper-return-approved")

    filename, return_label = download_pdf(page, print_label)
    assert filename == f"return-label-{rma.shipment.tracking_number}.pdf"
    assert rma.shipment.tracking_number in pdf_text(return_label)

    # -- The seller receives the parcel back and puts one kettle back on the shelf.
    switch_user(page, base, paid["seller_user"], next_url="/seller/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Returns · {paid['acme'].name}")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=rma.number, exact=True))
    expect(row).to_contain_text("Arrived damaged")
    expect(row).to_contain_text(f"2 × {kettle.title}")
    screenshot("seller-returns")

    row.get_by_role("link", name=rma.number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Return {rma.number}")
    expect(page.get_by_text("The shopper says: “The spout is dented.”")).to_be_visible()
    receive = page.get_by_role("region", name="Mark received")
    expect(receive.get_by_label("Warehouse")).to_have_value(str(paid["warehouse"].pk))
    screenshot("seller-return")

    restock = receive.get_by_label(f"Units of {kettle.title} back in stock")
    restock.fill("1")
    expect(receive.get_by_role("button", name="Received: refund the shopper")).to_be_visible()
    # Submitted from the keyboard: at 375 px the restock table overflows its card (a full-width
    # number input in a table), and Chromium reports the card intercepting a click on the button.
    restock.press("Enter")
    expect(
        page.get_by_text(f"Return {rma.number} received; the refund is on its way to the shopper.")
    ).to_be_visible()

    # -- The outbox refunds the return (return.received) through the sandbox payment provider.
    dispatch()
    rma.refresh_from_db()
    assert rma.status == ReturnRequest.Status.REFUNDED, (rma.status, rma.refund_error)
    # Both units with their tax, and the shipping: damaged is the seller's fault, and this
    # return takes the last units of the seller order.
    expected = line.total_amount + line.tax_amount + seller_order.shipping_amount
    assert rma.refund_amount == expected
    refund = paid["payment"].refunds.get()
    assert refund.amount == expected and refund.provider_refund_id
    refunded = format_money(expected, order.currency)
    stock = Stock.objects.get(pk=paid["stock"].pk)
    assert (stock.on_hand, stock.reserved) == (19, 0)

    page.reload()
    expect(page.get_by_text(f"Refunded {refunded} (with shipping).")).to_be_visible()
    expect(page.get_by_role("region", name="Put units back in stock")).to_be_visible()
    screenshot("seller-return-refunded")

    scorecards_recompute(seller_ids=[paid["acme"].pk])  # Celery beat's job
    page.get_by_role("link", name="← Returns").click()
    page.get_by_role("navigation", name="Seller Central sections").get_by_role(
        "link", name="Performance"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Performance of {paid['acme'].name}")
    expect(page.get_by_role("table", name="Performance figures")).to_be_visible()
    screenshot("seller-performance")

    # -- The shopper sees the refund on the order page.
    switch_user(page, base, paid["shopper"], next_url=order.get_absolute_url())
    return_block = page.get_by_label(f"Return {rma.number}", exact=True)
    expect(return_block.locator(".return-status")).to_have_text("Refunded")
    expect(return_block).to_contain_text(f"Refunded {refunded}")
    expect(return_block.locator("strong").filter(has_text=refunded)).to_have_text(refunded)
    expect(return_block.get_by_role("link", name="Print return label")).to_have_count(0)
    screenshot("shopper-refunded")
    assert page_problems == []
