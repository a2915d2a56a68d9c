"""The statement's period: parsed from ``?start=YYYY-MM-DD&end=YYYY-MM-DD``, and its presets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.core.errors import ApplicationError
from payments.selectors import STATEMENT_MAX_DAYS

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_start(day: date) -> date:
    return day.replace(day=1)


def period_presets(*, today: date) -> list[tuple[str, Period]]:
    """This month (so far), last month, the last 90 days (today included)."""
    this_month = _month_start(today)
    last_month_end = this_month - timedelta(days=1)
    return [
        ("This month", Period(this_month, today)),
        ("Last month", Period(_month_start(last_month_end), last_month_end)),
        ("Last 90 days", Period(today - timedelta(days=89), today)),
    ]


def _parse_date(raw, *, name: str, today: date) -> date:
    text = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw)
    refusal = f"Enter the {name} date as YYYY-MM-DD, for example {today.isoformat()}."
    if not _DATE_RE.fullmatch(text):
        raise ApplicationError(refusal)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(f"{text} is not a date: {refusal[0].lower()}{refusal[1:]}") from None
    latest = today + timedelta(days=STATEMENT_MAX_DAYS)
    if not EARLIEST <= day <= latest:
        raise ApplicationError(
            f"The {name} date must be between {EARLIEST.isoformat()} and {latest.isoformat()}."
        )
    return day


def period_parse(*, start, end, today: date) -> Period:
    """Return the period of ``start`` and ``end`` (both typed in a request), or refuse it.

    Neither given: this month so far. Only one given: refused, so that a
    half-typed period never shows a statement for some other dates.
    """
    if not (start or "").strip() and not (end or "").strip():
        return period_presets(today=today)[0][1]
    start_day = _parse_date(start, name="start", today=today)
    end_day = _parse_date(end, name="end", today=today)
    if start_day > end_day:
        raise ApplicationError("The statement must start on or before its end.")
    if (end_day - start_day).days >= STATEMENT_MAX_DAYS:
        raise ApplicationError(
            f"A statement covers at most {STATEMENT_MAX_DAYS} days; choose a shorter period."
        )
    return Period(start_day, end_day)
