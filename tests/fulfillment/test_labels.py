"""Shipping labels and packing slips, read back from the PDF bytes with pypdf.

No database: the module takes plain values and returns bytes.
"""

import dataclasses
import io
import re
from datetime import date

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from fulfillment.carriers.base import PostalAddress
from fulfillment.labels import (
    BARCODE_HEIGHT,
    LABEL_SIZE,
    MARGIN,
    MAX_BAR_WIDTH,
    LabelData,
    PackingSlipData,
    PackingSlipLine,
    fit_lines,
    format_weight,
    packing_slip_pdf,
    shipping_label_pdf,
    tracking_barcode,
)

WAREHOUSE = PostalAddress(
    name="Acme Goods", line1="1 Depot Road", city="Newark", postal_code="07102", country="US", region="NJ"
)
CUSTOMER = PostalAddress(
    name="Ada Lovelace",
    line1="12 Analytical Street",
    line2="Apt 3",
    city="Springfield",
    postal_code="62701",
    country="US",
    region="IL",
    phone="+1 555 0100",
)
LONG = PostalAddress(
    name="Maximiliana Wolfeschlegelsteinhausenbergerdorff " * 6,
    line1="1234 Extraordinarily Long Boulevard of the Seventh Republic " * 4,
    line2="Building " + "X" * 200,  # one word wider than the page
    city="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 3,
    postal_code="9" * 40,
    country="GB",
    region="Gwynedd " * 10,
    phone="+44 " * 30,
)


def make_label(**changes) -> LabelData:
    label = LabelData(
        carrier_name="Sandbox Carrier",
        service_name="Sandbox Ground",
        tracking_number="SB1234567890123452",
        ship_from=WAREHOUSE,
        ship_to=CUSTOMER,
        weight_grams=1250,
        reference="MP-20260303-ABCD-1",
        shipped_on=date(2026, 3, 3),
    )
    return dataclasses.replace(label, **changes)


def make_slip(lines=None, **changes) -> PackingSlipData:
    slip = PackingSlipData(
        seller_name="Acme Goods",
        order_number="MP-20260303-ABCD-1",
        placed_on=date(2026, 3, 1),
        ship_to=CUSTOMER,
        lines=lines or [PackingSlipLine("Blue mug", "MUG-BLUE", 2), PackingSlipLine("Tea towel", "TT-01", 1)],
        tracking_number="SB1234567890123452",
        return_policy="Return unused items within 30 days for a full refund.",
    )
    return dataclasses.replace(slip, **changes)


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(data).pages)


def text_chunks(page) -> list[tuple[str, float, float, float, str]]:
    """Return (text, x, y, size, font) for each piece of text drawn on ``page``."""
    chunks = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            chunks.append((text.strip(), tm[4] + cm[4], tm[5] + cm[5], size, font["/BaseFont"][1:]))

    page.extract_text(visitor_text=visit)
    return chunks


def test_label_is_one_4x6_inch_page():
    reader = read(shipping_label_pdf(make_label()))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (288, 432)


def test_label_shows_the_shipment():
    text = text_of(shipping_label_pdf(make_label()))

    for expected in [
        "SB1234567890123452",
        "Ada Lovelace",
        "12 Analytical Street",
        "Springfield, IL 62701",
        "Acme Goods",
        "SHIP TO",
        "Sandbox Carrier",
        "Sandbox Ground",
        "MP-20260303-ABCD-1",
        "2026-03-03",
        "1.25 kg (2.76 lb)",
    ]:
        assert expected in text
    assert "RETURN" not in text


def test_label_title_names_the_tracking_number():
    assert read(shipping_label_pdf(make_label())).metadata.title == "Shipping label SB1234567890123452"


def test_return_label_says_return():
    label = make_label(is_return=True, ship_from=CUSTOMER, ship_to=WAREHOUSE)
    chunks = text_chunks(read(shipping_label_pdf(label)).pages[0])

    (banner,) = [chunk for chunk in chunks if chunk[0] == "RETURN"]
    assert banner[3] >= 20  # prominent: the largest text on the label
    assert banner[3] == max(size for _, _, _, size, _ in chunks)


def test_label_draws_a_barcode_of_bars():
    content = read(shipping_label_pdf(make_label())).pages[0].get_contents().get_data().decode("latin-1")

    # Code 128 of SB + 16 digits: start, 2 letters, a switch to code C, 8 digit pairs, check, stop
    # = 13 symbols of 3 bars each (the stop has 4) -> 40 filled rectangles.
    assert len(re.findall(r" re\b", content)) >= 40


