"""ASC 815-40: is each option equity or a liability at a date? Condition by condition, with the deciding clause.

Exact arithmetic only (share counts); no float here. Each condition gives a verdict ("meets" or "fails"),
the clause of the agreement that decides it, the guidance it applies, and `needs_judgment` with the
reason where the record cannot settle it (a related agreement that is not in the ledger, commitments
outside it). An option is a liability if any condition fails for it; otherwise equity.

Sufficient authorized shares (ASC 815-40-25-19 to 25-21): authorized minus outstanding must cover every
instrument that could need shares. When it does not, ASC 815-40-35-12 lets the issuer choose a systematic
sequencing method, here a switch: `latest-first` (the default: the instruments issued last are the ones
that lack shares; the earliest keep equity) or `earliest-first`. An instrument any of whose shares are
not covered is a liability as a whole (the careful reading; docs/close.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction

from warrantbook.core.state import BookState, OptionState
from warrantbook.core.terms import AdjustmentReading


class Sequencing(Enum):
    LATEST_FIRST = "latest-first"  # reclassify the latest inception first (earliest instruments keep the shares)
    EARLIEST_FIRST = "earliest-first"  # reclassify the earliest inception first


@dataclass(frozen=True, slots=True)
class Condition:
    name: str
    guidance: str
    clause: str
    verdict: str  # "meets" or "fails"
    why: str
    needs_judgment: bool = False
    judgment: str = ""

    def as_json(self) -> dict[str, object]:
        return {"condition": self.name, "guidance": self.guidance, "clause": self.clause, "verdict": self.verdict, "why": self.why,
                "needs_judgment": self.needs_judgment, "judgment": self.judgment or None}


@dataclass(frozen=True, slots=True)
class OptionClass:
    option_no: str
    classification: str  # "equity" or "liability"
    conditions: tuple[Condition, ...]

    @property
    def needs_judgment(self) -> bool:
        return any(c.needs_judgment for c in self.conditions)

    def as_json(self) -> dict[str, object]:
        return {"option": self.option_no, "classification": self.classification, "needs_judgment": self.needs_judgment,
                "conditions": [c.as_json() for c in self.conditions]}


def company_options(state: BookState, company: str) -> list[OptionState]:
    """The company's options that are outstanding (active) in `state`."""
    return [state.options[no] for no in state.by_company.get(company, ()) if state.options[no].active]


def _order(options: list[OptionState], sequencing: Sequencing) -> list[OptionState]:
    return sorted((o for o in options if o.basket is None), key=lambda o: (o.issued_on, o.option_no),
                  reverse=sequencing is Sequencing.EARLIEST_FIRST)


def _terms_fail(o: OptionState) -> bool:
    """Whether a condition decided by the terms alone fails (see `classify`)."""
    return indexed(o).verdict == "fails"


def verdicts(state: BookState, company: str, day: date, sequencing: Sequencing = Sequencing.LATEST_FIRST) -> dict[str, str]:
    """Only the classification of each outstanding option (what `classify` decides, without the explanations).

    Every condition but sufficiency is decided by the terms alone (see `classify`): those are checked once per option."""
    options = company_options(state, company)
    cs = state.companies.get(company)
    authorized = cs.authorized_on(day) if cs else None
    outstanding = cs.outstanding_on(day) if cs else None
    if authorized is None or outstanding is None:
        return {o.option_no: "liability" for o in options}
    available = authorized - outstanding
    out = {o.option_no: "liability" if _terms_fail(o) else "equity" for o in options}  # a basket option: the successor's shares decide
    used: int | Fraction = 0
    for o in _order(options, sequencing):
        need: int | Fraction = sum(t.shares.numerator for t in o.tranches) if all(t.shares.denominator == 1 for t in o.tranches) else o.remaining
        if used + need <= available:
            used += need
        else:  # this one and every one after it in the sequence (an earlier shortfall is not skipped over)
            used = available + 1
            out[o.option_no] = "liability"
    return out


def sufficiency(state: BookState, company: str, day: date, sequencing: Sequencing = Sequencing.LATEST_FIRST) -> dict[str, Condition]:
    """The sufficient-shares condition of each outstanding option, with its explanation (the one that varies by date)."""
    return _coverage(state, company, day, company_options(state, company), sequencing)


def _coverage(state: BookState, company: str, day: date, options: list[OptionState], sequencing: Sequencing) -> dict[str, Condition]:
    guidance = "ASC 815-40-25-19 to 25-21; sequencing ASC 815-40-35-12"
    cs = state.companies.get(company)
    authorized = cs.authorized_on(day) if cs else None
    outstanding = cs.outstanding_on(day) if cs else None
    outside = ("commitments to issue shares that the ledger does not hold (convertible notes, other warrants, share awards) "
               "must be added by the issuer before relying on this verdict")
    name = "sufficient authorized and unissued shares"
    if authorized is None or outstanding is None:
        missing = "authorized shares" if authorized is None else "shares outstanding"
        return {o.option_no: Condition(name, guidance, "§6", "fails", f"no {missing} recorded on or before {day}: sufficiency "
                                       "cannot be shown", True, "record the charter's authorized shares and the transfer agent's count")
                for o in options}
    available = authorized - outstanding
    out: dict[str, Condition] = {}
    ahead = Fraction(0)  # shares needed by the options before this one in the sequence
    short = False
    for o in _order(options, sequencing):
        need = o.remaining
        covered = not short and ahead + need <= available
        why = (f"{_n(available)} authorized and unissued ({_n(authorized)} authorized - {_n(outstanding)} outstanding); "
               f"{_n(ahead)} needed ahead of this option by {sequencing.value} sequencing; this option needs {_n(need)} (§2.2(a)(i), "
               "a cash exercise delivers one share per option share)" + ("; an option ahead of it in the sequence already lacks shares"
                                                                          if short else ""))
        out[o.option_no] = Condition(name, guidance, "§6", "meets" if covered else "fails", why, True, outside)
        short = short or not covered
        ahead += need
    for o in options:
        if o.basket is not None:
            out[o.option_no] = Condition(name, guidance, "§3.1, §3.3", "meets", "after a §3 transaction the option delivers the "
                                         "successor's basket", True, "the successor's authorized shares decide this")
    return out


