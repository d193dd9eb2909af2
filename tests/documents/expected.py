"""The figures every document must show, worked out here with plain Fraction arithmetic from the facts.

Nothing here calls the engine or the document layer: the inputs are the facts of the sample book (share
counts, prices, quotes, dates, written as the agreement and the sample give them), and the arithmetic is the
agreement's own (§2.2(b), §4, §7, §10), written out again. The formatting helpers are the test's own too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction as F

from warrantbook.core import events as ev


def commas(n: F | int) -> str:
    n = F(n)
    assert n.denominator == 1, n
    return f"{int(n):,}"


def dec(x: F) -> str:
    """The exact decimal of a fraction whose denominator has only the factors 2 and 5."""
    den = x.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    assert den == 1, f"{x} has no finite decimal"
    with localcontext() as ctx:
        ctx.prec = 60
        text = format(Decimal(x.numerator) / Decimal(x.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def usd(x: F) -> str:
    """$ with thousands separators and at least two decimals (more when the amount has them)."""
    whole, _, cents = dec(x).partition(".")
    return f"${int(whole):,}.{cents.ljust(2, '0')}"


def ratio_text(x: F) -> str:
    """A fraction with no finite decimal, as the documents print its exact part."""
    return f"{x.numerator}/{x.denominator}"


def cent_half_up(x: F) -> F:
    return F(math.floor(x * 100 + F(1, 2)), 100)


def long(d: date) -> str:
    return d.strftime("%B ") + str(d.day) + d.strftime(", %Y")


def mean_quote(events: list[ev.Event], day: date) -> F:
    (q,) = [e for e in events if isinstance(e, ev.Quote) and e.on == day]
    assert q.bid is not None and q.ask is not None
    return (q.bid + q.ask) / 2


@dataclass(frozen=True)
class Cashless:
    Y: F
    A: F
    B: F

    @property
    def X(self) -> F:  # §2.2(b): X = Y(A - B) / A
        return self.Y * (self.A - self.B) / self.A

    @property
    def whole(self) -> F:
        return F(math.floor(self.X))

    @property
    def fraction(self) -> F:
        return self.X - self.whole

    @property
    def cash_exact(self) -> F:  # §2.1: the fraction at FMV
        return self.fraction * self.A

    @property
    def cash_paid(self) -> F:
        return cent_half_up(self.cash_exact)

    @property
    def cancelled(self) -> F:  # the option shares given up as the price
        return self.Y - self.X


class Expected:
    """The sample book's figures (src/warrantbook/seed.py and documents/sample.py give the facts)."""

    issue_shares = F(140_250_000)
    issue_price = F("0.00001")
    cap = F("0.0499")
    owned_2005 = F(10_000_000)

    def __init__(self, events: list[ev.Event]):
        # §4, the 2006 split: outstanding 1,200,000,000 -> 2,400,000,000
        self.split1 = (F(1_200_000_000), F(2_400_000_000))
        r1 = self.split1[1] / self.split1[0]
        self.shares_after_split1 = self.issue_shares * r1
        self.price_after_split1 = self.issue_price / r1
        # notice-1: 50,000,000 option shares, cashless, received Wednesday 2006-03-15; FMV from Tuesday's OTCBB quote
        self.ex1 = Cashless(F(50_000_000), mean_quote(events, date(2006, 3, 14)), self.price_after_split1)
        self.cap1 = F(math.floor(self.cap * self.split1[1] - self.owned_2005 * r1))
        self.after_ex1 = self.shares_after_split1 - self.ex1.Y
        # transfer-1: 20% of what remains to Northbridge; the balance stays with GSSF
        self.piece = self.after_ex1 * F(20, 100)
        self.balance = self.after_ex1 - self.piece
        # notice-2: the cashless maximum of ATG-3 on Tuesday 2006-08-01, held down by the 4.99% cap
        self.outstanding_aug = self.split1[1] + self.ex1.whole
        self.owned_aug = self.owned_2005 * r1 + self.ex1.whole
        self.cap2 = F(math.floor(self.cap * self.outstanding_aug - self.owned_aug))
        a2 = mean_quote(events, date(2006, 7, 31))
        b = self.price_after_split1
        # the most Y whose WHOLE shares floor(Y(A - B)/A) stay within the allowance (§10 counts whole shares)
        y_max = F(math.ceil((self.cap2 + 1) * a2 / (a2 - b)) - 1)
        self.ex2 = Cashless(min(y_max, self.balance), a2, b)
        self.after_ex2 = self.balance - self.ex2.Y
        # the 3-for-1 split of 2006-11-01 counts the shares outstanding after both exercises
        self.split2 = (self.outstanding_aug + self.ex2.whole, (self.outstanding_aug + self.ex2.whole) * 3)
        self.price_after_split2 = b / 3
        self.atg3_after_split2 = self.after_ex2 * 3
        self.atg4_after_split2 = self.piece * 3
        # notice-3: 1,000,000 shares of ATG-4 for cash at 1/600000 a share
        self.ex3_shares = F(1_000_000)
        self.ex3_aggregate = self.ex3_shares * self.price_after_split2
        self.ex3_cash_due = F(math.ceil(self.ex3_aggregate * 100), 100)
