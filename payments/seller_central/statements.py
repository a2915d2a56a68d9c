"""The seller's statement for a period: balances, totals per kind, the entries; and its CSV.

``?start=YYYY-MM-DD&end=YYYY-MM-DD`` (whole UTC days, ``end`` included; at
most 366 days, as the ledger API). A bad period is a 400 with the reason on
the page, for the CSV link as well.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from marketplace.core.errors import ApplicationError
from marketplace.core.spreadsheets import row_safe
from payments.ledger import entry_available_on
from payments.selectors import STATEMENT_MAX_DAYS, ledger_statement_entry_list, ledger_statement_summary
from payments.seller_central.periods import Period, period_parse, period_presets
from payments.seller_central.views import MoneyMixin

ENTRIES_PER_PAGE = 50
CSV_HEADER = (
    "Date (UTC)",
    "Kind",
    "Description",
    "Order",
    "Amount",
    "Currency",
    "Balance",
    "Payable from",
)


def _query(period: Period) -> str:
    return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})


class StatementView(MoneyMixin, TemplateView):
    template_name = "payments/seller/statement.html"

    def period(self) -> Period:
        return period_parse(
            start=self.request.GET.get("start"),
            end=self.request.GET.get("end"),
            today=timezone.now().astimezone(UTC).date(),
        )

    def get(self, request, *args, **kwargs):
        try:
            period = self.period()
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        return self.render_to_response(self.get_context_data(period=period))

    def get_context_data(self, *, period: Period | None = None, error: str = "", **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.now().astimezone(UTC).date()
        presets = [
            {"label": label, "period": preset, "url": f"{reverse('seller:statement')}?{_query(preset)}"}
            for label, preset in period_presets(today=today)
        ]
        context.update(
            error=error,
            presets=presets,
            max_days=STATEMENT_MAX_DAYS,
            start_value=self.request.GET.get("start", "") if error else "",
            end_value=self.request.GET.get("end", "") if error else "",
        )
        if period is None:
            return context
        summary = ledger_statement_summary(seller=self.seller, start=period.start, end=period.end)
        paginator = Paginator(
            ledger_statement_entry_list(seller=self.seller, start=period.start, end=period.end),
            ENTRIES_PER_PAGE,
        )
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        for entry in page.object_list:
            entry.available_on = entry_available_on(entry)
            entry.balance_after = summary.opening_balance + entry.running
        context.update(
            period=period,
            summary=summary,
            page_obj=page,
            entries=page.object_list,
            is_paginated=page.has_other_pages(),
            start_value=period.start.isoformat(),
            end_value=period.end.isoformat(),
            csv_url=f"{reverse('seller:statement-csv')}?{_query(period)}",
            current_preset=next((p["label"] for p in presets if p["period"] == period), ""),
        )
        return context


class _Echo:
    """A file-like object that returns what is written: csv.writer's rows, one at a time."""

    def write(self, value: str) -> str:
        return value


def _safe_filename_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "seller"


class StatementCsvView(StatementView):
    """The period's entries as CSV: UTF-8 with a BOM (Excel reads it as UTF-8), formula cells
    neutralised (marketplace/core/spreadsheets.py), streamed row by row."""

    def get(self, request, *args, **kwargs):
        try:
            period = self.period()
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        summary = ledger_statement_summary(seller=self.seller, start=period.start, end=period.end)
        response = StreamingHttpResponse(
            self.rows(period, opening=summary.opening_balance), content_type="text/csv; charset=utf-8"
        )
        filename = (
            f"statement-{_safe_filename_part(self.seller.slug)}-"
            f"{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        patch_cache_control(response, private=True, no_store=True)
        return response

    def rows(self, period: Period, *, opening) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(CSV_HEADER)
        balance = opening
        entries = ledger_statement_entry_list(seller=self.seller, start=period.start, end=period.end)
        for entry in entries.iterator(chunk_size=2000):
            balance += entry.amount
            available_on = entry_available_on(entry)
            yield writer.writerow(
                row_safe(
                    [
                        entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                        entry.get_kind_display(),
                        entry.description,
                        entry.seller_order.number if entry.seller_order_id else "",
                        entry.amount,
                        entry.currency,
                        balance,
                        available_on.isoformat() if available_on else "when delivered",
                    ]
                )
            )
