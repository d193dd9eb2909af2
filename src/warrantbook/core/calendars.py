"""Two calendars the agreement needs, kept apart on purpose.

- Trading days (NYSE): the FMV of §1.2(a)/(b) is read off the last day the market traded before the
  Determination Date. The NYSE closes on days banks do not (2001-09-11..14, 2007-01-02, 2012-10-29..30).
- New York banking days (Federal Reserve holidays plus weekends): "business days" for the delivery period
  of §2.1 and for notice periods. The agreement never defines "business day"; docs/interpretations.md
  says why banking days are the careful reading for deadlines.

The `holidays` package carries both calendars offline, including the ad-hoc NYSE closures.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _nyse(year: int) -> frozenset[date]:
    return frozenset(holidays.NYSE(years=year).keys())


@lru_cache(maxsize=256)
def _banks(year: int) -> frozenset[date]:
    return frozenset(holidays.FederalReserve(years=year).keys())


def is_trading_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _nyse(day.year)


def is_banking_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _banks(day.year)


@lru_cache(maxsize=4096)  # every FMV reads it, for the same few days (a walk back over a weekend or holiday)
def previous_trading_day(day: date) -> date:
    """The last trading day strictly before `day`."""
    d = day - timedelta(days=1)
    while not is_trading_day(d):
        d -= timedelta(days=1)
    return d


def previous_banking_day(day: date) -> date:
    """The last New York banking day strictly before `day`."""
    d = day - timedelta(days=1)
    while not is_banking_day(d):
        d -= timedelta(days=1)
    return d


@lru_cache(maxsize=4096)  # every exercise's delivery date: a day-by-day walk, for the same few days and counts
def add_banking_days(day: date, count: int) -> date:
    """`count` New York banking days after `day` (the day itself not counted)."""
    d = day
    remaining = count
    while remaining > 0:
        d += timedelta(days=1)
        if is_banking_day(d):
            remaining -= 1
    return d
