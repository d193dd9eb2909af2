"""§10 Maximum exercise: the holder's certified ownership, the waiver notice and an Event of Default.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
    OptionState,
    _push,
    _update,
)


def _check_holder_notice(state: BookState, e: ev.Event, what: str) -> OptionState:
    option = option_of(state, e)
    if option.terms.cap is None:
        raise Refusal("§10", f"option {option.option_no} has no cap", field="option")
    return option


def _check_positive_fact(state: BookState, e: ev.Event) -> None:
    shares: Fraction = getattr(e, "shares")  # noqa: B009 - facts with a share count
    if shares < 0 or shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares")


def _on_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    _push(state.owned.setdefault((state.holder_group(e.holder), e.company), []), e.on, e.shares)


def _check_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    option = _check_holder_notice(state, e, "a waiver notice")
    assert option.terms.cap is not None
    if option.terms.cap.waiver_notice_days is None:
        raise Refusal("§10", "these terms allow no waiver of the cap by notice", field="option")
    if option.waiver_received is not None:
        raise Refusal("§10", f"a waiver notice was already received on {option.waiver_received}", field="option")


def _on_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, waiver_received=o.waiver_received or e.on)


def _check_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    option = _check_holder_notice(state, e, "a notice of an Event of Default")
    assert option.terms.cap is not None
    if not option.terms.cap.void_on_default:
        raise Refusal("§10", "under these terms an Event of Default does not void the cap", field="option")
    if option.default_since is not None and option.default_cured is None:
        raise Refusal("§10", f"an Event of Default noticed {option.default_since} is already continuing", field="option")


def _on_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_since=e.on, default_cured=None)


def _check_cure(state: BookState, e: ev.DefaultCured) -> None:
    option = option_of(state, e)
    if option.default_since is None or option.default_cured is not None:
        raise BadInput("no continuing Event of Default to cure", field="option", clause="§10")


def _on_cure(state: BookState, e: ev.DefaultCured) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_cured=e.on)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.BeneficialOwnership: (_check_positive_fact,),
    ev.WaiverNoticeReceived: (_check_waiver,),
    ev.DefaultNoticeReceived: (_check_default,),
    ev.DefaultCured: (_check_cure,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.BeneficialOwnership: _on_ownership,
    ev.WaiverNoticeReceived: _on_waiver,
    ev.DefaultNoticeReceived: _on_default,
    ev.DefaultCured: _on_cure,
}
