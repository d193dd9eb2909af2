"""§10 Maximum exercise: the cap on what one exercise may issue.

The allowance is what the holder (counted with its affiliates) may still acquire before it owns the cap
percentage of the outstanding shares. "Beneficially owned" leaves out the unexercised part of this option and
of the holder's other capped instruments: under Rule 13d-3's 60-day look-through they would count as owned,
and the cap would then bite forever and §10 would mean nothing (docs/interpretations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from warrantbook.core.arith import mul, sub
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding
from warrantbook.core.terms import Cap, CapMeasure


@dataclass(frozen=True, slots=True)
class CapStatus:
    in_force: bool
    reason: str
    void_from: date | None = None
    clause: str = "§10"


def cap_status(cap: Cap | None, on: date, *, waiver_received: date | None, default_since: date | None,
               default_cured: date | None, cure_restores: bool) -> CapStatus:
    """Whether the cap binds on `on`."""
    if cap is None:
        return CapStatus(False, "these terms have no cap")
    if cap.waiver_notice_days is not None and waiver_received is not None:
        void_from = waiver_received + timedelta(days=cap.waiver_notice_days)
        if on >= void_from:
            return CapStatus(False, f"void from {void_from.isoformat()}: {cap.waiver_notice_days} days after the waiver notice received {waiver_received.isoformat()}", void_from)
    if cap.void_on_default and default_since is not None and default_since <= on:
        cured = default_cured is not None and default_cured <= on and default_cured >= default_since
        if not cured:
            return CapStatus(False, f"void while the Event of Default noticed {default_since.isoformat()} continues", default_since)
        if not cure_restores:
            return CapStatus(False, f"void since the Event of Default noticed {default_since.isoformat()}; the cure did not restore it (reading: cure does not restore)", default_since)
    if cap.waiver_notice_days is not None and waiver_received is not None:
        void_from = waiver_received + timedelta(days=cap.waiver_notice_days)
        return CapStatus(True, f"in force; void from {void_from.isoformat()}, {cap.waiver_notice_days} days after the waiver notice received {waiver_received.isoformat()}", void_from)
    return CapStatus(True, "in force")


def allowance(percent: Fraction, outstanding: Fraction, owned: Fraction, measure: CapMeasure,
              trace: Trace | None = None, *, label: str = "cap") -> Fraction:
    """The most whole shares one exercise may issue under a percentage limit."""
    room = sub(mul(percent, outstanding), owned)  # c x O - H (core.arith: the operators' Fractions, without their dispatch)
    if measure is CapMeasure.AFTER_EXERCISE:
        exact_room = room / (1 - percent)
        formula = "(c x O - H) / (1 - c), measured after the exercise (reading: after)"
    else:
        exact_room = room
        formula = "c x O - H, measured on the shares outstanding before the exercise (reading: before)"
    result = Rounding.CAP_ALLOWANCE.apply(exact_room)
    if trace is not None:  # the derivation, when someone listens
        record(trace, "§10", f"{label} allowance (rounded down, never below zero)", formula, result, c=percent, O=outstanding, H=owned)
    return result
