"""§7 Assignment and exchange: pieces of the remaining shares, always summing exactly to the whole.

Exhibit B states each transferee's percentage of the remaining shares and its number. When both are given
they must agree: the number governs, and the percentage must equal number / remaining once rounded to the
decimals the percentage was written with. A piece given only as a percentage is rounded down to a whole share
(`Rounding.TRANSFER_PIECE`); whatever is left, fraction included, is the transferor's balance, so nothing is
created or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding, finite_decimal, fmt


@dataclass(frozen=True, slots=True)
class Piece:
    holder: str
    shares: Fraction


@dataclass(frozen=True, slots=True)
class Split:
    pieces: tuple[Piece, ...]
    balance: Fraction  # stays with the transferor on a new option (zero: none)


def _places(percent: Fraction) -> int:
    text = finite_decimal(percent * 100) or ""
    return len(text.partition(".")[2])


def percent_agrees(percent: Fraction, shares: Fraction, remaining: Fraction) -> bool:
    """Does a stated percentage (a fraction of one, e.g. 0.25) match a stated number of shares?"""
    places = _places(percent)
    actual = shares / remaining * 100
    scale = Fraction(10) ** places
    rounded = Fraction(int(actual * scale + Fraction(1, 2)), 1) / scale
    return rounded == percent * 100


def split_remaining(remaining: Fraction, pieces: list[tuple[str, Fraction | None, Fraction | None]],
                    trace: Trace | None = None) -> Split:
    """Pieces of (holder, percent, shares) against the remaining shares."""
    if not pieces:
        raise BadInput("pieces: a transfer names at least one transferee (Exhibit B)", field="pieces", clause="§7")
    out: list[Piece] = []
    for i, (holder, percent, shares) in enumerate(pieces):
        field = f"pieces[{i}]"
        if percent is None and shares is None:
            raise BadInput(f"{field}: give a percentage or a number of shares (Exhibit B)", field=field, clause="Exhibit B")
        if percent is not None and not (0 < percent <= 1):
            raise BadInput(f"{field}.percent: must be more than 0% and at most 100%", field=f"{field}.percent", clause="Exhibit B")
        if shares is not None:
            if shares <= 0 or (shares.denominator != 1 and shares != remaining):
                raise BadInput(f"{field}.shares: must be a whole number of shares more than zero", field=f"{field}.shares", clause="§7")
            if percent is not None and not percent_agrees(percent, shares, remaining):
                raise Refusal("Exhibit B", f"{field}: {fmt(percent * 100)}% of {fmt(remaining)} is not {fmt(shares)} shares "
                              f"({fmt(shares / remaining * 100)}%)", field=f"{field}.percent")
            number = shares
        else:
            assert percent is not None
            number = Rounding.TRANSFER_PIECE.apply(percent * remaining)
            record(trace, "§7, Exhibit B", f"piece for {holder} (rounded down to a whole share)", "floor(percent x remaining)",
                   number, percent=percent, remaining=remaining)
        out.append(Piece(holder, number))
    total = sum((p.shares for p in out), Fraction(0))
    if total > remaining:
        raise Refusal("§7", f"the pieces total {fmt(total)} shares, more than the {fmt(remaining)} remaining", field="pieces")
    balance = remaining - total
    record(trace, "§7", "transferor's balance on a new option of like tenor", "remaining - sum(pieces)", balance,
           remaining=remaining, pieces=total)
    return Split(tuple(out), balance)
