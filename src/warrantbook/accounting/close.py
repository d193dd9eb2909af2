# float-ok: whole module (fair values are floats from the pricing models; share counts stay exact Fractions)
"""The issuer's quarter close for one company and one period (prior, period_end]: the pack.

Everything comes from the ledger's events: the state at each date is `core.state.fold(events, day)`, the
inputs are those recorded (accounting.inputs), the classification is accounting.classification, and the
figures are computed per instrument (one row per option and price tranche) and then added up; no table
rolls a rounded figure forward. Money is booked per row in cents (half up), as a journal entry would be,
so every roll-forward ties to the cent by construction, and the pack checks that it does.

Dates the pack looks at inside the period ("change dates"): every day with an event that can change an
option's shares or class (issue, exercise, §4 event, transfer, replacement, authorized or outstanding
shares, reorganization, dissolution, amendment) and the day after each stated expiration.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from warrantbook.accounting.classification import (
    Condition,
    OptionClass,
    Sequencing,
    classify,
    company_options,
    indexed,
    reclassifications,
    sufficiency,
    verdicts,
)
from warrantbook.accounting.eps import DEFAULT_PENNY_THRESHOLD, is_penny, tsm_increment
from warrantbook.accounting.inputs import Inputs, Term, price_series, resolve, term_of
from warrantbook.accounting.pricing import McResult, bs_call_many, monte_carlo_call
from warrantbook.core import events as ev
from warrantbook.core.audit import Head, head_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import BookState, OptionState, fold

CENT = Decimal("0.01")
MODEL = "Black-Scholes-Merton (closed form)"
VOL_SHIFTS = (-0.20, -0.10, 0.0, 0.10, 0.20)  # absolute, in volatility points
TERM_SHIFTS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # years
_CHANGES = (ev.OptionIssued, ev.ExerciseEffected, ev.StockEvent, ev.TransferRegistered, ev.ReplacementIssued, ev.AuthorizedShares,
            ev.SharesOutstanding, ev.Reorganized, ev.Dissolved, ev.Amended)


def cents(x: float) -> Decimal:  # float-ok (valuation)
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Row:
    """One price tranche of one option, valued at a date (a row of the workbook's Valuations sheet)."""

    role: str  # opening, closing, before, after, issued, exercised, reclassified-in, reclassified-out, expired
    on: date
    option_no: str
    tranche: int
    classification: str
    shares: Fraction
    exercise_price: Fraction
    S: float  # float-ok (valuation)
    K: float  # float-ok (valuation)
    T: float  # float-ok (valuation)
    r: float  # float-ok (valuation)
    q: float  # float-ok (valuation)
    sigma: float  # float-ok (valuation)
    per_share: float  # float-ok (valuation)
    fair_value: float  # float-ok (valuation)
    booked: Decimal
    term: Term
    inputs: Inputs

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "on": self.on.isoformat(), "option": self.option_no, "tranche": self.tranche,
                "classification": self.classification, "shares": _t(self.shares), "exercise_price": _t(self.exercise_price),
                "model": MODEL, "inputs": {"share_price": self.S, "share_price_day": _d(self.inputs.price_day),
                                           "share_price_source": f"{self.inputs.price_clause}: {self.inputs.price_source}",
                                           "exercise_price": self.K, "term_years": self.T, "term_basis": self.term.basis,
                                           "term_source": self.term.source, "expiration": self.term.expiration.isoformat(),
                                           "rate": self.r, "dividend_yield": self.q, "volatility": self.sigma,
                                           "volatility_source": self.inputs.volatility_source, "valuation_input": self.inputs.input_id},
                "per_share": self.per_share, "fair_value": self.fair_value, "booked": str(self.booked)}

    def compact_json(self) -> dict[str, Any]:
        """The same figures with the inputs as numbers; their sources are under `inputs_by_date`."""
        return {"role": self.role, "on": self.on.isoformat(), "option": self.option_no, "tranche": self.tranche,
                "classification": self.classification, "shares": _t(self.shares), "S": self.S, "K": self.K, "T": self.T, "r": self.r,
                "q": self.q, "sigma": self.sigma, "term_basis": self.term.basis, "per_share": self.per_share, "fair_value": self.fair_value,
                "booked": str(self.booked)}


