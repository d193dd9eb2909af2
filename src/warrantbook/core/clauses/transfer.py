"""§7 Assignment and exchange, §8 replacement, §12 transfer on the company's books.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, exercised_after, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.state import (
    BookState,
    OptionState,
    Status,
    _put,
    _update,
)
from warrantbook.core.terms import Tranche


def _child(parent: OptionState, number: str, holder: str, tranches: tuple[Tranche, ...], origin: str, on: date) -> OptionState:
    terms = replace(parent.terms, option_no=number, option_no_on_instrument=False)
    return replace(parent, option_no=number, holder=holder, terms=terms, terms_history=((on, terms),), tranches=tranches, exists_from=on,
                   status=Status.ACTIVE, status_since=on, parent=parent.option_no, origin=origin, children=(),
                   original_at="holder", pending=(), deliveries_due=(), pending_transfer=None, pending_replacement=None,
                   certificates_due=(), acknowledgments_due=(), claims=(), last_exercised=None,
                   # §3.2: the trustee is the one "specified by the Holder ... as trustee for the Holder"; a transferee's
                   # piece does not carry the transferor's bank (it would receive the transferee's payments and delivery)
                   trustee=parent.trustee if holder == parent.holder else "")


def _scale(tranches: tuple[Tranche, ...], share: Fraction, whole: Fraction) -> tuple[Tranche, ...]:
    """A piece of `share` shares out of `whole`, taken from every tranche pro rata (exact)."""
    return tuple(Tranche(t.shares * share / whole, t.exercise_price) for t in tranches)


def _after_exercises(option: OptionState, e: ev.Event, clause: str) -> None:
    """An exercise is effected at the close of business (§2.1), after everything else done that day: a transfer or a
    replacement dated that day (or before a later-dated exercise) would take the shares that exercise already took."""
    if exercised_after((option,), e) is not None:
        raise Refusal(clause, f"an exercise of option {option.option_no} is effected at the close of business on {option.last_exercised} "
                      f"(§2.1): the option is surrendered for this after that day, not on {e.on}", field="on")


def _check_transfer_request(state: BookState, e: ev.TransferRequested) -> None:
    option = option_of(state, e)
    check_active(option, e.on, "§7")
    _after_exercises(option, e, "§7")
    if option.pending:
        raise Refusal("§7", f"exercise notice {option.pending[0].notice.id} is still open on option {option.option_no}: "
                      "complete it before the option is surrendered for transfer", field="option")
    if option.pending_transfer is not None:
        raise Refusal("§7", f"transfer {option.pending_transfer.id} is already pending on option {option.option_no}", field="option")
    for i, p in enumerate(e.pieces):
        if p.holder not in state.holders:
            raise BadInput(f"pieces[{i}].holder: {p.holder!r} is not registered; record a 'holder' with name and address",
                           field=f"pieces[{i}].holder")
    split_remaining(option.remaining, [(p.holder, p.percent, p.shares) for p in e.pieces])


def _on_transfer_request(state: BookState, e: ev.TransferRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, pending_transfer=e, original_at="company" if e.original_surrendered else o.original_at)


def _check_transfer_registered(state: BookState, e: ev.TransferRegistered) -> None:
    option = option_of(state, e)
    check_active(option, e.on, "§7")
    _after_exercises(option, e, "§7")
    request = option.pending_transfer
    if request is None or request.id != e.request:
        raise BadInput(f"request: {e.request!r} is not the pending transfer of option {option.option_no}", field="request", clause="§7")
    missing = [what for what, ok in (("the transferor's endorsement (Exhibit B)", request.endorsement_signed),
                                     ("the surrender of the original", request.original_surrendered),
                                     ("the legal opinion", request.opinion_received),
                                     ("payment of transfer taxes by the transferor", request.transfer_taxes_paid)) if not ok]
    if missing:
        raise Refusal("§7", "a transfer is registered only with " + "; ".join(missing), field="request")
    split = split_remaining(option.remaining, [(p.holder, p.percent, p.shares) for p in request.pieces])
    needed = len(split.pieces) + (1 if split.balance else 0)
    if len(e.new_options) != needed:
        raise BadInput(f"new_options: {needed} numbers needed (one per transferee" + (", one for the transferor's balance" if split.balance else "")
                       + f"), got {len(e.new_options)}", field="new_options", clause="§7")
    clash = [n for n in e.new_options if n in state.options] or ([n for n in e.new_options if e.new_options.count(n) > 1])
    if clash:
        raise BadInput(f"new_options: {clash[0]!r} is already used", field="new_options")


def _on_transfer_registered(state: BookState, e: ev.TransferRegistered) -> None:
    o = state.options[e.option_no]
    # the request the registration names: the one pending on the option (the index by id holds, in a walk company by
    # company, every event of the ledger, later ones too); a corrected request is found by its id as recorded
    pending = o.pending_transfer
    request = pending if pending is not None and pending.id == e.request else state.by_id[e.request]
    assert isinstance(request, ev.TransferRequested)
    split = split_remaining(o.remaining, [(p.holder, p.percent, p.shares) for p in request.pieces])
    children = []
    whole = o.remaining
    allotted = [Tranche(Fraction(0), t.exercise_price) for t in o.tranches]
    for piece, number in zip(split.pieces, e.new_options):
        tranches = _scale(o.tranches, piece.shares, whole)
        allotted = [Tranche(a.shares + t.shares, a.exercise_price) for a, t in zip(allotted, tranches)]
        children.append(_child(o, number, piece.holder, tranches, "transfer", e.on))
    if split.balance:
        # the transferor's balance gets exactly what is left of each tranche, so the sum is the whole
        tranches = tuple(Tranche(t.shares - a.shares, t.exercise_price) for t, a in zip(o.tranches, allotted))
        children.append(_child(o, e.new_options[len(split.pieces)], o.holder, tranches, "transfer", e.on))
    for child in children:
        _put(state, child)
    _update(state, o, status=Status.SUPERSEDED, status_since=e.on, pending_transfer=None, original_at="company",
                        children=o.children + tuple(c.option_no for c in children))


def _check_replacement_request(state: BookState, e: ev.ReplacementRequested) -> None:
    option = option_of(state, e)
    check_active(option, e.on, "§8")
    _after_exercises(option, e, "§8")
    if option.pending:
        raise Refusal("§8", f"exercise notice {option.pending[0].notice.id} is still open on option {option.option_no}", field="option")
    if not e.evidence.strip():
        raise Refusal("§8", "a replacement needs evidence of the loss, theft, destruction or mutilation", field="evidence")
    if e.cause is ev.ReplacementCause.MUTILATED:
        if not e.original_surrendered:
            raise Refusal("§8", "a mutilated option is replaced only on its surrender", field="original_surrendered")
    elif e.indemnity is None or e.indemnity <= 0:
        raise Refusal("§8", f"a {e.cause.value} option is replaced only against an indemnity agreement or security; give its amount",
                      field="indemnity")


def _on_replacement_request(state: BookState, e: ev.ReplacementRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, pending_replacement=e, original_at="company" if e.original_surrendered else o.original_at)


def _check_replacement(state: BookState, e: ev.ReplacementIssued) -> None:
    option = option_of(state, e)
    _after_exercises(option, e, "§8")
    request = option.pending_replacement
    if request is None or request.id != e.request:
        raise BadInput(f"request: {e.request!r} is not the pending replacement of option {option.option_no}", field="request", clause="§8")
    if e.new_option in state.options:
        raise BadInput(f"new_option: {e.new_option!r} is already used", field="new_option")


def _on_replacement(state: BookState, e: ev.ReplacementIssued) -> None:
    o = state.options[e.option_no]
    child = _child(o, e.new_option, o.holder, o.tranches, "replacement", e.on)
    child = replace(child, basket=o.basket, waiver_received=o.waiver_received, default_since=o.default_since,
                    default_cured=o.default_cured, trustee=o.trustee)
    _put(state, child)
    _update(state, o, status=Status.REPLACED, status_since=e.on, pending_replacement=None,
                        children=o.children + (e.new_option,))


def _check_void_presented(state: BookState, e: ev.VoidInstrumentPresented) -> None:
    option = state.option(e.option_no)
    if option.status not in (Status.REPLACED, Status.SUPERSEDED):
        raise BadInput(f"option {option.option_no} is {option.status.value}, not void: nothing to claim", field="option_no")


def _on_void_presented(state: BookState, e: ev.VoidInstrumentPresented) -> None:
    o = state.options[e.option_no]
    _update(state, o, claims=o.claims + (e.id,))


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.TransferRequested: (_check_transfer_request,),
    ev.TransferRegistered: (_check_transfer_registered,),
    ev.ReplacementRequested: (_check_replacement_request,),
    ev.ReplacementIssued: (_check_replacement,),
    ev.VoidInstrumentPresented: (_check_void_presented,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.TransferRequested: _on_transfer_request,
    ev.TransferRegistered: _on_transfer_registered,
    ev.ReplacementRequested: _on_replacement_request,
    ev.ReplacementIssued: _on_replacement,
    ev.VoidInstrumentPresented: _on_void_presented,
}
