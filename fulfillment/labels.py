"""Shipping labels and packing slips as PDF documents.

A pure module: it takes plain values (``LabelData``, ``PackingSlipData``) and
returns the bytes of a PDF, without reading the database. The shipment
services gather the values and store or serve what comes back.

- ``shipping_label_pdf`` draws one 4x6 inch page on a ReportLab canvas: the
  ship-from block, a large SHIP TO block, carrier, service, weight, reference,
  date and a Code 128 barcode of the tracking number scaled to the page width.
  A return label carries a black RETURN banner across the top.
- ``packing_slip_pdf`` lays out US Letter pages with platypus; the table of
  lines flows onto as many pages as it needs and repeats its header row.

Only the built-in Helvetica fonts are used. Text too wide for its place is
wrapped onto a bounded number of lines and the last one is shortened with an
ellipsis, so nothing runs off the page; characters outside the fonts'
encoding print as a box instead of failing. The output is invariant (no
timestamp, no random document id): the same values give the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import inch, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fulfillment.carriers.base import PostalAddress

LABEL_SIZE = (4 * inch, 6 * inch)  # 288 x 432 points
MARGIN = 14
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
ELLIPSIS = "\u2026"
GRAMS_PER_POUND = 453.59237
MAX_BAR_WIDTH = 2.0  # points; wider bars only waste the page
BARCODE_HEIGHT = 64
PAGE_MARGIN = 0.75 * inch  # packing slip


@dataclass(frozen=True)
class LabelData:
    carrier_name: str
    service_name: str
    tracking_number: str
    ship_from: PostalAddress
    ship_to: PostalAddress
    weight_grams: int
    reference: str  # the seller order number
    shipped_on: date
    is_return: bool = False


@dataclass(frozen=True)
class PackingSlipLine:
    title: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class PackingSlipData:
    seller_name: str
    order_number: str  # the seller order number
    placed_on: date
    ship_to: PostalAddress
    lines: list[PackingSlipLine]
    tracking_number: str = ""
    return_policy: str = ""


def address_lines(address: PostalAddress) -> list[str]:
    """Return the lines of an address below the name, leaving out empty parts."""
    locality = " ".join(part for part in (address.region, address.postal_code) if part)
    city_line = ", ".join(part for part in (address.city, locality) if part)
    lines = [address.line1, address.line2, city_line, address.country, address.phone]
    return [line for line in lines if line]


def fit_lines(text: str, font: str, size: float, width: float, max_lines: int = 1) -> list[str]:
    """Wrap ``text`` to ``width`` on at most ``max_lines`` lines, shortening the last one."""
    text = " ".join(str(text).split())
    lines = simpleSplit(text, font, size, width) or [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    last = lines[-1]
    if stringWidth(last, font, size) > width:
        while last and stringWidth(last + ELLIPSIS, font, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines


def format_weight(grams: int) -> str:
    """Return a weight as kilograms and pounds, e.g. ``1.25 kg (2.76 lb)``."""
    return f"{grams / 1000:.2f} kg ({grams / GRAMS_PER_POUND:.2f} lb)"


def tracking_barcode(tracking_number: str, width: float) -> Code128:
    """Return a Code 128 barcode of ``tracking_number`` no wider than ``width``."""
    modules = Code128(tracking_number, barWidth=1, quiet=False).width
    # Rounded down to a thousandth of a point, so float error never makes it a hair too wide.
    bar_width = min(MAX_BAR_WIDTH, math.floor(width / modules * 1000) / 1000)
    return Code128(tracking_number, barWidth=bar_width, barHeight=BARCODE_HEIGHT, quiet=False)


class LabelWriter:
    """Draw text on a label canvas from the top down, one fitted line at a time."""

    def __init__(self, canvas: Canvas, top: float):
        self.canvas = canvas
        self.y = top

    def text(self, text: str, *, size: float, font: str = REGULAR, max_lines: int = 1, x: float = MARGIN):
        width = LABEL_SIZE[0] - MARGIN - x
        self.canvas.setFont(font, size)
        for line in fit_lines(text, font, size, width, max_lines):
            self.y -= size * 1.2
            self.canvas.drawString(x, self.y, line)

    def rule(self, gap: float = 6):
        self.y -= gap
        self.canvas.line(MARGIN, self.y, LABEL_SIZE[0] - MARGIN, self.y)
        self.y -= gap / 2


def draw_return_banner(canvas: Canvas, top: float) -> float:
    """Draw a black RETURN banner below ``top`` and return the height it took."""
    page_width = LABEL_SIZE[0]
    canvas.rect(MARGIN, top - 28, page_width - 2 * MARGIN, 28, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(BOLD, 22)
    canvas.drawCentredString(page_width / 2, top - 22, "RETURN")
    canvas.setFillColor(colors.black)
    return 34


def draw_label_body(canvas: Canvas, label: LabelData, top: float):
    """Draw the addresses, the carrier and service, weight, reference and date."""
    writer = LabelWriter(canvas, top)
    writer.text("FROM", size=6.5, font=BOLD)
    writer.text(label.ship_from.name, size=7.5, font=BOLD)
    for line in address_lines(label.ship_from)[:4]:
        writer.text(line, size=7.5)
    writer.rule()
    writer.text("SHIP TO", size=8, font=BOLD)
    writer.text(label.ship_to.name, size=14, font=BOLD, max_lines=2)
    for index, line in enumerate(address_lines(label.ship_to)):
        writer.text(line, size=11, max_lines=2 if index == 0 else 1)  # the street may wrap
    writer.rule()
    writer.text(f"{label.carrier_name} \u2013 {label.service_name}", size=11, font=BOLD, max_lines=2)
    writer.text(f"Weight: {format_weight(label.weight_grams)}", size=9)
    writer.text(f"Ref: {label.reference}", size=9)
    writer.text(f"Shipped: {label.shipped_on.isoformat()}", size=9)


def draw_tracking_barcode(canvas: Canvas, tracking_number: str):
    """Draw the barcode centred at the foot of the label with the number beneath it."""
    page_width = LABEL_SIZE[0]
    barcode = tracking_barcode(tracking_number, page_width - 2 * MARGIN)
    barcode.drawOn(canvas, (page_width - barcode.width) / 2, MARGIN + 16)
    (number,) = fit_lines(tracking_number, BOLD, 11, page_width - 2 * MARGIN)
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(page_width / 2, MARGIN + 2, number)


def shipping_label_pdf(label: LabelData) -> bytes:
    """Render a 4x6 inch shipping label and return the PDF's bytes."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE, invariant=1)
    canvas.setTitle(f"Shipping label {label.tracking_number}")
    canvas.setAuthor(label.ship_from.name)
    canvas.setSubject(f"{label.carrier_name} {label.service_name}")
    top = LABEL_SIZE[1] - MARGIN
    if label.is_return:
        top -= draw_return_banner(canvas, top)
    draw_label_body(canvas, label, top)
    draw_tracking_barcode(canvas, label.tracking_number)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def paragraph(text: str, style) -> Paragraph:
    """Return a Paragraph of plain ``text``, escaped so ``&``, ``<`` and ``>`` print as such."""
    return Paragraph(escape(str(text)), style)


