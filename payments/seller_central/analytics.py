"""The seller's analytics: /seller/analytics/ (sales, orders, views, conversion, buy box) and its CSV.

``?period=7|30|90`` (the last days, today included) or ``?start=YYYY-MM-DD&end=YYYY-MM-DD``
(whole UTC days, at most 366, not after today); nothing given is the last 30 days. A bad
period is a 400 with the reason on the page, for the CSV as well. Owners and managers
(Section.PERFORMANCE). The figures are defined in ``analytics_data``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.money import format_money
from marketplace.core.spreadsheets import row_safe
from payments.seller_central.analytics_data import (
    analytics_daily_list,
    analytics_listing_list,
    analytics_summary_get,
    listing_rates,
)
from payments.seller_central.charts import bar_chart
from sellers.access import Section
from sellers.central import SellerCentralMixin

PRESET_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
LISTINGS_PER_PAGE = 25
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> dict:
        if self.preset:
            return {"period": str(self.preset)}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _date(raw: str, *, name: str, today: date) -> date:
    refusal = f"Enter the {name} date as YYYY-MM-DD, for example {today.isoformat()}."
    if not _DATE_RE.fullmatch(raw):
        raise ApplicationError(refusal)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(f"{raw} is not a date. {refusal}") from None
    if not EARLIEST <= day <= today:
        raise ApplicationError(f"The {name} date must be between {EARLIEST.isoformat()} and today.")
    return day


def analytics_period_parse(params, *, today: date) -> Period:
    """The period a request asks for, or ``ApplicationError`` with the reason."""
    start, end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if start or end:
        if not (start and end):
            raise ApplicationError("Give both the first and the last day of the period.")
        first, last = _date(start, name="start", today=today), _date(end, name="end", today=today)
        if first > last:
            raise ApplicationError("The period must start on or before its last day.")
        if (last - first).days >= MAX_DAYS:
            raise ApplicationError(f"A period covers at most {MAX_DAYS} days; choose a shorter one.")
        return Period(first, last)
    raw = (params.get("period") or str(DEFAULT_DAYS)).strip()
    if raw not in {str(days) for days in PRESET_DAYS}:
        raise ApplicationError("Choose the last 7, 30 or 90 days, or give the first and last day.")
    days = int(raw)
    return Period(today - timedelta(days=days - 1), today, preset=days)


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def today_utc() -> date:
    return timezone.now().astimezone(UTC).date()


class AnalyticsMixin(SellerCentralMixin):
    section = Section.PERFORMANCE
    template_name = "payments/seller/analytics.html"

    def period(self) -> Period:
        return analytics_period_parse(self.request.GET, today=today_utc())

    def refused(self, error: ApplicationError):
        return self.render_to_response(self.get_context_data(error=error.message), status=400)

    def get_context_data(self, *, error: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        base = reverse("seller:analytics")
        context.update(
            error=error,
            max_days=MAX_DAYS,
            presets=[
                {"days": days, "label": f"Last {days} days", "url": f"{base}?{urlencode({'period': days})}"}
                for days in PRESET_DAYS
            ],
            start_value=self.request.GET.get("start", ""),
            end_value=self.request.GET.get("end", ""),
        )
        return context


class AnalyticsView(AnalyticsMixin, TemplateView):
    """Totals, charts per day and the listings' figures for a period."""

    def get(self, request, *args, **kwargs):
        try:
            period = self.period()
        except ApplicationError as error:
            return self.refused(error)
        return self.render_to_response(self.get_context_data(period=period))

    def get_context_data(self, *, period: Period | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        if period is None:
            return context
        seller = self.seller
        days = analytics_daily_list(seller=seller, start=period.start, end=period.end)
        summary = analytics_summary_get(seller=seller, start=period.start, end=period.end, days=days)
        page = Paginator(
            analytics_listing_list(seller=seller, start=period.start, end=period.end), LISTINGS_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        for offer in page.object_list:
            listing_rates(offer)
        csv_url = reverse("seller:analytics-csv")
        context.update(
            period=period,
            summary=summary,
            conversion=percent(summary.conversion),
            buy_box_share=percent(summary.buy_box_share),
            returns_rate=percent(summary.returns_rate),
            days=[(day, percent(day.conversion)) for day in days],
            charts=[
                bar_chart(
                    key="sales",
                    title="Sales per day",
                    points=[(day.day, day.sales) for day in days],
                    label=format_money,
                ),
                bar_chart(
                    key="orders", title="Orders per day", points=[(day.day, day.orders) for day in days]
                ),
                bar_chart(
                    key="views", title="Page views per day", points=[(day.day, day.views) for day in days]
                ),
            ],
            page_obj=page,
            listings=[(offer, percent(offer.conversion), percent(offer.buy_box_share)) for offer in page],
            csv_days_url=f"{csv_url}?{urlencode({**period.query(), 'report': 'days'})}",
            csv_listings_url=f"{csv_url}?{urlencode({**period.query(), 'report': 'listings'})}",
            current_preset=period.preset,
            start_value=period.start.isoformat(),
            end_value=period.end.isoformat(),
        )
        return context


class _Echo:
    def write(self, value: str) -> str:
        return value


def _ratio_cell(value: Decimal | None) -> str:
    return "" if value is None else str(value)


DAYS_HEADER = ("Day (UTC)", "Page views", "Buy-box views", "Orders", "Units", "Sales", "Conversion")
LISTINGS_HEADER = ("Title", "SKU", "Page views", "Units", "Orders", "Sales", "Conversion", "Buy-box share")
REPORTS = ("days", "listings")


class AnalyticsCsvView(AnalyticsMixin, TemplateView):
    """``report=days`` (the default) or ``report=listings`` as CSV: UTF-8 with a BOM, formula cells
    neutralised (marketplace/core/spreadsheets.py); rates are fractions (0.25 = 25 %)."""

    def get(self, request, *args, **kwargs):
        try:
            period = self.period()
            report = (request.GET.get("report") or "days").strip()
            if report not in REPORTS:
                raise ApplicationError("Choose the per-day or the per-listing figures to download.")
        except ApplicationError as error:
            return self.refused(error)
        rows = self.day_rows(period) if report == "days" else self.listing_rows(period)
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", self.seller.slug).strip("-") or "seller"
        filename = f"analytics-{report}-{slug}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        patch_cache_control(response, private=True, no_store=True)
        return response

    def day_rows(self, period: Period) -> Iterator[str]:
        writer = csv.writer(_Echo())
        days = analytics_daily_list(seller=self.seller, start=period.start, end=period.end)
        yield "\ufeff" + writer.writerow(DAYS_HEADER)
        for day in days:
            yield writer.writerow(
                [
                    day.day.isoformat(),
                    day.views,
                    day.buy_box_views,
                    day.orders,
                    day.units,
                    day.sales,
                    _ratio_cell(day.conversion),
                ]
            )

    def listing_rows(self, period: Period) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(LISTINGS_HEADER)
        listings = analytics_listing_list(seller=self.seller, start=period.start, end=period.end)
        for offer in listings.iterator(chunk_size=2000):
            listing_rates(offer)
            yield writer.writerow(
                row_safe(
                    [
                        offer.product.title,
                        offer.sku,
                        offer.views,
                        offer.units,
                        offer.orders,
                        offer.sales,
                        _ratio_cell(offer.conversion),
                        _ratio_cell(offer.buy_box_share),
                    ]
                )
            )