def _t(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _d(x: date | None) -> str | None:
    return x.isoformat() if x else None


@dataclass
class ClosePack:
    company: str
    company_name: str
    prior: date
    period_end: date
    head: Head
    inputs: Inputs
    rows: list[Row]  # every valuation the pack uses, closing rows first
    classes: dict[str, OptionClass]
    classes_prior: dict[str, OptionClass]
    reclassified: list[dict[str, Any]]
    activity: dict[str, Any]
    activity_rows: list[dict[str, Any]]
    level3: dict[str, Decimal]
    level3_steps: list[dict[str, Any]]
    measurement: list[dict[str, Any]]
    sensitivity: dict[str, Any]
    eps: dict[str, Any]
    monte_carlo: list[dict[str, Any]]
    flags: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def closing(self) -> list[Row]:
        return [r for r in self.rows if r.role == "closing"]

    def as_json(self) -> dict[str, Any]:
        return {
            "company": {"id": self.company, "name": self.company_name}, "prior": self.prior.isoformat(),
            "period_end": self.period_end.isoformat(), "audit_head": self.head.as_json(), "settings": self.settings,
            "inputs": self.inputs.as_json(),
            "instruments": [r.as_json() for r in self.closing],
            "classification": [c.as_json() for c in self.classes.values()],
            "classification_prior": {no: c.classification for no, c in self.classes_prior.items()},
            "reclassifications": self.reclassified,
            "activity": self.activity, "level3": {k: str(v) for k, v in self.level3.items()}, "level3_steps": self.level3_steps,
            "measurement_inputs": self.measurement, "sensitivity": self.sensitivity, "eps": self.eps,
            "monte_carlo_check": self.monte_carlo, "flags": self.flags,
            "measurements": [r.compact_json() for r in self.rows if r.role != "closing"],
            "inputs_by_date": {d: i.as_json() for d, i in sorted({r.on.isoformat(): r.inputs for r in self.rows}.items())},
        }


# ---------------------------------------------------------------- valuation of a state at a date


def _verdicts(classes: dict[str, OptionClass]) -> dict[str, str]:
    return {no: c.classification for no, c in classes.items()}


def value_state(state: BookState, company: str, day: date, classes: dict[str, str], role: str,
                only: Sequence[str] | None = None, inputs: Inputs | None = None) -> list[Row]:
    """One row per price tranche of each outstanding option of `company` in `state` (or of `only`), measured at `day`."""
    options = company_options(state, company)
    if only is not None:
        wanted = set(only)
        options = [o for o in options if o.option_no in wanted]
    if not options:
        return []
    inputs = inputs or resolve(state, company, day, options[0].terms.readings)
    keys = []
    for o in options:
        term = term_of(o, inputs)
        for i, t in enumerate(o.tranches):
            if t.shares > 0:
                keys.append((o, i, t, term))
    if not keys:
        return []
    spot = {o.option_no: _basket_value(state, o, day) if o.basket is not None else float(inputs.price) for o, *_ in keys}  # float-ok (valuation)
    S = np.array([spot[o.option_no] for o, *_ in keys])
    K = np.array([float(t.exercise_price) for _, _, t, _ in keys])  # float-ok (valuation)
    T = np.array([term.years for *_, term in keys])
    per = bs_call_many(S, K, T, np.full(len(keys), inputs.rate), np.full(len(keys), inputs.volatility),
                       np.full(len(keys), inputs.dividend_yield))
    rows = []
    for (o, i, t, term), s, k, tt, v in zip(keys, S, K, T, per):
        fv = float(t.shares) * float(v)  # float-ok (valuation)
        rows.append(Row(role, day, o.option_no, i, classes.get(o.option_no, "equity"),
                        t.shares, t.exercise_price, float(s), float(k), float(tt), inputs.rate, inputs.dividend_yield, inputs.volatility,  # float-ok (valuation)
                        float(v), fv, cents(fv), term, inputs))  # float-ok (valuation)
    return rows


def _basket_value(state: BookState, option: OptionState, day: date) -> float:  # float-ok (valuation)
    """After a §3 transaction one option share delivers a basket: its value as of the close of `day` is the core's §1.2 value
    of the basket (each security at its own §1.2 price, cash, property at its agreed value; §3.1, §3.3)."""
    from warrantbook.core.decide import fmv_source

    try:
        value = fmv_source(state, option, day + timedelta(days=1))(None).value
    except Refusal as exc:
        raise BadInput(f"quote: option {option.option_no} delivers a §3 basket whose value on {day} is not known: {exc.reason}",
                       field="quote", clause="§3.1") from None
    return value.numerator / value.denominator


# ---------------------------------------------------------------- the pack


class _States:
    """fold(events, day), each day once; `on(day)` reuses the state of the last change date on or before it."""

    def __init__(self, events: list[ev.Event]):
        self.events = events
        self.cache: dict[date, BookState] = {}
        self.anchors: list[date] = []

    def at(self, day: date) -> BookState:
        s = self.cache.get(day)
        if s is None:
            s = self.cache[day] = fold(self.events, day)
        return s

    def on(self, day: date) -> BookState:
        """The company's options and share counts as they stand on `day`: between two change dates nothing that the
        close reads changes (notices, payments, quotes and inputs do not), so the last change date's state serves."""
        i = bisect.bisect_right(self.anchors, day)
        return self.at(self.anchors[i - 1] if i else day)


def previous_quarter_end(day: date) -> date:
    first_month = 3 * ((day.month - 1) // 3) + 1
    return date(day.year, first_month, 1) - timedelta(days=1)


def build_close(events: list[ev.Event], company: str, period_end: date, prior: date | None = None, *,
                head: Head | None = None, net_income: Decimal | None = None, sequencing: Sequencing = Sequencing.LATEST_FIRST,
                penny_threshold: Fraction = DEFAULT_PENNY_THRESHOLD, mc_paths: int = 100_000, mc_seed: int = 20051) -> ClosePack:
    prior = prior or previous_quarter_end(period_end)
    if prior >= period_end:
        raise BadInput(f"prior: {prior} must be before the period end {period_end}", field="prior")
    states = _States(events)
    end_state = states.at(period_end)
    if company not in end_state.companies:
        raise BadInput(f"company: no company {company!r} (known: {', '.join(sorted(end_state.companies)) or 'none'})", field="company")
    prior_state = states.at(prior)
    flags: list[str] = []

    # change dates inside the period
    ours = set(end_state.by_company.get(company, ()))
    days: set[date] = set()
    for e in end_state.events:
        if not (prior < e.on <= period_end) or e.id in end_state.corrections or not isinstance(e, _CHANGES):
            continue
        subject = getattr(e, "company", None) or getattr(e, "issuer", None)
        if isinstance(e, ev.OptionIssued):
            subject = e.terms.company
        if subject == company or getattr(e, "option_no", None) in ours:
            days.add(e.on)
    for no in ours:
        exp = end_state.options[no].terms.expiration.on
        if exp is not None and prior < exp + timedelta(days=1) <= period_end:
            days.add(exp + timedelta(days=1))
    change_days = sorted(days)

    states.anchors = [prior, *change_days]
    classes_prior = classify(prior_state, company, prior, sequencing)
    classes_end = classify(end_state, company, period_end, sequencing)
    timeline = [(d, verdicts(states.at(d), company, d, sequencing)) for d in change_days]

    explained: dict[date, dict[str, Condition]] = {}

    def explain(day: date, no: str) -> str:
        if day not in explained:  # only sufficiency varies with the date (classification.verdicts)
            explained[day] = sufficiency(states.at(day), company, day, sequencing)
        x = explained[day][no]
        if x.verdict != "fails":
            x = indexed(states.at(day).options[no])  # the other condition that can fail (the terms' reading of §4)
        return f"{x.name}: {x.why}" if x.verdict == "fails" else "every condition now met"

    reclassified = reclassifications(timeline, _verdicts(classes_prior), explain)

    end_inputs = resolve(end_state, company, period_end)
    flags.extend(end_inputs.flags)
    rows = value_state(end_state, company, period_end, _verdicts(classes_end), "closing", inputs=end_inputs)
    baskets = sorted({r.option_no for r in rows if end_state.options[r.option_no].basket is not None})
    if baskets:
        flags.append(f"{', '.join(baskets)}: after a §3 transaction each option share delivers a basket, valued at the basket's §1.2 value "
                     "with the company's volatility input (a judgment: the basket's own volatility may differ)")
    assumed = sorted({r.option_no for r in rows if r.term.basis == "assumed"})
    if assumed:
        source = next(r.term.source for r in rows if r.term.basis == "assumed")
        flags.append(f"term of {len(assumed)} option(s) ({', '.join(assumed[:5])}{', ...' if len(assumed) > 5 else ''}): {source}")

    level3, steps, measured, per_option_change = _level3(states, company, prior, _verdicts(classes_prior), timeline, rows)
    activity, activity_rows = _activity(states, company, prior, period_end, change_days, rows, end_inputs)
    measurement = _measurement(rows)
    sensitivity = _sensitivity(rows)
    eps = _eps(states, company, prior, period_end, change_days, end_inputs, net_income, penny_threshold, classes_end, per_option_change)
    mc = _monte_carlo(rows, mc_paths, mc_seed)
    name = end_state.companies[company].name
    pack = ClosePack(company, name, prior, period_end, head or head_of(events), end_inputs, rows + measured, classes_end, classes_prior,
                     reclassified, activity, activity_rows, level3, steps, measurement, sensitivity, eps, mc, sorted(set(flags)),
                     {"sequencing": sequencing.value, "penny_threshold": str(penny_threshold), "monte_carlo_paths": mc_paths,
                      "monte_carlo_seed": mc_seed, "day_count": "ACT/365 fixed", "rounding": "each row's fair value to the cent, half up"})
    if any(c.needs_judgment for c in classes_end.values()):
        pack.flags.append("classification: conditions marked needs_judgment rest on documents outside the ledger (see each condition)")
    return pack


# ---------------------------------------------------------------- Level 3 roll-forward (ASC 820-10-50-2(c))


def _level3(states: _States, company: str, prior: date, classes_prior: dict[str, str], timeline: list[tuple[date, dict[str, str]]],
            closing_rows: list[Row]) -> tuple[dict[str, Decimal], list[dict[str, Any]], list[Row], dict[str, Decimal]]:
    """Liability-classified options: opening, issued, reclassified in, exercised, reclassified out, expired, change, closing."""
    lines = {k: Decimal(0) for k in ("opening", "issued", "reclassified_in", "exercised", "reclassified_out", "expired",
                                     "change_in_fair_value", "closing")}
    measured: list[Row] = []
    steps: list[dict[str, Any]] = []
    change: dict[str, Decimal] = {}

    def liabilities(classes: dict[str, str]) -> list[str]:
        return [no for no, c in classes.items() if c == "liability"]

    def per_option(rows: list[Row]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for r in rows:
            out[r.option_no] = out.get(r.option_no, Decimal(0)) + r.booked
        return out

    prior_state = states.at(prior)
    opening_rows = value_state(prior_state, company, prior, classes_prior, "opening", liabilities(classes_prior)) if liabilities(classes_prior) else []
    measured += opening_rows
    carrying = per_option(opening_rows)
    lines["opening"] = sum(carrying.values(), Decimal(0))
    classes_before = classes_prior
    for d, classes_after in timeline:
        before_state = states.on(d - timedelta(days=1))
        after_state = states.at(d)
        was = liabilities(classes_before)
        now = liabilities(classes_after)
        if not was and not now:
            classes_before = classes_after
            continue
        day_inputs = resolve(after_state, company, d)  # the day's own market data are in the state at d
        before_rows = value_state(before_state, company, d, classes_before, "before", was, day_inputs) if was else []
        after_rows = value_state(after_state, company, d, classes_after, "after", now, day_inputs) if now else []
        measured += before_rows + after_rows
        vb, va = per_option(before_rows), per_option(after_rows)
        for no, v in vb.items():  # remeasurement up to d, through earnings
            change[no] = change.get(no, Decimal(0)) + v - carrying.get(no, Decimal(0))
        step: dict[str, Any] = {"on": d.isoformat(), "issued": Decimal(0), "reclassified_in": Decimal(0), "exercised": Decimal(0),
                                "reclassified_out": Decimal(0), "expired": Decimal(0)}
        per_share = {(r.option_no, r.tranche): r.per_share for r in before_rows}
        rows_before, rows_after = _by_option(before_rows), _by_option(after_rows)
        for e in after_state.events:
            if isinstance(e, ev.ExerciseEffected) and e.on == d and e.option_no in vb and e.id not in after_state.corrections:
                amount = cents(float(e.shares_exercised) * per_share.get((e.option_no, e.tranche), 0.0))  # float-ok (valuation)
                step["exercised"] += amount
                measured.append(_exercise_row(rows_before[e.option_no], e, amount))
        for no in now:
            if no in vb:
                continue
            parent = after_state.options[no].parent
            if no not in before_state.options and after_state.options[no].origin == "issue":
                step["issued"] += va[no]
                measured += [replace(r, role="issued") for r in rows_after[no]]
            elif no in before_state.options or parent not in vb:
                step["reclassified_in"] += va[no]
                measured += [replace(r, role="reclassified-in") for r in rows_after[no]]
        for no in was:
            o = after_state.options.get(no)
            if o is not None and o.active and no not in now:
                step["reclassified_out"] += vb[no]
                measured += [replace(r, role="reclassified-out") for r in rows_before[no]]
            elif o is not None and o.status.value == "expired":
                step["expired"] += vb[no]
                measured += [replace(r, role="expired") for r in rows_before[no]]
        for k in ("issued", "reclassified_in", "exercised", "reclassified_out", "expired"):
            lines[k] += step[k]
        # what the flows leave unexplained on this day is remeasurement (cents from splitting an option on transfer, the
        # exercised portion's rounding): through earnings, so the roll-forward ties to the cent
        expected = sum(vb.values(), Decimal(0)) + step["issued"] + step["reclassified_in"] - step["exercised"] - step["reclassified_out"] - step["expired"]
        residual = sum(va.values(), Decimal(0)) - expected
        if residual:
            change["(rounding on " + d.isoformat() + ")"] = residual
        steps.append({k: (str(v) if isinstance(v, Decimal) else v) for k, v in step.items()} | {"residual": str(residual)})
        carrying = va
        classes_before = classes_after
    closing = {no: v for no, v in per_option([r for r in closing_rows if r.classification == "liability"]).items()}
    for no, v in closing.items():
        change[no] = change.get(no, Decimal(0)) + v - carrying.get(no, Decimal(0))
    lines["closing"] = sum(closing.values(), Decimal(0))
    lines["change_in_fair_value"] = sum(change.values(), Decimal(0))
    tie = (lines["opening"] + lines["issued"] + lines["reclassified_in"] - lines["exercised"] - lines["reclassified_out"]
           - lines["expired"] + lines["change_in_fair_value"])
    if tie != lines["closing"]:  # pragma: no cover - a broken invariant, never a user's input
        raise AssertionError(f"Level 3 roll-forward does not tie: {tie} != {lines['closing']}")
    return lines, steps, measured, change


def _by_option(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r.option_no, []).append(r)
    return out


def _exercise_row(before_rows: list[Row], e: ev.ExerciseEffected, amount: Decimal) -> Row:
    base = next(r for r in before_rows if r.option_no == e.option_no and r.tranche == e.tranche)
    return Row("exercised", e.on, e.option_no, e.tranche, base.classification, e.shares_exercised, base.exercise_price, base.S, base.K,
               base.T, base.r, base.q, base.sigma, base.per_share, float(e.shares_exercised) * base.per_share, amount, base.term, base.inputs)  # float-ok (valuation)


# ---------------------------------------------------------------- warrant activity (computed from the instruments)


def _activity(states: _States, company: str, prior: date, end: date, change_days: list[date], closing: list[Row],
              inputs: Inputs) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    start_state, end_state = states.at(prior), states.at(end)
    keys: dict[tuple[str, int], dict[str, Any]] = {}

    def row(no: str, i: int, price: Fraction) -> dict[str, Any]:
        r = keys.get((no, i))
        if r is None:
            r = keys[(no, i)] = {"option": no, "tranche": i, "exercise_price": price, "start": Fraction(0), "issued": Fraction(0),
                                 "transferred_in": Fraction(0), "transferred_out": Fraction(0), "exercised": Fraction(0),
                                 "expired": Fraction(0), "adjusted": Fraction(0), "end": Fraction(0), "issued_price": price,
                                 "start_price": price, "exercised_value": Fraction(0), "expired_value": Fraction(0)}
        return r

    for o in company_options(start_state, company):
        for i, t in enumerate(o.tranches):
            r = row(o.option_no, i, t.exercise_price)
            r["start"] += t.shares
            r["start_price"] = t.exercise_price
    for o in company_options(end_state, company):
        for i, t in enumerate(o.tranches):
            r = row(o.option_no, i, t.exercise_price)
            r["end"] += t.shares
            r["exercise_price"] = t.exercise_price
    for e in end_state.events:
        if not prior < e.on <= end or e.id in end_state.corrections:
            continue
        if isinstance(e, ev.OptionIssued) and e.terms.company == company:
            for i, t in enumerate(e.terms.tranches):
                row(e.option_no, i, t.exercise_price)["issued"] += t.shares
        elif isinstance(e, ev.ExerciseEffected) and e.company == company:
            before = states.on(e.on - timedelta(days=1)).options.get(e.option_no)
            price = e.aggregate_exercise_price / e.shares_exercised if e.shares_exercised else Fraction(0)
            at = before.tranches[e.tranche].exercise_price if before else price
            r = row(e.option_no, e.tranche, at)
            r["exercised"] += e.shares_exercised
            r["exercised_value"] += e.shares_exercised * at
        elif isinstance(e, ev.TransferRegistered) or isinstance(e, ev.ReplacementIssued):
            day_before = states.on(e.on - timedelta(days=1))
            after = states.at(e.on)
            parent = after.options.get(e.option_no)
            if parent is None or parent.company != company:
                continue
            src = day_before.options.get(e.option_no) or parent
            for i, t in enumerate(src.tranches):
                row(e.option_no, i, t.exercise_price)["transferred_out"] += t.shares
            children = e.new_options if isinstance(e, ev.TransferRegistered) else (e.new_option,)
            for child in children:
                c = after.options[child]
                for i, t in enumerate(c.tranches):
                    row(child, i, t.exercise_price)["transferred_in"] += t.shares
        elif isinstance(e, ev.StockEvent) and e.issuer == company:
            day_before = states.on(e.on - timedelta(days=1))
            ratio = e.outstanding_after / e.outstanding_before
            for o in company_options(day_before, company):
                if o.basket is None:
                    for i, t in enumerate(o.tranches):
                        row(o.option_no, i, t.exercise_price)["adjusted"] += t.shares * (ratio - 1)
    for no in end_state.by_company.get(company, ()):
        o = end_state.options[no]
        exp = o.terms.expiration.on
        if o.status.value == "expired" and exp is not None and prior <= exp < end:
            for i, t in enumerate(o.tranches):
                r = row(no, i, t.exercise_price)
                r["expired"] += t.shares
                r["expired_value"] += t.shares * t.exercise_price
    S = inputs.price
    terms = {(r.option_no, r.tranche): r for r in closing}
    rows = []
    for r in keys.values():
        moved = r["start"] + r["issued"] + r["transferred_in"] - r["transferred_out"] - r["exercised"] - r["expired"] + r["adjusted"]
        r["ties"] = moved == r["end"]
        valued = terms.get((r["option"], r["tranche"]))
        r["remaining_life_years"] = valued.T if valued else 0.0
        r["term_basis"] = valued.term.basis if valued else ""
        r["share_price"] = valued.S if valued else float(S)  # a §3 basket's value for a basket option  # float-ok (valuation)
        r["intrinsic_value"] = float(r["end"]) * max(r["share_price"] - float(r["exercise_price"]), 0.0)  # float-ok (valuation)
        rows.append(r)

    def total(k: str) -> Fraction:
        return sum((r[k] for r in rows), Fraction(0))

    def waep(k: str, price: str) -> float | None:  # float-ok (valuation)
        n = total(k)
        return float(sum((r[k] * r[price] for r in rows), Fraction(0)) / n) if n else None  # float-ok (valuation)

    def average(k: str) -> float | None:  # float-ok (valuation)
        n = total(k)
        return float(total(k + "_value") / n) if n else None  # float-ok (valuation)

    for r in rows:  # the price each row's exercises and expiries happened at, for the workbook's weighted averages
        r["exercised_price"] = r["exercised_value"] / r["exercised"] if r["exercised"] else Fraction(0)
        r["expired_price"] = r["expired_value"] / r["expired"] if r["expired"] else Fraction(0)

    end_total = total("end")
    table = {
        "outstanding_start": {"shares": _t(total("start")), "weighted_average_exercise_price": waep("start", "start_price")},
        "issued": {"shares": _t(total("issued")), "weighted_average_exercise_price": waep("issued", "issued_price")},
        "exercised": {"shares": _t(total("exercised")), "weighted_average_exercise_price": average("exercised")},
        "expired_or_cancelled": {"shares": _t(total("expired")), "weighted_average_exercise_price": average("expired")},
        "adjusted_for_stock_events": {"shares": _t(total("adjusted")), "clause": "§4"},
        "transferred": {"in": _t(total("transferred_in")), "out": _t(total("transferred_out")), "clause": "§7, §8 (no change in the total)"},
        "outstanding_end": {"shares": _t(end_total), "weighted_average_exercise_price": waep("end", "exercise_price"),
                            "weighted_average_remaining_life_years": (sum(float(r["end"]) * r["remaining_life_years"] for r in rows)  # float-ok (valuation)
                                                                       / float(end_total)) if end_total else None,  # float-ok (valuation)
                            "intrinsic_value": sum(r["intrinsic_value"] for r in rows), "share_price": float(S)},  # float-ok (valuation)
        "ties": all(r["ties"] for r in rows)
        and total("start") + total("issued") - total("exercised") - total("expired") + total("adjusted") == end_total,
    }
    out_rows = [{k: (_t(v) if isinstance(v, Fraction) else v) for k, v in r.items()} for r in rows]
    return table, out_rows


# ---------------------------------------------------------------- measurement inputs and sensitivity (ASC 820-10-50-2(bbb))


def _measurement(rows: list[Row]) -> list[dict[str, Any]]:
    if not rows:
        return []
    inputs = rows[0].inputs
    shares = sum(float(r.shares) for r in rows)  # float-ok (valuation)

    def rng(values: list[float]) -> dict[str, float]:
        return {"low": min(values), "high": max(values), "weighted_average": sum(v * float(r.shares) for v, r in zip(values, rows)) / shares}  # float-ok (valuation)

    spots = {r.S for r in rows}
    price: dict[str, Any] = {"value": float(inputs.price)} if len(spots) == 1 else rng([r.S for r in rows])  # float-ok (valuation)
    return [
        {"input": "share price", **price, "source": f"{inputs.price_clause}: {inputs.price_source}"
         + ("; a §3 basket's §1.2 value for a basket option" if len(spots) > 1 else ""), "level": 1 if inputs.price_day else 3},
        {"input": "exercise price", **rng([r.K for r in rows]), "source": "the terms, as adjusted under §4"},
        {"input": "remaining term (years)", **rng([r.T for r in rows]), "source": "; ".join(sorted({r.term.source for r in rows}))},
        {"input": "volatility", "value": inputs.volatility, "source": inputs.volatility_source, "level": 3},
        {"input": "risk-free rate", "value": inputs.rate, "source": f"{inputs.input_id}: {inputs.input_source}"},
        {"input": "dividend yield", "value": inputs.dividend_yield, "source": f"{inputs.input_id}: {inputs.input_source}"},
    ]


def groups(rows: list[Row]) -> list[dict[str, Any]]:
    """Rows sharing every pricing input, with their shares: what the sensitivity grid and the Monte Carlo check price."""
    out: dict[tuple[float, ...], dict[str, Any]] = {}
    for r in rows:
        key = (r.S, r.K, r.T, r.r, r.q, r.sigma)
        g = out.get(key)
        if g is None:
            g = out[key] = {"S": r.S, "K": r.K, "T": r.T, "r": r.r, "q": r.q, "sigma": r.sigma, "shares": 0.0, "rows": 0}
        g["shares"] += float(r.shares)  # float-ok (valuation)
        g["rows"] += 1
    return list(out.values())


def _sensitivity(rows: list[Row]) -> dict[str, Any]:
    gs = groups(rows)
    grid = []
    for dv in VOL_SHIFTS:
        line = []
        for dt in TERM_SHIFTS:
            total = 0.0
            for g in gs:
                sigma = max(g["sigma"] + dv, 0.01)
                T = max(g["T"] + dt, 1 / 365)
                total += g["shares"] * float(bs_call_many(np.array([g["S"]]), np.array([g["K"]]), np.array([T]), np.array([g["r"]]),  # float-ok (valuation)
                                                          np.array([sigma]), np.array([g["q"]]))[0])
            line.append(total)
        grid.append(line)
    return {"volatility_shifts": list(VOL_SHIFTS), "term_shifts_years": list(TERM_SHIFTS), "fair_value": grid,
            "floors": {"volatility": 0.01, "term_years": 1 / 365}, "groups": len(gs)}


# ---------------------------------------------------------------- EPS (ASC 260)


def _eps(states: _States, company: str, prior: date, end: date, change_days: list[date], inputs: Inputs, net_income: Decimal | None,
         threshold: Fraction, classes: dict[str, OptionClass], change: dict[str, Decimal]) -> dict[str, Any]:
    start = prior + timedelta(days=1)
    end_state = states.at(end)
    market = end_state.companies[company]
    # §4 events after a day restate that day's shares and prices (ASC 260-10-55-12): a factor per day
    splits = [e for e in market.stock_events if start <= e.on <= end and e.id not in end_state.corrections]

    def factor(day: date) -> Fraction:
        f = Fraction(1)
        for e in splits:
            if e.on > day:
                f *= e.outstanding_after / e.outstanding_before
        return f

    prices = [p / factor(d) for d, p in price_series(market, end) if start <= d <= end]
    if prices:
        average = sum(prices, Fraction(0)) / len(prices)
        average_source = f"mean of the {len(prices)} recorded §1.2 prices in the period" + (", restated for §4 events" if splits else "")
    else:
        average, average_source = inputs.price, "no §1.2 prices recorded in the period: the period-end price (a judgment)"

    bounds = sorted({start, *[d for d in change_days if d > start], *[e.on for e in splits if e.on > start]}) + [end + timedelta(days=1)]
    segments: list[dict[str, Any]] = []
    penny_weighted: dict[str, int | Fraction] = {}
    tsm_weighted: dict[tuple[str, int], tuple[int | Fraction, Fraction]] = {}  # share-days until the end of the loop, then shares
    total_days = (end - prior).days
    for a, b in zip(bounds, bounds[1:]):
        s = states.on(a)
        days = (b - a).days
        outstanding = s.companies[company].outstanding_on(a) if company in s.companies else None
        if outstanding is None:
            raise BadInput(f"outstanding: no shares-outstanding fact for {company} on or before {a}: EPS needs it", field="outstanding")
        f = factor(a)
        penny: int | Fraction = 0
        penny_of: dict[Fraction, bool] = {}
        for o in company_options(s, company):
            if o.basket is not None:
                continue
            for i, t in enumerate(o.tranches):
                price = t.exercise_price if f == 1 else t.exercise_price / f
                is_p = penny_of.get(price)
                if is_p is None:
                    is_p = penny_of[price] = is_penny(price, average, threshold)
                shares = t.shares.numerator if t.shares.denominator == 1 else t.shares
                weight = (shares if f == 1 else shares * f) * days  # share-days, divided by the period's days at the end
                if is_p:
                    penny += shares
                    penny_weighted[o.option_no] = penny_weighted.get(o.option_no, 0) + weight
                else:
                    n, _k = tsm_weighted.get((o.option_no, i), (0, price))
                    tsm_weighted[(o.option_no, i)] = (n + weight, price)
        segments.append({"from": a.isoformat(), "to": (b - timedelta(days=1)).isoformat(), "days": days, "outstanding": _t(outstanding),
                         "restatement_factor": _t(f), "penny_warrant_shares": _t(Fraction(penny))})
    penny_in_basic = {no: Fraction(v) / total_days for no, v in penny_weighted.items()}
    tsm_in_diluted = {key: (Fraction(n) / total_days, k) for key, (n, k) in tsm_weighted.items()}
    weighted_outstanding = sum((Fraction(seg["days"]) * Fraction(seg["outstanding"]) * Fraction(seg["restatement_factor"]) for seg in segments),
                               Fraction(0)) / total_days
    penny_total = sum(penny_in_basic.values(), Fraction(0))
    basic = weighted_outstanding + penny_total
    tsm_rows: list[dict[str, Any]] = [{"option": no, "tranche": i, "weighted_shares": _t(n), "exercise_price": _t(k),
                 "incremental": _t(tsm_increment(n, k, average)), "classification": classes[no].classification if no in classes else "equity"}
                for (no, i), (n, k) in tsm_in_diluted.items()]
    incremental = sum((tsm_increment(n, k, average) for n, k in tsm_in_diluted.values()), Fraction(0))
    liability_tsm = {r["option"] for r in tsm_rows if r["classification"] == "liability" and Fraction(r["incremental"]) > 0}
    # their change in fair value is in net income (an increase is a loss): add it back, as if exercised at the start
    adjustment = sum((change.get(no, Decimal(0)) for no in liability_tsm), Decimal(0))
    out: dict[str, Any] = {
        "period_days": total_days, "average_price": float(average), "average_price_exact": _t(average), "average_price_source": average_source,  # float-ok (valuation)
        "penny_threshold": _t(threshold), "segments": segments, "weighted_average_outstanding": _t(weighted_outstanding),
        "penny_warrants_in_basic": {no: _t(v) for no, v in penny_in_basic.items()}, "basic_shares": _t(basic),
        "treasury_stock_method": tsm_rows, "incremental_shares": _t(incremental),
        "numerator_adjustment": str(adjustment), "guidance": "ASC 260-10-45-13 (penny warrants), 45-23 (treasury stock method), "
        "45-17 and 45-20 (anti-dilution), 45-45 to 45-46 and 55-32 (liability-classified warrants)",
    }
    if net_income is None:
        out["net_income"] = None
        out["note"] = "no net income given (--net-income): share counts only"
        return out
    basic_eps = net_income / Decimal(basic.numerator) * Decimal(basic.denominator) if basic else None
    diluted_shares = basic + incremental
    diluted_numerator = net_income + adjustment
    if net_income < 0:
        diluted_eps, dilutive, reason = basic_eps, False, "loss period: potential shares are anti-dilutive (ASC 260-10-45-20)"
    elif incremental == 0:
        diluted_eps, dilutive, reason = basic_eps, False, "no in-the-money warrants outside basic"
    else:
        candidate = diluted_numerator / Decimal(diluted_shares.numerator) * Decimal(diluted_shares.denominator)
        dilutive = basic_eps is not None and candidate < basic_eps
        diluted_eps = candidate if dilutive else basic_eps
        reason = "dilutive" if dilutive else "anti-dilutive: excluded (ASC 260-10-45-17)"
    out.update({"net_income": str(net_income), "basic_eps": str(basic_eps.quantize(CENT, ROUND_HALF_UP)) if basic_eps is not None else None,
                "basic_eps_exact": str(basic_eps) if basic_eps is not None else None,
                "diluted_shares": _t(diluted_shares if dilutive else basic), "diluted_numerator": str(diluted_numerator if dilutive else net_income),
                "diluted_eps": str(diluted_eps.quantize(CENT, ROUND_HALF_UP)) if diluted_eps is not None else None,
                "diluted_eps_exact": str(diluted_eps) if diluted_eps is not None else None, "dilution": reason})
    return out


# ---------------------------------------------------------------- Monte Carlo cross-check per group of identical inputs


def _monte_carlo(rows: list[Row], paths: int, seed: int) -> list[dict[str, Any]]:
    out = []
    for g in groups(rows)[:20]:
        mc: McResult = monte_carlo_call(g["S"], g["K"], g["T"], g["r"], g["sigma"], g["q"], paths=paths, seed=seed)
        closed = float(bs_call_many(np.array([g["S"]]), np.array([g["K"]]), np.array([g["T"]]), np.array([g["r"]]), np.array([g["sigma"]]),  # float-ok (valuation)
                                    np.array([g["q"]]))[0])
        out.append({"inputs": {k: g[k] for k in ("S", "K", "T", "r", "q", "sigma")}, "shares": g["shares"], "black_scholes": closed,
                    **mc.as_json(), "within_4_standard_errors": abs(mc.value - closed) <= 4 * mc.standard_error + 1e-10 * closed})
    return out
