"""Bulk import and export of offers (fulfillment/imports/, fulfillment/seller_central/imports.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Offer
from fulfillment.imports.files import MAX_DATA_ROWS, MAX_FILE_BYTES
from fulfillment.imports.services import import_job_run
from fulfillment.models import ImportJob, ImportRow, InventoryChange, Stock
from sellers.models import SellerMember
from tests.catalog.factories import OfferFactory, ProductFactory
from tests.fulfillment.factories import StockFactory, WarehouseFactory
from tests.sellers.factories import SellerMemberFactory

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "offers_import.csv"
HEADER = "sku,gtin,product_slug,condition,condition_note,price,shipping,handling_days,active,qty:imp-main"


@pytest.fixture
def shop():
    member = SellerMemberFactory(role=SellerMember.Role.MANAGER)
    seller = member.seller
    warehouse = WarehouseFactory(seller=seller, code="imp-main", name="Main")
    new_by_gtin = ProductFactory(gtin="0000000000017", title="Kettle")
    new_by_slug = ProductFactory(slug="imp-widget-two", title="Widget Two")
    ProductFactory(gtin="0000000000024", title="Spare")
    updated = OfferFactory(seller=seller, sku="UPD-1", price_amount=Decimal("10.00"))
    same = OfferFactory(seller=seller, sku="SAME-1", price_amount=Decimal("7.50"))
    reserved = OfferFactory(seller=seller, sku="RES-1", price_amount=Decimal("9.00"))
    StockFactory(offer=updated, warehouse=warehouse, on_hand=5)
    StockFactory(offer=same, warehouse=warehouse, on_hand=3)
    StockFactory(offer=reserved, warehouse=warehouse, on_hand=5, reserved=4)
    return {
        "seller": seller,
        "user": member.user,
        "warehouse": warehouse,
        "kettle": new_by_gtin,
        "widget": new_by_slug,
        "updated": updated,
        "same": same,
        "reserved": reserved,
    }


def upload(client, name, content, capture):
    with capture(execute=True):
        return client.post(reverse("seller:import-new"), {"file": SimpleUploadedFile(name, content)})


def state(seller):
    offers = Offer.objects.filter(seller=seller).order_by("sku")
    stocks = Stock.objects.filter(offer__seller=seller).order_by("offer__sku", "warehouse_id")
    return (
        [(o.sku, o.price_amount, o.shipping_amount, o.is_active, o.condition) for o in offers],
        [(s.offer.sku, s.warehouse_id, s.on_hand, s.reserved) for s in stocks],
    )


EXPECTED_RESULTS = [
    ["row", "sku", "outcome", "message"],
    ["2", "NEW-1", "created", "Listed Kettle with qty:imp-main 10"],
    ["3", "NEW-2", "created", "Listed Widget Two"],
    ["4", "UPD-1", "updated", "Changed price, qty:imp-main 7"],
    ["5", "SAME-1", "unchanged", ""],
    [
        "6",
        "NOPROD-1",
        "error",
        "The SKU NOPROD-1 is not one of your listings: give the gtin or product_slug of the product to "
        "list it.",
    ],
    ["7", "BADGTIN-1", "error", "No product has the GTIN 9999999999999."],
    ["8", "NEG-1", "error", "The price cannot be negative."],
    ["9", "DEC-1", "error", "The price can have at most 2 decimals (cents)."],
    ["10", "LET-1", "error", "The qty:imp-main must be a whole number from 0 to 1,000,000 (not “ten”)."],
    [
        "11",
        "RES-1",
        "error",
        "4 units are reserved for orders at Main, so the stock on hand cannot go below 4.",
    ],
    [
        "12",
        "COND-1",
        "error",
        "The condition “mint” is not one of new, refurbished, used_like_new, used_good, used_acceptable.",
    ],
    ["13", "USED-1", "error", "A “Used - Good” item needs a condition note saying what state it is in."],
    ["14", "FORM-1", "error", "The condition_note cell starts with “=”: formulas are not imported."],
    ["15", "NEW-1", "error", "The SKU NEW-1 is also in row 2: each SKU once per file."],
    [
        "16",
        "WH-1",
        "error",
        "You have no warehouse with the code “nowhere” (column qty:nowhere): see the codes on your "
        "warehouses page.",
    ],
]


def test_the_fixture_file_applies_good_rows_and_reports_every_bad_one(
    client, shop, django_capture_on_commit_callbacks
):
    client.force_login(shop["user"])
    response = upload(client, "offers.csv", FIXTURE.read_bytes(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(seller=shop["seller"])
    assert response.status_code == 302
    assert response["Location"] == reverse("seller:import-detail", kwargs={"pk": job.pk})
    assert (job.status, job.total_rows, job.processed_rows, job.percent) == ("done", 15, 15, 100)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (2, 1, 1, 11)
    assert job.created_by == shop["user"]

    offers = {o.sku: o for o in Offer.objects.filter(seller=shop["seller"])}
    assert sorted(offers) == ["NEW-1", "NEW-2", "RES-1", "SAME-1", "UPD-1"]
    kettle, widget = offers["NEW-1"], offers["NEW-2"]
    assert (kettle.product, kettle.price_amount, kettle.shipping_amount, kettle.is_active) == (
        shop["kettle"],
        Decimal("12.99"),
        Decimal("1.50"),
        True,
    )
    assert (
        widget.product,
        widget.condition,
        widget.condition_note,
        widget.is_active,
        widget.handling_days,
    ) == (shop["widget"], "used_good", "Light scratches", False, 2)
    assert offers["UPD-1"].price_amount == Decimal("11.00")
    # The failing row's price change was rolled back with its stock change.
    assert offers["RES-1"].price_amount == Decimal("9.00")
    stock = {
        (s.offer.sku): (s.on_hand, s.reserved) for s in Stock.objects.filter(offer__seller=shop["seller"])
    }
    assert stock == {"NEW-1": (10, 0), "UPD-1": (7, 0), "SAME-1": (3, 0), "RES-1": (5, 4)}
    changes = InventoryChange.objects.filter(cause="import").order_by("stock__offer__sku")
    assert [(c.stock.offer.sku, c.delta_on_hand, c.reference, c.actor) for c in changes] == [
        ("NEW-1", 10, f"import {job.pk}", shop["user"]),
        ("UPD-1", 2, f"import {job.pk}", shop["user"]),
    ]

    results = client.get(reverse("seller:import-results", kwargs={"pk": job.pk}))
    assert results.status_code == 200
    assert results["Content-Type"] == "text/csv; charset=utf-8"
    body = results.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == EXPECTED_RESULTS

    page = client.get(reverse("seller:import-detail", kwargs={"pk": job.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="100"' in html and "15 of 15 rows processed (100 %)" in html
    assert "hx-trigger" not in html
    # Errors first: the first row of the table is row 6's error.
    assert html.index("NOPROD-1") < html.index("SAME-1")


def test_running_a_job_again_changes_nothing(client, shop, django_capture_on_commit_callbacks):
    client.force_login(shop["user"])
    upload(client, "offers.csv", FIXTURE.read_bytes(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    before = state(shop["seller"])
    assert import_job_run(job_id=job.pk) is None  # done: left alone
    ImportJob.objects.filter(pk=job.pk).update(status="running")  # as if the worker died at the end
    again = import_job_run(job_id=job.pk)
    assert (again.status, again.processed_rows, again.error_count) == ("done", 15, 11)
    assert ImportRow.objects.filter(job=job).count() == 15
    assert state(shop["seller"]) == before


def test_progress_is_polled_until_done(client, shop):
    client.force_login(shop["user"])
    job = ImportJob.objects.create(
        seller=shop["seller"],
        filename="a.csv",
        file_format="csv",
        content=b"",
        total_rows=400,
        processed_rows=100,
    )
    url = reverse("seller:import-detail", kwargs={"pk": job.pk})
    fragment = client.get(url, {"part": "progress"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert (
        'hx-trigger="every 1s"' in html
        and 'value="25"' in html
        and "100 of 400 rows processed (25 %)" in html
    )
    assert "HX-Refresh" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(status="done", processed_rows=400)
    fragment = client.get(url, {"part": "progress"}, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    assert "hx-trigger" not in fragment.content.decode()


def test_progress_is_saved_every_hundred_rows(client, shop, django_capture_on_commit_callbacks, monkeypatch):
    from fulfillment.imports import services

    seen = []
    save = services._progress_save

    def spy(job, pending, counts, processed, **kwargs):
        seen.append(processed)
        return save(job, pending, counts, processed, **kwargs)

    monkeypatch.setattr(services, "_progress_save", spy)
    rows = "\r\n".join(f"SAME-1{'' if i == 0 else f'-X{i}'},,,new,,7.50,0,2,yes," for i in range(250))
    client.force_login(shop["user"])
    upload(client, "many.csv", f"{HEADER}\r\n{rows}\r\n".encode(), django_capture_on_commit_callbacks)
    assert seen == [100, 200, 250]
    job = ImportJob.objects.get()
    assert (job.processed_rows, job.unchanged_count, job.error_count) == (250, 1, 249)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "offers.csv",
            b"sku,price,colour\r\nA,1.00\r\n",
            "The header row is not the export&#x27;s: missing gtin, product_slug, condition, condition_note, "
            "shipping, handling_days, active; unknown colour.",
        ),
        (
            "offers.csv",
            f"{HEADER}\r\nCAF\xc9,,,new,,1.00,0,2,yes,1\r\n".encode("latin-1"),
            "The file is not UTF-8 text (an unreadable byte at position 100): save it as “CSV UTF-8”",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n", "Upload a .csv or .xlsx file (the format of the export)."),
        ("offers.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "This file is named .csv but is not a CSV (text) file."),
        ("offers.xlsx", b"sku,price\r\n", "This file is named .xlsx but is not an Excel (XLSX) workbook."),
        ("offers.xlsx", b"PK\x03\x04broken", "This file is not a readable Excel (XLSX) workbook."),
        ("offers.csv", f"{HEADER}\r\n".encode(), "The file has a header but no rows of offers."),
        ("offers.csv", b"", "The submitted file is empty."),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_applied(
    client, shop, django_capture_on_commit_callbacks, name, content, message
):
    client.force_login(shop["user"])
    before = state(shop["seller"])
    response = upload(client, name, content, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert state(shop["seller"]) == before


def test_too_many_rows_are_refused(client, shop, django_capture_on_commit_callbacks):
    rows = "".join(f"S{i},,,new,,1.00,0,2,yes,1\r\n" for i in range(MAX_DATA_ROWS + 1))
    client.force_login(shop["user"])
    response = upload(client, "big.csv", f"{HEADER}\r\n{rows}".encode(), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "The file has more than 20,000 rows of data (at least 20,001): split it into several files." in (
        response.content.decode()
    )
    assert ImportJob.objects.count() == 0


def test_a_file_over_5_mb_is_refused(client, shop, django_capture_on_commit_callbacks):
    content = f"{HEADER}\r\n".encode() + b"x" * MAX_FILE_BYTES
    client.force_login(shop["user"])
    response = upload(client, "huge.csv", content, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "The file is 5.0 MB; the limit is 5 MB." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_xlsx_export_imports_back_unchanged_and_an_edited_one_updates(
    client, shop, django_capture_on_commit_callbacks
):
    client.force_login(shop["user"])
    export = client.get(reverse("seller:listing-export-xlsx"))
    assert export.status_code == 200
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    before = state(shop["seller"])
    upload(client, "listings.xlsx", export.content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert (job.file_format, job.total_rows, job.unchanged_count, job.error_count) == ("xlsx", 3, 3, 0)
    assert state(shop["seller"]) == before

    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header == HEADER.split(",")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "SAME-1":
            row[header.index("price")].value = 6.25
            row[header.index("qty:imp-main")].value = 9
    edited = io.BytesIO()
    workbook.save(edited)
    upload(client, "edited.xlsx", edited.getvalue(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.latest("pk")
    assert (job.updated_count, job.unchanged_count, job.error_count) == (1, 2, 0)
    shop["same"].refresh_from_db()
    assert shop["same"].price_amount == Decimal("6.25")
    assert Stock.objects.get(offer=shop["same"]).on_hand == 9


def test_a_formula_cell_in_an_xlsx_is_an_error(client, shop, django_capture_on_commit_callbacks):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["SAME-1", None, None, "new", None, "=2+2", 0, 2, "yes", 3])
    content = io.BytesIO()
    workbook.save(content)
    client.force_login(shop["user"])
    upload(client, "f.xlsx", content.getvalue(), django_capture_on_commit_callbacks)
    row = ImportRow.objects.get()
    assert (row.outcome, row.message) == ("error", "The price “=2+2” is not a number, like 12.99.")
    shop["same"].refresh_from_db()
    assert shop["same"].price_amount == Decimal("7.50")


def test_the_csv_export_neutralises_formulas_and_lists_stock_per_warehouse(client, shop):
    OfferFactory(
        seller=shop["seller"],
        sku="@SUM(A1)",
        condition="used_good",
        condition_note='=HYPERLINK("http://evil.example")',
        price_amount=Decimal("3.00"),
        product=ProductFactory(slug="plain", gtin=None),
    )
    client.force_login(shop["user"])
    response = client.get(reverse("seller:listing-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="listings-{shop["seller"].slug}-'
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff" + HEADER + "\r\n")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[1] == [
        "'@SUM(A1)",
        "",
        "plain",
        "used_good",
        '\'=HYPERLINK("http://evil.example")',
        "3.00",
        "0.00",
        "2",
        "yes",
        "0",
    ]
    assert rows[2][0] == "RES-1" and rows[2][-1] == "5"
    assert [row[0] for row in rows[1:]] == ["'@SUM(A1)", "RES-1", "SAME-1", "UPD-1"]
    xlsx = openpyxl.load_workbook(io.BytesIO(client.get(reverse("seller:listing-export-xlsx")).content))
    cell = xlsx.active["E2"]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://evil.example")', "s")


def test_another_sellers_skus_and_warehouses_are_not_touched(
    client, shop, django_capture_on_commit_callbacks
):
    theirs = OfferFactory(sku="THEIRS-1", price_amount=Decimal("4.00"))
    their_warehouse = WarehouseFactory(seller=theirs.seller, code="their-wh")
    StockFactory(offer=theirs, warehouse=their_warehouse, on_hand=2)
    content = (
        b"sku,gtin,product_slug,condition,condition_note,price,shipping,handling_days,active,qty:their-wh\r\n"
        b"THEIRS-1,,,new,,1.00,0,2,no,50\r\n"
        b"SAME-1,,,new,,7.50,0,2,yes,9\r\n"
    )
    client.force_login(shop["user"])
    upload(client, "x.csv", content, django_capture_on_commit_callbacks)
    assert list(ImportRow.objects.order_by("row_number").values_list("outcome", flat=True)) == [
        "error",
        "error",
    ]
    theirs.refresh_from_db()
    assert (theirs.price_amount, theirs.is_active) == (Decimal("4.00"), True)
    assert Stock.objects.get(offer=theirs).on_hand == 2
    # Another seller's import page is a 404 (the sweep checks every URL; here, the results too).
    their_job = ImportJob.objects.create(
        seller=theirs.seller, filename="a.csv", file_format="csv", content=b""
    )
    assert client.get(reverse("seller:import-detail", kwargs={"pk": their_job.pk})).status_code == 404
    assert client.get(reverse("seller:import-results", kwargs={"pk": their_job.pk})).status_code == 404


def test_roles_without_listings_get_404(client, shop):
    for role in (SellerMember.Role.SHIPPING, SellerMember.Role.FINANCE):
        client.force_login(SellerMemberFactory(seller=shop["seller"], role=role).user)
        for name in ("import-new", "listing-export", "listing-export-xlsx"):
            assert client.get(reverse(f"seller:{name}")).status_code == 404
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_import_list_query_count_does_not_grow_with_its_rows(
    client, shop, count, django_assert_num_queries
):
    for i in range(count):
        ImportJob.objects.create(
            seller=shop["seller"],
            created_by=shop["user"],
            filename=f"f{i}.csv",
            file_format="csv",
            content=b"",
        )
    client.force_login(shop["user"])
    client.get(reverse("seller:import-new"))
    # Session, user, membership, the page's jobs (with their uploader), their count, the warehouses.
    with django_assert_num_queries(6):
        response = client.get(reverse("seller:import-new"))
    assert response.content.decode().count(".csv</a></th>") == min(count, 20)


# The batch path (fulfillment/inventory/bulk.py): the same effects as stock_set_on_hand per row.


def test_the_import_writes_the_history_with_its_cause_reference_and_levels(
    client, shop, django_capture_on_commit_callbacks
):
    content = f"{HEADER}\r\nNEW-1,0000000000017,,new,,5.00,0,2,yes,10\r\nUPD-1,,,new,,10.00,0,2,yes,7\r\n"
    client.force_login(shop["user"])
    upload(client, "h.csv", content.encode(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    rows = InventoryChange.objects.order_by("stock__offer__sku").values_list(
        "stock__offer__sku",
        "delta_on_hand",
        "delta_reserved",
        "on_hand_after",
        "reserved_after",
        "cause",
        "reference",
        "actor",
    )
    assert list(rows) == [
        ("NEW-1", 10, 0, 10, 0, "import", f"import {job.pk}", shop["user"].pk),
        ("UPD-1", 2, 0, 7, 0, "import", f"import {job.pk}", shop["user"].pk),
    ]


def test_the_history_is_one_insert_per_hundred_rows(client, shop, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    products = [ProductFactory(gtin=f"77{i:011d}") for i in range(150)]
    rows = "\r\n".join(f"BULK-{i},{p.gtin},,new,,3.00,0,2,yes,{i + 1}" for i, p in enumerate(products))
    client.force_login(shop["user"])
    with CaptureQueriesContext(connection) as captured:
        upload(client, "b.csv", f"{HEADER}\r\n{rows}\r\n".encode(), django_capture_on_commit_callbacks)
    table = InventoryChange._meta.db_table
    inserts = [q for q in captured.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 2
    assert InventoryChange.objects.filter(cause="import").count() == 150
    assert ImportJob.objects.get().created_count == 150
    assert sorted(
        Stock.objects.filter(offer__sku__startswith="BULK-").values_list("on_hand", flat=True)
    ) == list(range(1, 151))


def test_a_row_failing_at_its_second_warehouse_leaves_nothing(
    client, shop, django_capture_on_commit_callbacks
):
    WarehouseFactory(seller=shop["seller"], code="imp-b", name="Backroom")
    WarehouseFactory(seller=shop["seller"], code="imp-off", name="Closed", is_active=False)
    content = (
        f"{HEADER},qty:imp-b,qty:imp-off\r\n"
        "UPD-1,,,new,,12.00,0,2,yes,8,4,1\r\n"  # Backroom has no row yet: made, then rolled back
        "SAME-1,,,new,,7.50,0,2,yes,3,6,0\r\n"
    )
    before = state(shop["seller"])
    client.force_login(shop["user"])
    upload(client, "w.csv", content.encode(), django_capture_on_commit_callbacks)
    assert list(ImportRow.objects.order_by("row_number").values_list("outcome", "message")) == [
        ("error", "Closed is not active: activate it before adding stock."),
        ("updated", "Changed qty:imp-b 6"),
    ]
    offers, stocks = state(shop["seller"])
    assert offers == before[0]
    assert [(sku, on_hand) for sku, _, on_hand, _ in stocks] == [
        ("RES-1", 5),
        ("SAME-1", 3),
        ("SAME-1", 6),
        ("UPD-1", 5),
    ]
    assert InventoryChange.objects.filter(stock__offer__sku="UPD-1").count() == 0


def test_the_low_stock_alerts_fire_and_re_arm_after_an_import(
    client, shop, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from fulfillment.models import StockAlertSetting

    StockAlertSetting.objects.create(offer=shop["updated"], low_stock_threshold=4)
    StockAlertSetting.objects.create(offer=shop["same"], low_stock_threshold=4, alerted_at=timezone.now())
    content = f"{HEADER}\r\nUPD-1,,,new,,10.00,0,2,yes,2\r\nSAME-1,,,new,,7.50,0,2,yes,9\r\n"
    client.force_login(shop["user"])
    upload(client, "a.csv", content.encode(), django_capture_on_commit_callbacks)
    assert StockAlertSetting.objects.get(offer=shop["updated"]).alerted_at is not None
    assert StockAlertSetting.objects.get(offer=shop["same"]).alerted_at is None
    from marketplace.core.models import OutboxEvent

    events = OutboxEvent.objects.filter(name="inventory.low_stock").values_list("payload", flat=True)
    assert [(e["offer_id"], e["available"], e["threshold"]) for e in events] == [(shop["updated"].pk, 2, 4)]


def test_an_import_never_goes_below_reserved_even_with_other_rows_in_its_chunk(
    client, shop, django_capture_on_commit_callbacks
):
    rows = ["RES-1,,,new,,8.00,0,2,yes,3", "UPD-1,,,new,,10.00,0,2,yes,1", "RES-1,,,new,,8.00,0,2,yes,4"]
    content = "\r\n".join([HEADER, *rows, ""])
    client.force_login(shop["user"])
    upload(client, "r.csv", content.encode(), django_capture_on_commit_callbacks)
    assert list(ImportRow.objects.order_by("row_number").values_list("outcome", flat=True)) == [
        "error",
        "updated",
        "error",
    ]
    stocks = dict(Stock.objects.filter(offer__seller=shop["seller"]).values_list("offer__sku", "on_hand"))
    assert stocks == {"RES-1": 5, "UPD-1": 1, "SAME-1": 3}
    shop["reserved"].refresh_from_db()
    assert shop["reserved"].price_amount == Decimal("9.00")
