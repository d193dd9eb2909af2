"""§14: a change binds only the party that signed it. Who a change burdens, read from the change itself.

A change burdens the holder when it takes from the holder (fewer shares, a higher price, an earlier or new
expiration, a tighter or new cap, fewer ways to pay, a later delivery) and the company when it gives to the
holder (the reverse). A field whose direction cannot be told (a reading, the dispute terms, the legend) burdens
both, so both must sign. Pure: the old and new terms in, the burdened parties with a reason each out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from fractions import Fraction

from warrantbook.core.terms import Cap, Terms, Tranche

HOLDER, COMPANY = "holder", "company"


@dataclass(frozen=True, slots=True)
class Burden:
    party: str  # "holder" or "company"
    reason: str


def _cap_burdens(old: Cap | None, new: Cap | None) -> list[Burden]:
    if old == new:
        return []
    if old is None:
        return [Burden(HOLDER, "a cap where there was none")]
    if new is None:
        return [Burden(COMPANY, "the cap removed")]
    out: list[Burden] = []
    if new.percent < old.percent:
        out.append(Burden(HOLDER, f"a tighter cap ({new.percent} < {old.percent})"))
    elif new.percent > old.percent:
        out.append(Burden(COMPANY, f"a looser cap ({new.percent} > {old.percent})"))
    od, nd = old.waiver_notice_days, new.waiver_notice_days
    if od != nd:
        if nd is None or (od is not None and nd > od):
            out.append(Burden(HOLDER, "a longer or no waiver notice period"))
        else:
            out.append(Burden(COMPANY, "a shorter or new waiver notice period"))
    if old.void_on_default != new.void_on_default:
        out.append(Burden(HOLDER if old.void_on_default else COMPANY, "the Event of Default release " + ("removed" if old.void_on_default else "added")))
    oh, nh = old.hard_ceiling, new.hard_ceiling
    if oh != nh:
        if oh is None or (nh is not None and nh < oh):
            out.append(Burden(HOLDER, "a new or lower hard ceiling"))
        else:
            out.append(Burden(COMPANY, "a removed or higher hard ceiling"))
    return out


def _later(a: date | None, b: date | None) -> bool:
    """True when expiration b gives the holder longer than a (None: no stated expiration, the longest)."""
    if a == b:
        return False
    return b is None or (a is not None and b > a)


def _schedule_burdens(old: Terms, new: Terms, already: set[str]) -> list[Burden]:
    """Shares moved between prices with the total and the price list unchanged (150 at $0.01 and 50 at $0.02 become
    50 and 150): the totals and the sorted prices cannot see it. The holder is burdened when at some price it may buy
    fewer shares at that price or less than before; the company when the holder may buy more."""
    prices = sorted({t.exercise_price for t in old.tranches} | {t.exercise_price for t in new.tranches})

    def at_most(tranches: tuple[Tranche, ...], price: Fraction) -> Fraction:
        return sum((t.shares for t in tranches if t.exercise_price <= price), Fraction(0))

    out: list[Burden] = []
    if HOLDER not in already and any(at_most(new.tranches, p) < at_most(old.tranches, p) for p in prices):
        out.append(Burden(HOLDER, "shares moved to a higher exercise price"))
    if COMPANY not in already and any(at_most(new.tranches, p) > at_most(old.tranches, p) for p in prices):
        out.append(Burden(COMPANY, "shares moved to a lower exercise price"))
    return out


def burdens(old: Terms, new: Terms) -> list[Burden]:
    """Every way `new` differs from `old`, with the party each difference burdens."""
    out: list[Burden] = []
    if new.shares < old.shares:
        out.append(Burden(HOLDER, f"fewer shares ({new.shares} < {old.shares})"))
    elif new.shares > old.shares:
        out.append(Burden(COMPANY, f"more shares ({new.shares} > {old.shares})"))
    prices_old = sorted(t.exercise_price for t in old.tranches)
    prices_new = sorted(t.exercise_price for t in new.tranches)
    if prices_old != prices_new:
        if len(prices_old) == len(prices_new) and all(n >= o for o, n in zip(prices_old, prices_new)):
            out.append(Burden(HOLDER, "a higher exercise price"))
        elif len(prices_old) == len(prices_new) and all(n <= o for o, n in zip(prices_old, prices_new)):
            out.append(Burden(COMPANY, "a lower exercise price"))
        else:
            out += [Burden(HOLDER, "prices changed both ways"), Burden(COMPANY, "prices changed both ways")]
    out += _schedule_burdens(old, new, {b.party for b in out})
    if old.expiration.on != new.expiration.on:
        if _later(old.expiration.on, new.expiration.on):
            out.append(Burden(COMPANY, "a later or no expiration"))
        else:
            out.append(Burden(HOLDER, "an earlier or new expiration"))
    out += _cap_burdens(old.cap, new.cap)
    if new.payment_methods != old.payment_methods:
        if new.payment_methods < old.payment_methods:
            out.append(Burden(HOLDER, "fewer ways to pay"))
        elif new.payment_methods > old.payment_methods:
            out.append(Burden(COMPANY, "more ways to pay"))
        else:
            out += [Burden(HOLDER, "ways to pay changed"), Burden(COMPANY, "ways to pay changed")]
    if new.delivery_days != old.delivery_days:
        out.append(Burden(HOLDER if new.delivery_days > old.delivery_days else COMPANY, "a different delivery period (§2.1)"))
    weighed = {"tranches", "expiration", "cap", "payment_methods", "delivery_days"}
    for f in fields(Terms):
        if f.name not in weighed and getattr(old, f.name) != getattr(new, f.name):
            out += [Burden(HOLDER, f"{f.name} changed"), Burden(COMPANY, f"{f.name} changed")]
    return out