def slip_header(slip: PackingSlipData, styles) -> list:
    """Return the flowables above the table: title, order details and the address."""
    details = [f"Order {slip.order_number}", f"Placed on {slip.placed_on.isoformat()}"]
    if slip.tracking_number:
        details.append(f"Tracking {slip.tracking_number}")
    address = [slip.ship_to.name, *address_lines(slip.ship_to)]
    return [
        paragraph(f"Packing slip \u2013 {slip.seller_name}", styles["Title"]),
        *(paragraph(line, styles["Normal"]) for line in details),
        Spacer(1, 12),
        paragraph("Ship to", styles["Heading4"]),
        *(paragraph(line, styles["Normal"]) for line in address),
        Spacer(1, 12),
    ]


def slip_table(slip: PackingSlipData, styles, width: float) -> Table:
    """Return the table of lines, its header row repeated on every page."""
    cell = styles["BodyText"]
    rows = [["Item", "SKU", "Qty"]]
    rows += [[paragraph(ln.title, cell), paragraph(ln.sku, cell), str(ln.quantity)] for ln in slip.lines]
    table = Table(rows, colWidths=[width * 0.62, width * 0.26, width * 0.12], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    return table


def packing_slip_pdf(slip: PackingSlipData) -> bytes:
    """Render a packing slip on US Letter pages and return the PDF's bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"Packing slip {slip.order_number}",
        author=slip.seller_name,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    story = [*slip_header(slip, styles), slip_table(slip, styles, doc.width)]
    if slip.return_policy:
        story += [Spacer(1, 18), paragraph(slip.return_policy, styles["Italic"])]

    def footer(canvas: Canvas, doc: SimpleDocTemplate):
        canvas.setFont(REGULAR, 8)
        text = f"Order {slip.order_number} \u2013 page {doc.page}"
        canvas.drawRightString(letter[0] - PAGE_MARGIN, 0.5 * inch, fit_lines(text, REGULAR, 8, doc.width)[0])

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
