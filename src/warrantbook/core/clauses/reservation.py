"""§6 Reservation of stock: the facts it is measured by (shares authorized, shares outstanding).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.core.state import (
    BookState,
    _company,
    _push,
)


def _check_positive_fact(state: BookState, e: ev.Event) -> None:
    shares: Fraction = getattr(e, "shares")  # noqa: B009 - facts with a share count
    if shares < 0 or shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares")


def _on_outstanding(state: BookState, e: ev.SharesOutstanding) -> None:
    _push(_company(state, e.company).outstanding, e.on, e.shares)


def _on_authorized(state: BookState, e: ev.AuthorizedShares) -> None:
    _push(_company(state, e.company).authorized, e.on, e.shares)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.SharesOutstanding: (_check_positive_fact,),
    ev.AuthorizedShares: (_check_positive_fact,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.SharesOutstanding: _on_outstanding,
    ev.AuthorizedShares: _on_authorized,
}
