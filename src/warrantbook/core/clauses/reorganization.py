"""§3 Reorganization, consolidation, merger, transfer of assets (§3.1), dissolution (§3.2), continuation (§3.3),
and the trustee (§1.4, §3.2).
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
    CertificateDue,
    _company,
    _company_options,
    _update,
)


def _check_reorganized(state: BookState, e: ev.Reorganized) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if not e.basket:
        raise BadInput("basket: what one share of common stock receives (§3.1)", field="basket", clause="§3.1")
    for i, item in enumerate(e.basket):
        if item.quantity <= 0:
            raise BadInput(f"basket[{i}].quantity: more than zero", field=f"basket[{i}].quantity", clause="§3.1")
    if not e.successor:
        raise BadInput("successor: who now owes the option (definition (a))", field="successor", clause="§3.1")


def _on_reorganized(state: BookState, e: ev.Reorganized) -> None:
    company = _company(state, e.company)
    company.reorganized = e
    state.reorganizations += 1
    for o in _company_options(state, e.company):
        if o.active and o.basket is None:
            recipients = {"holder"} | ({"agent"} if company.agent else set())
            _update(state, o, basket=e.basket, obligor=e.successor,
                                certificates_due=o.certificates_due + (CertificateDue(e.id, e.on, frozenset(recipients)),))


def _on_dissolved(state: BookState, e: ev.Dissolved) -> None:
    _company(state, e.company).dissolved = e.on
    for o in _company_options(state, e.company):
        if o.active:
            _update(state, o, dissolution_delivery_due=True)


def _check_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    check_active(option_of(state, e), e.on, "§3.2")
    if not e.bank_or_trust_company:
        raise Refusal("§3.2", f"{e.name} is not a bank or trust company", field="bank_or_trust_company")
    text = " ".join(e.principal_office.lines).lower()
    if not any(city in text for city in ("new york, ny", "new york, new york", "new york ny", "new york, n.y.")):
        raise Refusal("§3.2", f"{e.name}'s principal office ({e.principal_office}) is not in New York, New York", field="principal_office")


def _on_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    o = state.options[e.option_no]
    _update(state, o, trustee=e.name)


def _check_dissolution_delivery(state: BookState, e: ev.DissolutionDelivered) -> None:
    option = option_of(state, e)
    if not option.dissolution_delivery_due:
        raise Refusal("§3.2", f"nothing is owed on dissolution for option {option.option_no} (or it was already delivered)", field="option_no")
    if e.to_trustee and not option.trustee:
        raise Refusal("§3.2", "no trustee was designated by the holder; deliver to the holder", field="to_trustee")


def _on_dissolution_delivery(state: BookState, e: ev.DissolutionDelivered) -> None:
    _update(state, state.options[e.option_no], dissolution_delivery_due=False)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.Reorganized: (_check_reorganized,),
    ev.Dissolved: (),
    ev.TrusteeDesignated: (_check_trustee,),
    ev.DissolutionDelivered: (_check_dissolution_delivery,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.Reorganized: _on_reorganized,
    ev.Dissolved: _on_dissolved,
    ev.TrusteeDesignated: _on_trustee,
    ev.DissolutionDelivered: _on_dissolution_delivery,
}