def test_barcode_fits_the_label_width():
    available = LABEL_SIZE[0] - 2 * MARGIN

    usual = tracking_barcode("SB1234567890123452", available)
    long = tracking_barcode("1Z" + "A9" * 24, available)  # no long digit runs: code B throughout

    assert usual.width <= available
    assert 1.5 < usual.barWidth <= MAX_BAR_WIDTH  # a usual number gets wide, easy-to-scan bars
    assert long.width <= available
    assert long.barWidth < 1


def test_long_text_is_shortened_and_stays_on_the_page():
    label = make_label(ship_from=LONG, ship_to=LONG, carrier_name="Carrier " * 20, reference="R" * 120)
    page = read(shipping_label_pdf(label)).pages[0]
    width, height = LABEL_SIZE
    barcode_top = MARGIN + 16 + BARCODE_HEIGHT

    chunks = text_chunks(page)
    assert any(text.endswith("\u2026") for text, *_ in chunks)
    for text, x, y, size, font in chunks:
        assert x >= MARGIN - 0.01
        assert x + stringWidth(text, font, size) <= width - MARGIN + 0.01, text
        assert size <= y + size <= height
        if text != label.tracking_number:
            assert y > barcode_top, text  # nothing runs into the barcode


def test_label_prints_special_characters():
    ship_to = dataclasses.replace(CUSTOMER, name="Tom & Jerry <Cartoons>", line1="1 \"Q\" St; O'Hara's")
    text = text_of(shipping_label_pdf(make_label(ship_to=ship_to)))

    assert "Tom & Jerry <Cartoons>" in text
    assert "1 \"Q\" St; O'Hara's" in text


def test_label_survives_characters_outside_helvetica():
    ship_to = dataclasses.replace(CUSTOMER, name="Zoë 王小明 \u2603", line1="Line\none\ttwo")

    text = text_of(shipping_label_pdf(make_label(ship_to=ship_to)))

    assert "Zoë" in text
    assert "Line one two" in text  # control whitespace collapsed


def test_output_is_the_same_for_the_same_values():
    assert shipping_label_pdf(make_label()) == shipping_label_pdf(make_label())
    assert packing_slip_pdf(make_slip()) == packing_slip_pdf(make_slip())


def test_fit_lines_wraps_then_shortens():
    assert fit_lines("short", "Helvetica", 10, 200) == ["short"]

    lines = fit_lines("word " * 100, "Helvetica", 10, 100, max_lines=2)

    assert len(lines) == 2
    assert lines[-1].endswith("\u2026")
    assert all(stringWidth(line, "Helvetica", 10) <= 100 for line in lines)


def test_format_weight():
    assert format_weight(1250) == "1.25 kg (2.76 lb)"
    assert format_weight(0) == "0.00 kg (0.00 lb)"


def test_packing_slip_lists_every_line():
    slip = make_slip()
    data = packing_slip_pdf(slip)
    reader = read(data)
    text = text_of(data)

    assert float(reader.pages[0].mediabox.width) == 612
    assert float(reader.pages[0].mediabox.height) == 792
    assert reader.metadata.title == "Packing slip MP-20260303-ABCD-1"
    for line in slip.lines:
        assert line.title in text
        assert line.sku in text
    for expected in ["Acme Goods", "Ada Lovelace", "Springfield", "SB1234567890123452", "within 30 days"]:
        assert expected in text


def test_long_packing_slip_repeats_the_header_on_every_page():
    lines = [PackingSlipLine(f"Product number {n:03d}", f"SKU-{n:03d}", n % 5 + 1) for n in range(120)]
    reader = read(packing_slip_pdf(make_slip(lines=lines)))
    pages = [page.extract_text() for page in reader.pages]

    assert len(pages) > 1
    for page in pages:
        assert re.search(r"Item\s+SKU\s+Qty", page), page[:200]
    text = "\n".join(pages)
    for line in lines:
        assert line.title in text
        assert line.sku in text
    assert "within 30 days" in pages[-1]  # the policy follows the table


def test_packing_slip_escapes_special_characters():
    lines = [PackingSlipLine("Tom & Jerry <DVD>", "TJ<&>1", 1), PackingSlipLine("<b>not bold</b>", "B-1", 1)]
    slip = make_slip(lines=lines, seller_name="Smith & Sons <Ltd>", return_policy="Returns <30 days> & more")

    text = text_of(packing_slip_pdf(slip))

    for expected in [
        "Tom & Jerry <DVD>",
        "TJ<&>1",
        "<b>not bold</b>",
        "Smith & Sons <Ltd>",
        "<30 days> & more",
    ]:
        assert expected in text


def test_packing_slip_survives_very_long_text():
    lines = [PackingSlipLine("Extremely long title " * 80, "S" * 300, 10_000)]
    slip = make_slip(
        lines=lines, seller_name="Seller " * 50, ship_to=LONG, tracking_number="", return_policy=""
    )

    assert len(read(packing_slip_pdf(slip)).pages) >= 1
