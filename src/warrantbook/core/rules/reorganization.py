"""§3 Reorganization, consolidation, merger, transfer of assets: the option share becomes a basket.

After the transaction each option share delivers what one share of common stock received (§3.1), owed by
the successor (definition (a)); later §4 events of a security in the basket adjust its quantity (§3.3).
The FMV of one basket, for a cashless exercise or cash in lieu, is the sum of its parts
(`BasketValuation.SUM_OF_PARTS`): each security at its own §1.2 FMV, cash at face, property at the value
recorded with it.

On an exercise the baskets (option shares exercised, or X of §2.2(b)) are delivered item by item
(`basket_delivery`): whole units of each security and property, cash in lieu of each fraction at that item's
own value (§2.1), and the cash component rounded by `Readings.basket_cash`. §10 and §6 follow the successor's
common stock in the basket (`common_per_basket`), never its cash.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from warrantbook.core.errors import Refusal
from warrantbook.core.events import BasketDelivery, BasketItem, ItemKind, Reorganized
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import CENT, Rounding, split_whole
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.terms import BasketCashRounding


def basket_fmv(basket: tuple[BasketItem, ...], security_fmv: Callable[[str, Trace | None], Fmv], trace: Trace | None = None) -> Fmv:
    total = Fraction(0)
    for item in basket:
        if item.item is ItemKind.CASH:
            part = item.quantity
        elif item.item is ItemKind.PROPERTY:
            if item.unit_value is None:
                raise Refusal("§3.1", f"property '{item.description}' in the basket has no recorded value", field="unit_value")
            part = item.quantity * item.unit_value
        else:
            part = item.quantity * security_fmv(item.issuer, trace).value
        total += part
        record(trace, "§3.1", f"basket part: {item.item.value} {item.issuer or item.description}", "quantity x unit value", part,
               quantity=item.quantity)
    record(trace, "§3.1", "FMV of one option share's basket (reading: sum of parts)", "sum of parts", total)
    return Fmv(total, "§3.1, §1.2", "basket: sum of parts")


def cash_paid(amount: Fraction, rule: BasketCashRounding) -> Fraction:
    """§3.1: the cash component of a basket delivery as paid, by the named rule (`Readings.basket_cash`)."""
    if rule is BasketCashRounding.DOWN_CENT:
        return Fraction(math.floor(amount / CENT)) * CENT
    return Rounding.CASH_IN_LIEU.apply(amount)


def basket_delivery(baskets: Fraction, basket: tuple[BasketItem, ...], security_fmv: Callable[[str, Trace | None], Fmv],
                    rule: BasketCashRounding, trace: Trace | None = None) -> tuple[BasketDelivery, ...]:
    """What `baskets` baskets deliver, item by item (§3.1 with §2.1): whole units of each security or property and
    cash in lieu of each fraction (at the security's own §1.2 FMV, the property's recorded value), the cash
    component rounded by `rule`. Raises a Refusal when a fraction's value cannot be known."""
    assert baskets >= 0, baskets  # option shares exercised, or X: never negative
    out = []
    for item in basket:
        amount = baskets * item.quantity
        name = item.issuer or item.description or item.item.value
        if item.item is ItemKind.CASH:
            paid = cash_paid(amount, rule)
            record(trace, "§3.1", f"cash component ({rule.value})", "baskets x cash per basket, rounded", paid, baskets=baskets,
                   per_basket=item.quantity, exact=amount)
            out.append(BasketDelivery(item, amount, paid, Fraction(0), None, Fraction(0), Fraction(0)))
            continue
        parts = split_whole(amount)
        unit_value: Fraction | None = None
        lieu = Fraction(0)
        if parts.fraction:
            if item.item is ItemKind.PROPERTY:
                if item.unit_value is None:
                    raise Refusal("§3.1, §2.1", f"property {name!r} has no recorded value: cash in lieu of its fraction needs one",
                                  field="unit_value")
                unit_value = item.unit_value
            else:
                unit_value = security_fmv(item.issuer, trace).value
            lieu = parts.fraction * unit_value
        paid = Rounding.CASH_IN_LIEU.apply(lieu)
        record(trace, "§3.1, §2.1", f"{name}: whole units delivered", "floor(baskets x quantity)", parts.whole, baskets=baskets,
               quantity=item.quantity, exact=amount)
        if parts.fraction:
            record(trace, "§2.1", f"{name}: cash in lieu of the fraction (half a cent up)", "round_cent(fraction x unit value)", paid,
                   fraction=parts.fraction, unit_value=unit_value)
        out.append(BasketDelivery(item, amount, parts.whole, parts.fraction, unit_value, lieu, paid))
    return tuple(out)


def common_per_basket(basket: tuple[BasketItem, ...], successor: str) -> Fraction:
    """Units of the successor's common stock in one basket (definition (b)): what §10 and §6 follow; never cash."""
    return sum((i.quantity for i in basket if i.item is ItemKind.SECURITY and i.issuer == successor), Fraction(0))


def successor_of(e: Reorganized) -> str:
    """The company whose common stock is Common Stock after `e`: as named, else the one security issuer of the
    basket, else none ("" : a basket of cash or property only, or several securities and none named)."""
    if e.successor_company:
        return e.successor_company
    issuers = {i.issuer for i in e.basket if i.item is ItemKind.SECURITY and i.issuer}
    return issuers.pop() if len(issuers) == 1 else ""
