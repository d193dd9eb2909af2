"""§3 Reorganization, consolidation, merger, transfer of assets: the option share becomes a basket.

After the transaction each option share delivers what one share of common stock received (§3.1), owed by
the successor (definition (a)); later §4 events of a security in the basket adjust its quantity (§3.3).
The FMV of one basket, for a cashless exercise or cash in lieu, is the sum of its parts
(`BasketValuation.SUM_OF_PARTS`): each security at its own §1.2 FMV, cash at face, property at the value
recorded with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from warrantbook.core.errors import Refusal
from warrantbook.core.events import BasketItem, ItemKind
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding, split_whole
from warrantbook.core.rules.fmv import Fmv


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


@dataclass(frozen=True, slots=True)
class Deliverable:
    item: BasketItem
    exact: Fraction  # quantity owed for the units issued
    whole: Fraction  # securities: whole units delivered; cash: rounded to the cent
    cash_in_lieu: Fraction | None  # for a security's fraction, when its FMV is known


def deliverables(units: Fraction, basket: tuple[BasketItem, ...], security_fmv: Callable[[str, Trace | None], Fmv],
                 trace: Trace | None = None) -> tuple[Deliverable, ...]:
    out = []
    for item in basket:
        amount = units * item.quantity
        if item.item is ItemKind.CASH:
            out.append(Deliverable(item, amount, Rounding.CASH_IN_LIEU.apply(amount), None))
            record(trace, "§3.1", "cash delivered", "units x cash per share", amount, units=units)
            continue
        parts = split_whole(amount)
        lieu = None
        if parts.fraction and item.item is ItemKind.SECURITY:
            try:
                lieu = parts.fraction * security_fmv(item.issuer, trace).value
            except Refusal:
                lieu = None
        out.append(Deliverable(item, amount, parts.whole, lieu))
        record(trace, "§3.1, §2.1", f"{item.issuer or item.description} delivered (whole units)", "floor(units x quantity)",
               parts.whole, units=units, quantity=item.quantity)
    return tuple(out)
