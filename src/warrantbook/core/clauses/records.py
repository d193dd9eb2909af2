"""The record itself: corrections, documents issued and cap-table facts the agreement does not give.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.clauses.cap import check_correction_under_exercises
from warrantbook.core.engine import exercised_after
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
)


def bound_by(state: BookState, original: ev.Event) -> tuple[set[str], str]:
    """Who must sign a correction of `original`, and the clause that says so.

    An act binds the party that gave it, so that party signs its correction. An exercise notice is irrevocable
    (Exhibit A): withdrawing it by a correction needs the company it was given to as well. An exercise effected
    (§2.1) binds both sides: both sign. A writing signed by several
    (an amendment, an agreed value) is corrected by all who signed it. The receipt of a surrender or payment records
    the holder's performance, so it is corrected only with the holder's signature too."""
    giver = {original.actor}
    option = state.options.get(getattr(original, "option_no", ""))
    holder = f"holder:{option.holder}" if option else ""
    company = f"company:{option.company}" if option else ""
    if isinstance(original, ev.ExerciseNoticeReceived):
        return giver | {company}, "Exhibit A"
    if isinstance(original, ev.ExerciseEffected):
        return {holder, company}, "§2.1"
    if isinstance(original, (ev.OptionSurrendered, ev.PaymentReceived)):
        return giver | {holder}, "§2.1"  # a receipt records the holder's own performance, which it must not lose alone
    if isinstance(original, ev.OptionIssued):
        # erasing the option takes the holder's whole right: a termination, which §14 enforces only against a signer
        return giver | {f"holder:{original.holder}"}, "§14"
    if isinstance(original, ev.TransferRegistered):
        # the new options of like tenor are the transferees' (and the transferor's balance): erasing the registration
        # takes them away, so every holder of one signs (§7, §12)
        # (read from the request: on replay a corrected registration never took effect, so its options are not in state)
        request = state.by_id.get(original.request)
        owners = {f"holder:{p.holder}" for p in request.pieces} if isinstance(request, ev.TransferRequested) else set()
        return giver | {holder} | owners, "§7, §12"
    if isinstance(original, ev.TransferRequested) and any(
            isinstance(x, ev.TransferRegistered) and x.request == original.id for x in state.by_id.values()):
        # once registered, withdrawing the endorsement would take the transferees' options with it (§7, §12)
        return giver | {f"holder:{p.holder}" for p in original.pieces}, "§7, §12"
    if isinstance(original, ev.ReplacementIssued):
        new = state.options.get(original.new_option)
        return giver | {f"holder:{new.holder}" if new else holder}, "§8"
    if isinstance(original, ev.HolderRegistered) and original.consented_by:
        # the joining was the group's agreement too (Rule 13d-5): erasing it takes the holder's holdings out of the
        # group's H, so the members that consented sign as well, never the joiner alone (§10)
        return giver | set(original.consented_by), "§10"
    if isinstance(original, (ev.Quote, ev.Listed, ev.FmvAgreed, ev.FmvAwarded, ev.LiquidationAmount, ev.StockEvent)):
        # a §1.2 fact that priced an exercise already effected, or a §4 event that adjusted it: correcting it would change
        # the shares and cash of an exercise that binds both sides (§2.1), perhaps delivered, so the holder and company of
        # each such exercise sign
        issuer = original.issuer if isinstance(original, ev.StockEvent) else original.company
        priced = [x for x in state.by_id.values() if isinstance(x, ev.ExerciseEffected) and x.company == issuer and x.on >= original.on
                  and (x.fair_market_value is not None or isinstance(original, ev.StockEvent))]
        if priced:
            extra: set[str] = set()
            if isinstance(original, ev.FmvAgreed):
                extra = set(original.agreed_by)
            clause = "§2.1, §4" if isinstance(original, ev.StockEvent) else "§2.1, §1.2"
            return giver | extra | {f"holder:{x.holder}" for x in priced} | {f"company:{x.company}" for x in priced}, clause
    if isinstance(original, ev.Amended):
        return giver | set(original.signed_by), "§14"
    if isinstance(original, ev.FmvAgreed):
        return giver | set(original.agreed_by), "§1.2(c)"
    return giver, "record"


def _check_not_under_acts(state: BookState, original: ev.Event) -> None:
    """§1.1, §7, §8: the event that made an option (its issue, a §7 registration, a §8 replacement) is not corrected
    while acts on that option stand: they would be on an instrument that never existed, and no fold could apply them.
    Correct those acts first. (A rare path: it reads the record.)"""
    if isinstance(original, ev.OptionIssued):
        made = {original.option_no}
    elif isinstance(original, ev.TransferRegistered):
        made = set(original.new_options)
    elif isinstance(original, ev.ReplacementIssued):
        made = {original.new_option}
    else:
        return
    for x in state.by_id.values():
        if x is not original and getattr(x, "option_no", None) in made and x.id not in state.corrections and not isinstance(x, ev.Correction):
            raise Refusal("§1.1", f"{original.kind} {original.id} made option {getattr(x, 'option_no', '')}, on which {x.kind} {x.id} is recorded: "
                          "correct that first", field="corrects")


def _check_correction(state: BookState, e: ev.Correction) -> None:
    original = state.by_id.get(e.corrects)
    if original is None:
        error = BadInput(f"corrects: no event {e.corrects!r}", field="corrects")
        error.fatal = True
        raise error
    prior = state.corrections.get(e.corrects)
    if prior is not None and prior.id != e.id:
        raise BadInput(f"corrects: {e.corrects!r} was already corrected by {prior.id}", field="corrects")
    if isinstance(original, ev.Correction):
        raise BadInput("corrects: a correction is not corrected; record the right event instead", field="corrects")
    if not e.reason.strip():
        raise BadInput("reason: say why the event is wrong", field="reason")
    required, clause = bound_by(state, original)
    missing = sorted(required - {e.actor, *e.signed_by})
    if missing:
        raise Refusal(clause, f"{original.kind} {original.id} bound {', '.join(sorted(required))}; its correction is not signed by "
                      f"{', '.join(missing)}", field="signed_by")
    _check_not_under_acts(state, original)
    if isinstance(original, ev.StockEvent | ev.Reorganized):  # signed by all it bound, the figures must still hold together
        _check_not_under_exercises(state, original)
    if isinstance(original, ev.WaiverNoticeReceived | ev.DefaultNoticeReceived | ev.DefaultCured):
        check_correction_under_exercises(state, original)  # §10: the cap of the exercises decided with it must not change


def _check_not_under_exercises(state: BookState, original: ev.StockEvent | ev.Reorganized) -> None:
    """§4, §3.1, §2.1: an exercise effected after a §4 event or §3 transaction has its figures on the basis after it; the
    event corrected away, the fold would apply them to the basis before (a 150,000,000-share exercise after a 2-for-1
    dividend of the 100,000,000 left -50,000,000). Refused while such an exercise stands: correct the exercise first."""
    company = original.issuer if isinstance(original, ev.StockEvent) else original.company
    o = exercised_after((state.options[no] for no in state.by_company.get(company, ())), original)
    if o is not None:
        raise Refusal("§4, §3.1", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised} on "
                      f"the share basis after {original.kind} {original.id}; correct that exercise ({o.option_no}'s exercise event) first",
                      field="corrects")


def _on_document(state: BookState, e: ev.DocumentIssued) -> None:
    state.documents.append(e)


# ---------------------------------------------------------------- the quarter close's inputs (accounting/, docs/close.md)




def check_valuation_input(state: BookState, e: ev.ValuationInput) -> None:
    """The checks of a `valuation-input` (core.decide runs them): the issuer's own record, bounded figures."""
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not a registered company", field="company")
    if not e.source.strip():
        raise BadInput("source: say where the inputs come from (a rate table, a volatility study, a memo)", field="source")
    if (e.volatility is None) == (e.volatility_window is None):
        raise BadInput("volatility: give a volatility or a window of recorded prices to compute it from, not both", field="volatility")
    if e.volatility is not None and not 0 < e.volatility <= 10:
        raise BadInput("volatility: an annual volatility above 0 and at most 1000%", field="volatility")
    if e.volatility_window is not None and not 2 <= e.volatility_window <= 2520:
        raise BadInput("volatility_window: between 2 and 2520 trading days", field="volatility_window")
    if e.volatility_method not in ev.VOLATILITY_METHODS:
        raise BadInput(f"volatility_method: one of {', '.join(ev.VOLATILITY_METHODS)}", field="volatility_method")
    if not -Fraction(1, 10) <= e.rate <= Fraction(1, 2):
        raise BadInput("rate: a risk-free rate between -10% and 50%", field="rate")
    if not 0 <= e.dividend_yield <= Fraction(1, 2):
        raise BadInput("dividend_yield: between 0% and 50%", field="dividend_yield")
    if e.term_years is not None and not 0 < e.term_years <= 50:
        raise BadInput("term_years: more than 0 and at most 50 years", field="term_years")
    if e.share_price is not None and e.share_price <= 0:
        raise BadInput("share_price: more than zero", field="share_price")


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.ValuationInput: (check_valuation_input,),  # the quarter close's inputs (accounting/): a record, no effect on state
    ev.Correction: (_check_correction,),
    ev.DocumentIssued: (),
    ev.CapTableFact: (),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.DocumentIssued: _on_document,
}
