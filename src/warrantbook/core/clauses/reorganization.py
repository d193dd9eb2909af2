"""§3 Reorganization, consolidation, merger, transfer of assets (§3.1), dissolution (§3.2), continuation (§3.3),
and the trustee (§1.4, §3.2).

§3.1  After the transaction each option share delivers the basket one share of common stock received, owed by
      the successor (definition (a)); the successor's common stock is Common Stock (definition (b)), so §10 and
      §6 follow it (`OptionState.successor_company`), never cash.
§3.2  A dissolution follows a transfer of all or substantially all assets (a Reorganized of kind asset-transfer
      before it). The option ends as an instrument for common stock and the holder is owed what it would have
      received on exercising every remaining option share just before (`DissolutionDue`), the price settled by
      `Readings.dissolution_price`; a DissolutionDelivered event closes it, once.
§3.3  An option that does not continue after the transaction (`Reorganized.continues` false) ends the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, check_exists, exercised_after, fmv_source, option_of, security_fmv_source
from warrantbook.core.errors import BadInput, Refusal, WarrantbookError
from warrantbook.core.numbers import Rounding, fmt
from warrantbook.core.rules.reorganization import basket_delivery, successor_of
from warrantbook.core.state import (
    BookState,
    CertificateDue,
    DissolutionDue,
    OptionState,
    Status,
    _company,
    _company_options,
    _push,
    _update,
)
from warrantbook.core.terms import DissolutionPrice

# ---------------------------------------------------------------- §3.1 the transaction


def _check_reorganized(state: BookState, e: ev.Reorganized) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if not e.basket:
        raise BadInput("basket: what one share of common stock receives (§3.1)", field="basket", clause="§3.1")
    for i, item in enumerate(e.basket):
        if item.quantity <= 0:
            raise BadInput(f"basket[{i}].quantity: more than zero", field=f"basket[{i}].quantity", clause="§3.1")
        if item.item is ev.ItemKind.SECURITY and not item.issuer:
            raise BadInput(f"basket[{i}].issuer: a security names its issuer", field=f"basket[{i}].issuer", clause="§3.1")
    if not e.successor:
        raise BadInput("successor: who now owes the option (definition (a))", field="successor", clause="§3.1")
    issuers = sorted({i.issuer for i in e.basket if i.item is ev.ItemKind.SECURITY})
    if e.successor_company:
        if e.successor_company not in state.companies:
            raise BadInput(f"successor_company: {e.successor_company!r} is not registered", field="successor_company", clause="§3.1")
        if e.successor_company not in issuers:
            raise BadInput(f"successor_company: the basket holds no security of {e.successor_company!r} (issuers: "
                           f"{', '.join(issuers) or 'none'})", field="successor_company", clause="§3.1, definition (b)")
    elif len(issuers) > 1:
        raise BadInput(f"successor_company: the basket holds securities of {', '.join(issuers)}: name the one whose common stock "
                       "is Common Stock after the transaction (definition (b)); §10 and §6 follow it", field="successor_company",
                       clause="§3.1, definition (b)")
    company = state.companies[e.company]
    if company.dissolved is not None:
        raise Refusal("§3.2", f"{e.company} was dissolved on {company.dissolved}", field="company")
    o = exercised_after((state.options[no] for no in state.by_company.get(e.company, ())), e)
    if o is not None:  # its figures are in the company's common stock; the fold would apply them to the basket (§3.1)
        raise Refusal("§3.1", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised} in "
                      f"{e.company}'s common stock; a transaction consummated {e.on} comes before it (§2.1): correct that "
                      "exercise (its exercise event) first, or date the transaction after it", field="on")


def _on_reorganized(state: BookState, e: ev.Reorganized) -> None:
    company = _company(state, e.company)
    company.reorganized = e
    if e.transaction is ev.ReorganizationKind.ASSET_TRANSFER:
        company.asset_transfer = e
    state.reorganizations += 1
    successor = successor_of(e)
    for o in _company_options(state, e.company):
        if o.active and o.basket is None:
            recipients = {"holder"} | ({"agent"} if company.agent else set())
            _update(state, o, basket=e.basket, obligor=e.successor, successor_company=successor,
                    certificates_due=o.certificates_due + (CertificateDue(e.id, e.on, frozenset(recipients)),))
            if not e.continues:
                _end(state, state.options[o.option_no], e.id, e.on)  # §3.3: the option does not continue


def basket_exercised(state: BookState, o: OptionState, e: ev.ExerciseEffected) -> None:
    """An effected exercise of a basket option: the successor's whole common shares delivered join its running
    count of shares outstanding and the holder group's holdings, so a later exercise's §10 limit sees them."""
    successor = o.successor_company
    if not successor:
        return
    delivered = sum((d.whole for d in e.basket if d.item.item is ev.ItemKind.SECURITY and d.item.issuer == successor), Fraction(0))
    if not delivered:
        return
    company = _company(state, successor)
    current = company.current_outstanding
    if current is not None:
        _push(company.outstanding, e.on, current + delivered)
    history = state.owned.get((o.holder, successor))  # the exercising holder's own holdings (§10 sums its group)
    if history:
        _push(history, e.on, history[-1][1] + delivered)


# ---------------------------------------------------------------- §3.2, §3.3: the option ends; what is owed


def quantify(state: BookState, o: OptionState, on: date) -> tuple[Fraction, tuple[ev.BasketDelivery, ...], Fraction, Fraction, Fraction]:
    """What the holder of `o` would have received on exercising every remaining option share on `on`, just before
    the option ended: (baskets, items, aggregate price, price taken from the cash component, price the holder pays).
    Raises a Refusal when a figure it needs (a §1.2 FMV) is unknown."""
    assert o.basket is not None
    reading = o.terms.readings.dissolution_price
    price = sum((t.shares * t.exercise_price for t in o.tranches), Fraction(0))
    if reading is DissolutionPrice.CASHLESS:
        A = fmv_source(state, o, on)(None).value
        baskets = sum((t.shares * (A - t.exercise_price) / A for t in o.tranches if A > t.exercise_price), Fraction(0))
    else:
        baskets = o.remaining
    items = basket_delivery(baskets, o.basket, security_fmv_source(state, o, on), o.terms.readings.basket_cash)
    from_cash = Fraction(0)
    if reading is DissolutionPrice.CASHLESS:
        due = Fraction(0)
    elif reading is DissolutionPrice.FROM_CASH:
        cash = sum((i.exact for i in items if i.item.item is ev.ItemKind.CASH), Fraction(0))
        from_cash = min(cash, price)
        due = Rounding.AMOUNT_OWED.apply(price - from_cash)
    else:
        due = Rounding.AMOUNT_OWED.apply(price)
    return baskets, items, price, from_cash, due


def _end(state: BookState, o: OptionState, event: str, on: date) -> None:
    """The option ends as an instrument for common stock; the §3.2 delivery is owed (quantified here, or the reason not)."""
    reading = o.terms.readings.dissolution_price.value
    try:
        baskets, items, price, from_cash, due = quantify(state, o, on)
        owed = DissolutionDue(event, on, o.remaining, baskets, items, price, from_cash, due, reading)
    except WarrantbookError as exc:
        owed = DissolutionDue(event, on, o.remaining, Fraction(0), (), Fraction(0), Fraction(0), Fraction(0), reading,
                              problem=exc.message)
    _update(state, o, status=Status.DISSOLVED, status_since=on, dissolution=owed, dissolution_delivery_due=True)


def _check_dissolved(state: BookState, e: ev.Dissolved) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    company = state.companies[e.company]
    if company.dissolved is not None:
        raise Refusal("§3.2", f"{e.company} was already dissolved on {company.dissolved}", field="company")
    transfer = company.asset_transfer
    if transfer is None or transfer.on > e.on:
        raise Refusal("§3.2", f"a §3.2 dissolution follows the transfer of all or substantially all of {e.company}'s assets: "
                      "record that transfer first (a reorganization of kind asset-transfer, §3.1(c))", field="company")


def _on_dissolved(state: BookState, e: ev.Dissolved) -> None:
    _company(state, e.company).dissolved = e.on
    for o in _company_options(state, e.company):
        if o.active and o.basket is not None:
            _end(state, o, e.id, e.on)


def _check_dissolution_delivered(state: BookState, e: ev.DissolutionDelivered) -> None:
    option = option_of(state, e)
    owed = option.dissolution
    if owed is None:
        raise Refusal("§3.2", f"option {option.option_no} has not ended under §3.2 or §3.3: nothing is to be delivered", field="option_no")
    if owed.delivered:
        raise Refusal("§3.2", f"the §3.2 delivery of option {option.option_no} was already made ({owed.delivered}); it is made once",
                      field="option_no")
    if e.on < owed.on:
        raise Refusal("§3.2", f"the delivery cannot precede the event that ended the option ({owed.event}, {owed.on})", field="on")
    if owed.problem:
        raise Refusal("§3.2", f"the delivery cannot be quantified yet: {owed.problem}", field="option_no")
    if e.to_trustee and not option.trustee:
        raise Refusal("§3.2", "no trustee has been designated by the holder: deliver to the holder", field="to_trustee")
    if option.trustee and not e.to_trustee:
        raise Refusal("§3.2", f"the holder instructed delivery to its trustee {option.trustee}", field="to_trustee")
    if e.price_received < owed.price_due:
        raise Refusal("§3.2, §2.2(a)", f"the holder pays the aggregate exercise price ${fmt(owed.price_due)} (reading "
                      f"{owed.reading}) before the delivery; ${fmt(e.price_received)} received", field="price_received")


def _on_dissolution_delivered(state: BookState, e: ev.DissolutionDelivered) -> None:
    o = state.options[e.option_no]
    if o.dissolution is None:
        return
    _update(state, o, dissolution=replace(o.dissolution, delivered=e.id), dissolution_delivery_due=False)


# ---------------------------------------------------------------- §3.2, §1.4 the trustee


def _check_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    option = option_of(state, e)
    owed = option.dissolution
    if owed is not None and not owed.delivered:
        check_exists(option, e.on)  # the holder may still instruct delivery to a trustee while the §3.2 delivery is open
    else:
        check_active(option, e.on, "§3.2")
    if not e.bank_or_trust_company:
        raise Refusal("§3.2", f"{e.name} is not a bank or trust company", field="bank_or_trust_company")
    text = " ".join(e.principal_office.lines).lower()
    if not any(city in text for city in ("new york, ny", "new york, new york", "new york ny", "new york, n.y.")):
        raise Refusal("§3.2", f"{e.name}'s principal office ({e.principal_office}) is not in New York, New York", field="principal_office")


def _on_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    o = state.options[e.option_no]
    _update(state, o, trustee=e.name)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.Reorganized: (_check_reorganized,),
    ev.Dissolved: (_check_dissolved,),
    ev.DissolutionDelivered: (_check_dissolution_delivered,),
    ev.TrusteeDesignated: (_check_trustee,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.Reorganized: _on_reorganized,
    ev.Dissolved: _on_dissolved,
    ev.DissolutionDelivered: _on_dissolution_delivered,
    ev.TrusteeDesignated: _on_trustee,
}
