"""§6 Reservation of stock: the facts it is measured by (shares authorized, shares outstanding).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import exercised_after, exercised_later, exercises_from
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.state import (
    BookState,
    CompanyState,
    OptionState,
    _company,
    _push,
    _update,
)


def _check_positive_fact(state: BookState, e: ev.Event) -> None:
    shares: Fraction = getattr(e, "shares")  # noqa: B009 - facts with a share count
    if shares < 0 or shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares")


def _check_authorized_after_exercises(state: BookState, e: ev.AuthorizedShares) -> None:
    """§6, §2.1: an exercise effected at a close splits its whole shares into issued and held (beyond the authorized)
    on the authorized count of its day. A lower count recorded afterwards but sorting before it would have the fold
    split them again (a delivery of the 1,000,000 shares already made left 500,000 owed and held): refused, naming the
    exercise. The same or a higher count (which holds back nothing the exercise issued), or one dated after the
    exercise, is taken."""
    company = state.companies.get(e.company)
    before = company.authorized_on(e.on) if company is not None else None
    if company is None or before is None or e.shares >= before:  # more room holds back nothing the exercise issued
        return
    o = exercised_after((state.options[no] for no in state.by_company.get(e.company, ())), e)
    if o is not None:
        raise Refusal("§6", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised} on the "
                      f"authorized shares of then ({fmt(before)} on {e.on}); "
                      f"{fmt(e.shares)} authorized dated {e.on} comes before it (§2.1): correct that exercise first, "
                      "or date the count after it", field="on")


def _check_outstanding_after_exercises(state: BookState, e: ev.SharesOutstanding) -> None:
    """§6, §2.1: the same for a count of shares outstanding recorded after an exercise effected and sorting before it:
    if the count with the whole shares of the company's exercises from its day on passes the authorized shares of an
    exercise's day, the fold would hold back shares that exercise issued (a delivery of 1,000,000 already made left
    500,000 owed and held). Refused, naming the exercise; a count that leaves room for them is taken."""
    company = state.companies.get(e.company)
    options = [state.options[no] for no in state.by_company.get(e.company, ())]
    if company is None or exercised_after(options, e) is None:
        return
    passed = _first_beyond_authorized(state, company, options, e.shares, e.on, same_day=True)
    if passed is not None:
        raise _beyond_authorized(*passed, f"{fmt(e.shares)} outstanding dated {e.on}", "the count after it")


def _beyond_authorized(x: ev.ExerciseEffected, authorized: Fraction, what: str, redate: str) -> Refusal:
    return Refusal("§6", f"the exercise {x.id} of option {x.option_no} was effected at the close of business on {x.on} with its "
                   f"shares within the authorized; {what} comes before it (§2.1) and would put them beyond the {fmt(authorized)} "
                   f"authorized: correct that exercise first, or date {redate}", field="on")


def _first_beyond_authorized(state: BookState, company: CompanyState, options: list[OptionState], total: Fraction, day: date,
                             same_day: bool) -> tuple[ev.ExerciseEffected, Fraction] | None:
    """The first of the company's own exercises from `day` on (`same_day`: those of `day`'s close too) that, with
    `total` shares outstanding before them and each one's whole shares added, would pass its day's authorized shares;
    with that count. Reads the company's exercises from `day`, not the whole record."""
    for x in exercises_from(state, options, day):
        if x.company != company.company.id or x.basket or (x.on <= day and not same_day):
            continue  # another issuer's stock (§3), or the same day's close recorded before: counted already
        total += x.whole_shares
        authorized = company.authorized_on(x.on)
        if authorized is not None and total > authorized:
            return x, authorized
    return None


def check_exercise_before_exercises(state: BookState, company_id: str, effected: ev.ExerciseEffected) -> None:
    """§6, §2.1: an exercise effected at the close of a day before exercises of the company already effected adds its
    whole shares to the shares outstanding they were measured on, as a count dated that day would: if with them an
    exercise day's authorized shares are passed, the fold holds back shares that exercise issued (1,000,000 delivered
    on 2006-06-01 with 1,500,000 authorized to spare; an exercise of 1,000,000 dated 2006-05-01 recorded afterwards left
    500,000 of the delivered shares held and owed). Refused, naming the exercise; with room for both, or dated on or
    after its day, it is taken."""
    company = state.companies.get(company_id)
    if company is None or effected.basket or not company.authorized or not exercised_later(state, company_id, effected):
        return  # (the last: no exercise of the company's options was effected at a later close, nothing to read)
    options = [state.options[no] for no in state.by_company.get(company_id, ())]
    current = company.outstanding_on(effected.on)
    if current is None or exercised_after(options, effected) is None:
        return
    passed = _first_beyond_authorized(state, company, options, current + effected.whole_shares, effected.on, same_day=False)
    if passed is not None:
        raise _beyond_authorized(*passed, f"this exercise of {fmt(effected.whole_shares)} shares dated {effected.on}",
                                 "this step on or after its day")


def _on_outstanding(state: BookState, e: ev.SharesOutstanding) -> None:
    _push(_company(state, e.company).outstanding, e.on, e.shares)


def _on_authorized(state: BookState, e: ev.AuthorizedShares) -> None:
    company = _company(state, e.company)
    _push(company.authorized, e.on, e.shares)
    _release_held(state, company, e)


def _release_held(state: BookState, company: CompanyState, e: ev.AuthorizedShares) -> None:
    """§6: shares owed on exercises beyond the authorized shares are issued (and become deliverable) as authorized
    shares allow, oldest exercise first."""
    current = company.current_outstanding
    if current is None:
        return
    room = e.shares - current
    for no in state.by_company.get(e.company, ()):
        if room <= 0:
            return
        o = state.options[no]
        if not any(d.held for d in o.owed):
            continue
        owed = []
        for d in o.owed:
            take = min(d.held, room) if room > 0 else Fraction(0)
            if take:
                room -= take
                current += take
                _push(company.outstanding, e.on, current)
                key = (o.holder, o.company)  # the exercising holder's own holdings, as at the exercise (§10 sums the group)
                history = state.owned.get(key)
                if history:
                    _push(history, e.on, history[-1][1] + take)
                d = replace(d, held=d.held - take)
            owed.append(d)
        _update(state, o, owed=tuple(owed))


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.SharesOutstanding: (_check_positive_fact, _check_outstanding_after_exercises),
    ev.AuthorizedShares: (_check_positive_fact, _check_authorized_after_exercises),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.SharesOutstanding: _on_outstanding,
    ev.AuthorizedShares: _on_authorized,
}
