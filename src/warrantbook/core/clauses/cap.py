"""§10 Maximum exercise: the holder's certified ownership, the waiver notice and an Event of Default.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, exercised_after, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.state import (
    BookState,
    OptionState,
    _push,
    _update,
)
from warrantbook.core.terms import CureBy

# ---------------------------------------------------------------- §10: H, the holder's beneficial ownership


def _check_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    """A holder certifies its own holdings only (the authority table); a company or agent may report a figure it
    sees, which is kept beside the certificate and never replaces it (an open item when they differ)."""
    if e.shares < 0 or e.shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares", clause="§10")
    if e.holder not in state.holders:
        raise BadInput(f"holder: {e.holder!r} is not a registered holder", field="holder", clause="§10")


def _check_ownership_after_exercises(state: BookState, e: ev.BeneficialOwnership) -> None:
    """§10, §2.1: a holder's certificate of more shares than it held before its day, recorded after an exercise of a capped
    option of its cap group effected on or after that day, sorts before the exercise: the cap was measured on the old
    figure, and the fold adds the exercise's shares to the new one (10,000,000 certified, 40,000,000 exercised, then
    59,000,000 certified for that day: the fold held the group at 99,000,000, beyond 4.99%). Refused, naming the
    exercise; the same or a smaller figure, or one dated after the exercise, is taken."""
    if e.role != "holder":
        return
    history = state.owned.get((e.holder, e.company)) or []
    before = [v for d, v in history if d < e.on]
    if before and e.shares <= before[-1]:
        return
    group = state.holder_group(e.holder)
    options = [state.options[no] for no in state.by_company.get(e.company, ())
               if state.options[no].terms.cap is not None and state.holder_group(state.options[no].holder) == group]
    o = exercised_after(options, e)
    if o is not None:
        raise Refusal("§10", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised}, its "
                      f"cap measured on the holdings of then; {fmt(e.shares)} shares certified for {e.on} come before it (§2.1): "
                      "correct that exercise first, or date the certificate after it", field="on")


def _on_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    if e.role == "holder":
        history = state.owned.get((e.holder, e.company))
        if history is None:
            history = state.owned[(e.holder, e.company)] = []
            state.owners.setdefault(e.company, []).append(e.holder)
        _push(history, e.on, e.shares)
    else:
        state.ownership_reports.append(e)


def ownership_discrepancies(state: BookState, holder: str, company: str, day: date) -> list[tuple[ev.BeneficialOwnership, Fraction | None]]:
    """A company's or agent's latest report for `holder` that differs from the holder's own certificate on its day."""
    latest: ev.BeneficialOwnership | None = None
    for r in state.ownership_reports:
        if r.holder == holder and r.company == company and r.on <= day:
            latest = r
    if latest is None:
        return []
    certified = state.certified_on(holder, company, latest.on)
    return [] if certified == latest.shares else [(latest, certified)]


# ---------------------------------------------------------------- §10: the holder's notices


def _check_holder_notice(state: BookState, e: ev.Event) -> OptionState:
    option = option_of(state, e)
    check_active(option, e.on, "§10")  # a notice on an option no longer active belongs on the option that replaced it
    if option.terms.cap is None:
        raise Refusal("§10", f"option {option.option_no} has no cap", field="option")
    return option


def _check_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    option = _check_holder_notice(state, e)
    assert option.terms.cap is not None
    if option.terms.cap.waiver_notice_days is None:
        raise Refusal("§10", "these terms allow no waiver of the cap by notice", field="option")
    if option.waiver_received is not None:
        raise Refusal("§10", f"a waiver notice was already received on {option.waiver_received}", field="option")


def _on_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, waiver_received=o.waiver_received or e.on)


def _check_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    option = _check_holder_notice(state, e)
    assert option.terms.cap is not None
    if not option.terms.cap.void_on_default:
        raise Refusal("§10", "under these terms an Event of Default does not void the cap", field="option")
    if option.default_since is not None and option.default_cured is None:
        raise Refusal("§10", f"an Event of Default noticed {option.default_since} is already continuing", field="option")


def _on_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_since=e.on, default_cured=None)


# ---------------------------------------------------------------- §10: the end of an Event of Default


def _check_cure(state: BookState, e: ev.DefaultCured) -> None:
    """A cure brings the cap back against the holder, so it binds the holder only with the holder's word: the holder
    records it, or the company with the holder's signature; under `CureBy.BOTH` both must sign (interpretations.md)."""
    option = option_of(state, e)
    check_active(option, e.on, "§10")
    if option.default_since is None or option.default_cured is not None:
        raise BadInput("no continuing Event of Default to cure", field="option", clause="§10")
    holder, company = f"holder:{option.holder}", f"company:{option.company}"
    signers = {e.actor, *e.signed_by}
    if holder not in signers:
        raise Refusal("§10", f"a cure ends the holder's release from the cap, so it needs the holder's signature ({holder}); "
                      f"signed by {', '.join(sorted(signers))}", field="signed_by")
    if option.terms.readings.cure_by is CureBy.BOTH and company not in signers:
        raise Refusal("§10", f"under the reading cure_by=both a cure is signed by the holder and the company ({company})", field="signed_by")


def _on_cure(state: BookState, e: ev.DefaultCured) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_cured=e.on)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.BeneficialOwnership: (_check_ownership, _check_ownership_after_exercises),
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
