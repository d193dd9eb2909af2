"""Tiny inline books for the close: the seed-like preamble (tests/conftest.py), quotes on every trading day, inputs."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import make_book
from warrantbook.book.io import Book
from warrantbook.core.calendars import is_trading_day


def quotes(first: date, last: date, start_price: str = "0.0200", step: str = "0.0001", wobble: bool = True, company: str = "atg") -> str:
    """OTCBB quotes (bid = ask - 0.002) on every NYSE trading day; mid prices zig-zag so volatility is not zero."""
    from fractions import Fraction

    lines = []
    price = Fraction(start_price)
    d = first
    n = 0
    while d <= last:
        if is_trading_day(d):
            mid = price + (Fraction(step) * (1 if n % 2 else -1) if wobble else 0)
            bid, ask = mid - Fraction(1, 1000), mid + Fraction(1, 1000)
            lines.append(f"- {{id: q-{company}-{d}, on: {d}, type: quote, company: {company}, venue: otcbb, bid: \"{float(bid):.5f}\", "
                         f"ask: \"{float(ask):.5f}\", source: test}}")
            price += Fraction(step) / 10
            n += 1
        d += timedelta(days=1)
    return "\n".join(lines)


VALUATION = """\
- {id: vi-1, on: 2005-12-30, type: valuation-input, actor: company:atg, company: atg, rate: "0.0435", volatility_window: 20,
   term_years: 5, source: "3-month and 5-year Treasury constant maturity (test); 20-day historical volatility"}
"""


def seed_close_book(*extras: str) -> Book:
    return make_book(quotes(date(2005, 11, 1), date(2006, 6, 30)), VALUATION, *extras)