def _n(x: Fraction) -> str:
    return f"{int(x):,}" if x.denominator == 1 else f"{float(x):,.4f}"  # float-ok: display only


def classify(state: BookState, company: str, day: date, sequencing: Sequencing = Sequencing.LATEST_FIRST) -> dict[str, OptionClass]:
    """Each outstanding option of `company` in `state`, classified at `day`."""
    options = company_options(state, company)
    coverage = _coverage(state, company, day, options, sequencing)
    result: dict[str, OptionClass] = {}
    for o in options:
        conditions = [indexed(o), _share_settled(o), coverage[o.option_no], _explicit_limit(o), _no_cash_payments(o), _no_senior_rights(o)]
        verdict = "liability" if any(c.verdict == "fails" for c in conditions) else "equity"
        result[o.option_no] = OptionClass(o.option_no, verdict, tuple(conditions))
    return result


def indexed(o: OptionState) -> Condition:
    name, guidance = "indexed to the issuer's own stock", "ASC 815-40-15-5 to 15-8 (step 1: exercise contingencies; step 2: settlement)"
    if o.terms.readings.adjustment is AdjustmentReading.LITERAL_FIXED_PRICE:
        return Condition(name, guidance, "§4 (reading: literal-fixed-price)", "fails",
                         "read literally, §4 multiplies the share number on a split or stock dividend but leaves the exercise price as it "
                         "was, so the aggregate price changes with an event that a fixed-for-fixed option's value does not depend on "
                         "(ASC 815-40-15-7E)", True, "the careful reading of §4 (price-inverse, docs/interpretations.md) would meet this "
                         "condition; which reading governs is a question for counsel")
    if o.basket is not None:
        return Condition(name, guidance, "§3.1, §3.3", "meets", "after a §3 transaction the option delivers the successor's basket",
                         True, "whether the basket is the reporting entity's own stock depends on who reports")
    return Condition(name, guidance, "§1.1, §4, §3.1", "meets",
                     "exercisable from issue with no contingency but time (§1.1); a fixed number of shares at a fixed price, adjusted "
                     "only for stock dividends, subdivisions and combinations (§4) and reorganizations (§3.1), which are inputs to a "
                     "fixed-for-fixed value; no down-round or other reset in the terms")


def _share_settled(o: OptionState) -> Condition:
    return Condition("settled in shares, unregistered shares permitted", "ASC 815-40-25-10(a), 25-13", "§2.1, §2.2, legend",
                     "meets", "every method of exercise delivers shares (§2.2(a), §2.2(b)); the only cash the company pays is for a "
                     "fractional share (§2.1); the legend contemplates unregistered shares, so no registered delivery is required")


def _explicit_limit(o: OptionState) -> Condition:
    return Condition("an explicit limit on the shares to be delivered", "ASC 815-40-25-26, 25-27", "§1.1, §4", "meets",
                     f"at most the stated number ({_n(o.terms.shares)} at issue, now {_n(o.remaining)}), changed only by §4 events "
                     "that change the shares outstanding in the same proportion")


def _no_cash_payments(o: OptionState) -> Condition:
    related = ", ".join(r.name for r in o.terms.related) or "none recorded"
    return Condition("no cash payments for registration failures or top-offs", "ASC 815-40-25-16, 25-30; ASC 825-20", "§9",
                     "meets", "the option requires no cash for a failure to register and no make-whole or top-off on the sale of the shares",
                     True, f"§9 refers to a separate Registration Rights Agreement (related agreements: {related}); any registration "
                     "payment it provides is accounted for separately under ASC 825-20 and is not in this ledger")


def _no_senior_rights(o: OptionState) -> Condition:
    return Condition("no rights above shareholders and no collateral", "ASC 815-40-25-10(e), (f)", "§3.2, definition (e)", "meets",
                     "on dissolution the holder receives what a shareholder receives (§3.2); the option requires no collateral",
                     True, "the Security Agreement (definition (e)) is not in the ledger: confirm it does not secure the option")


def reclassifications(timeline: list[tuple[date, dict[str, str]]], before: dict[str, str],
                      explain: Callable[[date, str], str]) -> list[dict[str, object]]:
    """ASC 815-40-35-8: each date an option's classification changed, from one classified state to the next."""
    out: list[dict[str, object]] = []
    last = dict(before)
    for day, classes in timeline:
        for no, c in classes.items():
            previous = last.get(no)
            if previous is not None and previous != c:
                out.append({"option": no, "on": day.isoformat(), "from": previous, "to": c, "guidance": "ASC 815-40-35-8",
                            "deciding": explain(day, no)})
            last[no] = c
    return out
