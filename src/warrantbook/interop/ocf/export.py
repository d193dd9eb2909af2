"""A book or database as an OCF 1.2.0 package: what a cap-table system can see of warrantbook's options.

The exporter replays the source's events up to the as-of date with the core's own `apply` and turns each
change of an option into OCF transactions on *securities*. One option tranche is one warrant security; a
security never changes in OCF, so every change of an option issues a new one:

  issue (§1.1)                 TX_WARRANT_ISSUANCE per tranche
  exercise (§2), in whole      TX_WARRANT_EXERCISE of the security, TX_STOCK_ISSUANCE of the shares
  exercise in part             the same, plus TX_WARRANT_ISSUANCE of the balance (OCF 1.2.0's exercise has
                               no quantity); the balance is among the exercise's resulting_security_ids
  split or combination (§4)    TX_STOCK_CLASS_SPLIT, and each outstanding warrant restated: TX_WARRANT_CANCELLATION
                               of the old security, TX_WARRANT_ISSUANCE at the adjusted quantity and price
  stock dividend (§4(a))       no split (a dividend is not one): the warrants restated as above, the dividend told in comments
  transfer (§7)                TX_WARRANT_TRANSFER with the transferees' new securities as resulting_security_ids
                               and the transferor's balance as balance_security_id
  replacement (§8), amendment  TX_WARRANT_CANCELLATION and a new TX_WARRANT_ISSUANCE
  authorized shares            the stock class's initial_shares_authorized, then TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT

What OCF cannot express (the cap and its notices, FMV rules, cashless terms, §3 baskets, notices, quotes,
deliveries...) is written in words in each object's `comments`, and every event of the source is carried
as one comment line, `warrantbook/1 #<n> <event as JSON>`, on the object it made or concerns, so
`ocf import` restores the book exactly and export -> import -> export gives the same bytes.

Required OCF fields the agreement does not give come from `cap-table-fact` events (facts.py); a missing one,
or a number OCF cannot hold in 10 decimals, is reported and nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.codec import encode
from warrantbook.core.decide import replay
from warrantbook.core.errors import BadInput, BookErrors
from warrantbook.core.numbers import approx, finite_decimal, fmt, money, to_text
from warrantbook.core.state import BookState, OptionState, apply, ordered
from warrantbook.core.terms import PaymentMethod, Terms
from warrantbook.describe import describe
from warrantbook.interop.ocf.facts import Facts, record_hint
from warrantbook.interop.ocf.package import Package, build_manifest, to_zip
from warrantbook.interop.places import state_code, us_address

CARRIER = "warrantbook/1"
CURRENCY = "USD"  # the agreements of this family price in US dollars
INSTITUTION = r"\b(?:L\.?\s?P\.?|LLC|L\.L\.C\.|LLP|Ltd\.?|Limited|Inc\.?|Incorporated|Corp\.?|Corporation|Company|Co\.|Fund|Partners|Trust|Bank|N\.A\.|GmbH|AG|S\.A\.|plc)(?=\W|$)"


class ExportProblems(BookErrors):
    """Everything that keeps a valid package from being written, at once (exit 2)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__([BadInput(p, field="ocf") for p in problems])

    def as_json(self) -> dict[str, object]:
        return {"error": f"{len(self.problems)} problem(s) keep the OCF package from being written", "field": "ocf", "clause": None,
                "problems": self.problems}


@dataclass
class Obj:
    """An OCF object being built, with the words and the carried events that become its comments."""

    data: dict[str, Any]
    made_from: str = ""
    notes: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    def finish(self) -> dict[str, Any]:
        comments = self.notes + ([f"{CARRIER} from {self.made_from}"] if self.made_from else []) + self.carried
        if comments:
            self.data["comments"] = comments
        return self.data


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    package: Package
    counts: dict[str, int]
    rounded: list[str]


def carrier_line(seq: int, event: ev.Event) -> str:
    return f"{CARRIER} #{seq} " + json.dumps(encode(event), ensure_ascii=False, separators=(",", ":"))


def _pct(value: Fraction) -> str:
    return fmt(value * 100) + "%"


def terms_notes(terms: Terms, instrument_no: str) -> list[str]:
    """The option's terms OCF has no field for, in warrantbook's words."""
    out = [f"Terms of warrantbook option {instrument_no} that OCF has no field for:"]
    if len(terms.tranches) > 1:
        out.append(f"The instrument has {len(terms.tranches)} tranches at different exercise prices; each is its own OCF security.")
    if not terms.option_no_on_instrument:
        out.append("The number is warrantbook's: the instrument's own number is blank.")
    cap = terms.cap
    if cap is None:
        out.append("No cap on beneficial ownership.")
    else:
        words = f"Cap (§10): no exercise that would leave the holder and its affiliates owning more than {_pct(cap.percent)} of the outstanding common stock"
        if cap.void_on_default:
            words += "; void while a noticed Event of Default continues"
        if cap.waiver_notice_days is not None:
            words += f"; the holder may lift it on {cap.waiver_notice_days} days' notice"
        if cap.hard_ceiling is not None:
            words += f"; a ceiling of {_pct(cap.hard_ceiling)} that no waiver lifts"
        out.append(words + ".")
    methods = sorted(m.value for m in terms.payment_methods) if isinstance(terms.payment_methods, frozenset) else []
    out.append("Payment (§2.2): " + (", ".join(methods) or "none stated")
               + ("; cashless exercise issues X = Y(A-B)/A shares (Y exercised, A fair market value, B exercise price)"
                  if PaymentMethod.CASHLESS in terms.payment_methods else "") + ".")
    venues = sorted(v.value for v in terms.fmv_venues)
    out.append("Fair market value (§1.2): " + (", ".join(venues) or "no rule") + ("; liquidation amounts on a liquidation date" if terms.liquidation_fmv else "") + ".")
    exp = terms.expiration
    out.append(f"Expiration Date: {exp.on.isoformat()} ({exp.source})." if exp.on else f"Expiration Date: none ({exp.source}).")
    out.append(f"Shares are delivered within {terms.delivery_days} business days of exercise (§2.1); fractions are paid in cash.")
    for r in terms.related:
        out.append(f"Related: {r.name}" + (f" dated {r.dated.isoformat()}" if r.dated else "") + f": {r.role}.")
    d = terms.disputes
    parts = [f"governed by {d.governing_law} law" if d.governing_law else "", f"forum: {d.forum}" if d.forum else "",
             "jury trial waived" if d.jury_waiver else "", "prevailing party recovers fees" if d.prevailing_party_fees else ""]
    if any(parts):
        out.append("Disputes (§14): " + "; ".join(p for p in parts if p) + ".")
    return out


class Exporter:
    def __init__(self, events: list[ev.Event], as_of: date, company: str | None, allow_rounding: bool):
        self.as_of = as_of
        self.allow_rounding = allow_rounding
        self.problems: list[str] = []
        self.rounded: list[str] = []
        self.user = ordered([e for e in events if not e.derived and e.on <= as_of])
        self.seq = {e.id: i for i, e in enumerate(self.user)}
        self.facts = Facts(self.user)
        self.problems += self.facts.problems
        self.company = self._pick_company(company)
        self.issuer = Obj({"object_type": "ISSUER", "id": self.company})
        self.stock_class_id = f"{self.company}.common"
        self.stock_class = Obj({"object_type": "STOCK_CLASS", "id": self.stock_class_id})
        self.legend: Obj | None = None
        self.stakeholders: dict[str, Obj] = {}
        self.transactions: list[Obj] = []
        self.manifest_notes: list[str] = []
        self.current: dict[tuple[str, int], str] = {}  # (option, tranche) -> current security id
        self.issuances: dict[str, Obj] = {}  # security id -> its issuance object
        self.generation: dict[str, int] = {}
        self.initial_authorized: Fraction | None = None
        self.deliveries = {e.notice: e for e in self.user if isinstance(e, ev.SharesDelivered)}
        self.registration: ev.CompanyRegistered | None = None

    # -- numbers

    def num(self, value: Fraction, where: str) -> str:
        text = finite_decimal(value)
        if text is not None and len(text.partition(".")[2]) <= 10:
            return text
        if self.allow_rounding:
            shown = approx(value, 10)
            self.rounded.append(f"{where}: {to_text(value)} shown as {shown} (half-even to 10 decimals)")
            return shown
        self.problems.append(f"{where}: {to_text(value)} needs more than the 10 decimal places OCF allows; "
                             "export with --round to round it half-even (the exact value stays in the comments)")
        return "0"

    def money(self, value: Fraction, where: str) -> dict[str, str]:
        return {"amount": self.num(value, where), "currency": CURRENCY}

    # -- set-up

    def _pick_company(self, wanted: str | None) -> str:
        issuers = list(dict.fromkeys(e.terms.company for e in self.user if isinstance(e, ev.OptionIssued)))
        registered = [e.company.id for e in self.user if isinstance(e, ev.CompanyRegistered)]
        if wanted:
            if wanted not in registered:
                raise BadInput(f"company: {wanted!r} is not a registered company (known: {', '.join(dict.fromkeys(registered)) or 'none'})",
                               field="company")
            return wanted
        if len(issuers) == 1:
            return issuers[0]
        if not issuers:
            raise BadInput(f"the source holds no option issued on or before {self.as_of}: nothing to export", field="as_of")
        raise BadInput(f"--company: an OCF package is one issuer's; the source has options of {', '.join(issuers)}", field="company")

    # -- securities

    def _new_security(self, option: OptionState, tranche: int, on: date, source: ev.Event, why: str, purchase: Fraction | None) -> str:
        base = option.option_no if len(option.tranches) == 1 else f"{option.option_no}.t{tranche + 1}"
        g = self.generation.get(base, 0) + 1
        self.generation[base] = g
        sid = base if g == 1 else f"{base}/{g}"
        t = option.tranches[tranche]
        where = f"warrant {sid}"
        quantity = self.num(t.shares, f"{where} quantity")
        if option.basket is None:
            mechanism: dict[str, Any] = {"type": "FIXED_AMOUNT_CONVERSION", "converts_to_quantity": quantity}
            right: dict[str, Any] = {"type": "WARRANT_CONVERSION_RIGHT", "conversion_mechanism": mechanism,
                                     "converts_to_stock_class_id": self.stock_class_id}
        else:
            basket = "; ".join(f"{fmt(i.quantity)} {i.item.value} {i.description or i.issuer}".strip() for i in option.basket)
            right = {"type": "WARRANT_CONVERSION_RIGHT", "conversion_mechanism": {
                "type": "CUSTOM_CONVERSION", "custom_conversion_description": f"after a §3 transaction each option share delivers: {basket}"}}
        exp = option.terms.expiration.on
        trigger: dict[str, Any] = {"trigger_id": f"{sid}:exercise", "nickname": "Exercise at the holder's election",
                                   "trigger_description": "The holder may exercise in whole or in part by notice, surrender and payment "
                                   + (f"until the Expiration Date, {exp.isoformat()}." if exp else "(the agreement defines no Expiration Date)."),
                                   "type": "ELECTIVE_IN_RANGE" if exp else "ELECTIVE_AT_WILL"}
        if exp:
            trigger["start_date"] = on.isoformat()
            trigger["end_date"] = exp.isoformat()
        trigger["conversion_right"] = right
        data: dict[str, Any] = {"object_type": "TX_WARRANT_ISSUANCE", "id": f"{sid}:issuance", "security_id": sid, "date": on.isoformat(),
                                "custom_id": option.option_no + (f" tranche {tranche + 1}" if len(option.tranches) > 1 else ""),
                                "stakeholder_id": option.holder, "quantity": quantity, "quantity_source": "INSTRUMENT_FIXED",
                                "exercise_price": self.money(t.exercise_price, f"{where} exercise_price")}
        if purchase is None:
            pp = self.facts.number(option.option_no, "purchase_price")
            if pp is None:
                self.problems.append(f"{where} purchase_price: the agreement gives none; {record_hint(option.option_no, 'purchase_price', '100.00')}")
                pp = Fraction(0)
            purchase = pp if len(option.tranches) == 1 or tranche == 0 else Fraction(0)
        data["purchase_price"] = self.money(purchase, f"{where} purchase_price")
        data["exercise_triggers"] = [trigger]
        if exp:
            data["warrant_expiration_date"] = exp.isoformat()
        data["security_law_exemptions"] = []
        obj = Obj(data, source.id, [why, *terms_notes(option.terms, option.option_no)])
        if finite_decimal(t.shares) is None or finite_decimal(t.exercise_price) is None:
            obj.notes.append(f"Exact figures: {to_text(t.shares)} shares at {to_text(t.exercise_price)} per share.")
        self.transactions.append(obj)
        self.current[(option.option_no, tranche)] = sid
        self.issuances[sid] = obj
        return sid

    def _cancel(self, option: OptionState, tranche: int, on: date, source: ev.Event, reason: str) -> str:
        sid = self.current[(option.option_no, tranche)]
        quantity = option.tranches[tranche].shares
        self.transactions.append(Obj({"object_type": "TX_WARRANT_CANCELLATION", "id": f"{sid}:cancellation", "security_id": sid,
                                      "date": on.isoformat(), "quantity": self.num(quantity, f"cancellation of {sid} quantity"),
                                      "reason_text": reason}, source.id))
        return sid

    def _restate(self, before: OptionState, after: OptionState, on: date, source: ev.Event, reason: str) -> None:
        for i, t in enumerate(before.tranches):
            if t.shares > 0 and (before.option_no, i) in self.current:
                old = self._cancel(before, i, on, source, f"{reason}; restated as a new security")
                self._new_security(after, i, on, source, f"Restated from {old}: {reason}.", Fraction(0))

    # -- the walk

    def run(self) -> ExportResult:
        _state, decided = replay(self.user)
        state = BookState(as_of=None)
        for e in self.user:
            if isinstance(e, ev.Correction):
                state.corrections[e.corrects] = e
        pending: tuple[ev.Event, int] | None = None
        for d in decided:
            if not d.derived:
                if pending is not None:
                    self._carry(state, *pending)
                pending = (d, len(self.transactions))
            before = dict(state.options)
            apply(state, d)
            if d.id not in state.corrections:
                self._on(d, before, state)
        if pending is not None:
            self._carry(state, *pending)
        return self._package(state)

    def _on(self, e: ev.Event, before: dict[str, OptionState], state: BookState) -> None:
        if isinstance(e, ev.CompanyRegistered) and e.company.id == self.company:
            self.registration = e
        elif isinstance(e, ev.HolderRegistered):
            self._stakeholder(e)
        elif isinstance(e, ev.OptionIssued) and e.terms.company == self.company:
            option = state.options[e.option_no]
            for i in range(len(option.tranches)):
                self._new_security(option, i, e.on, e, f"Issued {e.on.isoformat()} (§1.1).", None)
        elif isinstance(e, ev.StockEvent) and e.issuer == self.company:
            self._stock_event(e, before, state)
        elif isinstance(e, ev.ExerciseEffected) and e.option_no in before and before[e.option_no].company == self.company:
            self._exercise(e, before[e.option_no], state)
        elif isinstance(e, ev.TransferRegistered) and e.option_no in before and before[e.option_no].company == self.company:
            self._transfer(e, before[e.option_no], state)
        elif isinstance(e, ev.ReplacementIssued) and e.option_no in before and before[e.option_no].company == self.company:
            old, new = before[e.option_no], state.options[e.new_option]
            request = state.by_id.get(e.request)
            cause = request.cause.value if isinstance(request, ev.ReplacementRequested) else "replacement"
            for i, t in enumerate(old.tranches):
                if t.shares > 0:
                    sid = self._cancel(old, i, e.on, e, f"replaced under §8 ({cause}) by option {e.new_option}")
                    self._new_security(new, i, e.on, e, f"Replacement of {sid} under §8 ({cause}); the old instrument is void.", Fraction(0))
        elif isinstance(e, ev.Amended) and e.option_no in before and before[e.option_no].company == self.company:
            self._restate(before[e.option_no], state.options[e.option_no], e.on, e, f"terms amended under §14 on {e.on.isoformat()}")
        elif isinstance(e, ev.Reorganized) and e.company == self.company:
            for no, prior in before.items():
                now = state.options.get(no)
                if now is not None and prior.active and prior.company == self.company and now.basket != prior.basket:
                    self._restate(prior, now, e.on, e, f"{e.transaction.value} of {e.on.isoformat()} (§3): each option share now delivers "
                                  f"what one common share became; owed by {e.successor}")
        elif isinstance(e, ev.AuthorizedShares) and e.company == self.company:
            if self.initial_authorized is None:
                self.initial_authorized = e.shares
            else:
                self.transactions.append(Obj({"object_type": "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT", "id": f"{e.id}:authorized",
                                              "date": e.on.isoformat(), "stock_class_id": self.stock_class_id,
                                              "new_shares_authorized": self.num(e.shares, f"authorized shares {e.id}")},
                                             e.id, [e.source] if e.source else []))

    def _stakeholder(self, e: ev.HolderRegistered) -> None:
        h = e.holder
        kind = self.facts.get(h.id, "stakeholder_type")
        if kind is None:
            kind = "institution" if re.search(INSTITUTION, h.name, re.IGNORECASE) else None
        data: dict[str, Any] = {"object_type": "STAKEHOLDER", "id": h.id, "name": {"legal_name": h.name}}
        if kind is None:
            self.problems.append(f"stakeholder {h.id} stakeholder_type: {h.name!r} shows no entity suffix; "
                                 + record_hint(h.id, "stakeholder_type", "individual"))
            kind = "individual"
        data["stakeholder_type"] = kind.upper()
        relation = self.facts.get(h.id, "relationship")
        if relation:
            data["current_relationship"] = relation.upper()
        notes = []
        if h.address is not None:
            parsed = us_address(h.address.lines)
            if parsed:
                data["addresses"] = [{"address_type": "CONTACT", **parsed, "country": "US"}]
            else:
                notes.append(f"Address for notices (§13): {h.address}.")
        if h.group:
            notes.append(f"Counted with affiliates in group {h.group!r} for the cap (§10).")
        existing = self.stakeholders.get(h.id)
        if existing is not None:
            existing.data, existing.notes = data, notes
        else:
            self.stakeholders[h.id] = Obj(data, "", notes)

    def _stock_event(self, e: ev.StockEvent, before: dict[str, OptionState], state: BookState) -> None:
        ratio = e.outstanding_after / e.outstanding_before
        told = f"{e.event.value} of the common stock on {e.on.isoformat()} (§4): outstanding {fmt(e.outstanding_before)} -> {fmt(e.outstanding_after)}"
        if e.event in (ev.StockEventKind.SUBDIVISION, ev.StockEventKind.COMBINATION):
            self.transactions.append(Obj({"object_type": "TX_STOCK_CLASS_SPLIT", "id": f"{e.id}:split", "date": e.on.isoformat(),
                                          "stock_class_id": self.stock_class_id,
                                          "split_ratio": {"numerator": str(ratio.numerator), "denominator": str(ratio.denominator)}},
                                         e.id, [told[0].upper() + told[1:] + "."]))
        else:
            self.manifest_notes.append(f"A stock dividend is not a split: the {told} is carried by restating each warrant, "
                                       "not as a TX_STOCK_CLASS_SPLIT.")
        for no, old in before.items():
            new = state.options.get(no)
            if new is not None and old.active and old.company == self.company and new.tranches != old.tranches:
                self._restate(old, new, e.on, e, f"adjusted under §4 for the {e.event.value} of {e.on.isoformat()} "
                              f"(shares x {fmt(ratio)}, price / {fmt(ratio)})")

    def _exercise(self, e: ev.ExerciseEffected, old: OptionState, state: BookState) -> None:
        t = e.tranche
        sid = self.current[(old.option_no, t)]
        price = old.tranches[t].exercise_price
        notice = state.by_id.get(e.notice)
        method = notice.method.value if isinstance(notice, ev.ExerciseNoticeReceived) else "exercise"
        resulting: list[str] = []
        exercise = Obj({"object_type": "TX_WARRANT_EXERCISE", "id": f"{sid}:exercise", "security_id": sid, "date": e.on.isoformat(),
                        "trigger_id": f"{sid}:exercise",
                        "consideration_text": f"{method} exercise of {fmt(e.shares_exercised)} option shares at {money(price)}: "
                        f"aggregate exercise price {money(e.aggregate_exercise_price)}"
                        + (", paid by surrendering option shares under X = Y(A-B)/A" if method == "cashless" else "")},
                       e.id,
                       [f"OCF 1.2.0's exercise has no quantity: the whole security {sid} is exercised; "
                        "the unexercised balance is re-issued as a new security among the resulting securities." if e.shares_exercised < old.tranches[t].shares
                        else f"The whole of {sid} is exercised."])
        self.transactions.append(exercise)
        if old.basket is not None:
            exercise.notes.append("After a §3 transaction the exercise delivers the basket the common stock became, not common stock of this issuer.")
        elif e.whole_shares > 0:
            stock_sid = f"{e.notice}:shares"
            delivery = self.deliveries.get(e.notice)
            custom = (", ".join(delivery.certificates) if delivery and delivery.certificates else
                      "book entry" if delivery and delivery.book_entry else e.notice)
            notes = [f"Issued on exercise of option {old.option_no} (§2.1): deemed issued at the close of business {e.on.isoformat()}.",
                     f"Exact shares issued {to_text(e.shares_issued)}; the fraction {to_text(e.fraction)} paid in cash: {money(e.cash_in_lieu_paid)}."]
            if e.fair_market_value is not None:
                notes.append(f"Fair market value used (§1.2): {money(e.fair_market_value)}.")
            notes.append(f"Delivery due {e.delivery_due.isoformat()}" + (f"; delivered {delivery.on.isoformat()}." if delivery else "; not delivered by the as-of date."))
            notes.append("share_price is the exercise price per share in effect; for a cashless exercise it was paid in option shares.")
            stock: dict[str, Any] = {"object_type": "TX_STOCK_ISSUANCE", "id": f"{stock_sid}:issuance", "security_id": stock_sid,
                                     "date": e.on.isoformat(), "custom_id": custom, "stakeholder_id": old.holder,
                                     "stock_class_id": self.stock_class_id, "share_price": self.money(price, f"stock {stock_sid} share_price"),
                                     "quantity": self.num(e.whole_shares, f"stock {stock_sid} quantity"),
                                     "stock_legend_ids": [self._legend_id()] if old.terms.legend else [],
                                     "security_law_exemptions": []}
            self.transactions.append(Obj(stock, e.id, notes))
            resulting.append(stock_sid)
        new = state.options[old.option_no]
        if new.tranches[t].shares > 0:
            resulting.append(self._new_security(new, t, e.on, e, f"Balance of {sid} after the partial exercise of {e.on.isoformat()} (§2.1).", Fraction(0)))
        exercise.data["resulting_security_ids"] = resulting

    def _transfer(self, e: ev.TransferRegistered, parent: OptionState, state: BookState) -> None:
        request = state.by_id.get(e.request)
        pieces = len(request.pieces) if isinstance(request, ev.TransferRequested) else len(e.new_options)
        children = [state.options[n] for n in e.new_options]
        takers, balance = children[:pieces], children[pieces:]
        for i, t in enumerate(parent.tranches):
            if t.shares <= 0 or (parent.option_no, i) not in self.current:
                continue
            sid = self.current[(parent.option_no, i)]
            moved = sum((c.tranches[i].shares for c in takers), Fraction(0))
            if moved == 0:
                self._cancel(parent, i, e.on, e, f"exchanged under §7 for option {balance[0].option_no if balance else '?'}")
                for c in balance:
                    self._new_security(c, i, e.on, e, f"Exchanged for {sid} under §7.", Fraction(0))
                continue
            tx = Obj({"object_type": "TX_WARRANT_TRANSFER", "id": f"{sid}:transfer", "security_id": sid, "date": e.on.isoformat(),
                      "quantity": self.num(moved, f"transfer of {sid} quantity")}, e.id,
                     ["Transfer registered on the company's books (§7, §12): new options of like tenor "
                      + ", ".join(f"{c.option_no} to {c.holder}" for c in children) + "."])
            self.transactions.append(tx)
            tx.data["resulting_security_ids"] = [self._new_security(c, i, e.on, e, f"Transferred from {sid} under §7.", Fraction(0))
                                                 for c in takers if c.tranches[i].shares > 0]
            for c in balance:
                if c.tranches[i].shares > 0:
                    tx.data["balance_security_id"] = self._new_security(c, i, e.on, e, f"The transferor's balance of {sid} under §7.", Fraction(0))

    def _legend_id(self) -> str:
        if self.legend is None:
            self.legend = Obj({"object_type": "STOCK_LEGEND_TEMPLATE", "id": f"{self.company}.legend",
                               "name": "Securities Act restrictive legend",
                               "text": "The option and the shares issuable on its exercise are not registered under the Securities Act of 1933 "
                                       "or state securities laws; they may not be sold, offered, pledged or hypothecated without an effective "
                                       "registration statement or an opinion of counsel satisfactory to the company that registration is not required."},
                              "the option's terms (legend: true)", ["warrantbook's summary of the legend on the face of the instrument, not its full text."])
        return str(self.legend.data["id"])

    # -- where each event is carried

    def _carry(self, state: BookState, event: ev.Event, first_made: int) -> None:
        line = carrier_line(self.seq[event.id], event)
        words = f"{event.on.isoformat()} {event.clause}: {describe(event)}"
        made = self.transactions[first_made:]
        target = made[0] if made else self._anchor(state, event)
        if target is None:
            self.manifest_notes.append(words)
            self.manifest_notes.append(line)
            return
        if not made and not isinstance(event, (ev.Quote, ev.CompanyRegistered, ev.HolderRegistered, ev.CapTableFact)):
            target.notes.append(words)
        target.carried.append(line)

    def _anchor(self, state: BookState, event: ev.Event) -> Obj | None:
        if isinstance(event, ev.CompanyRegistered):
            return self.issuer if event.company.id == self.company else None
        if isinstance(event, ev.CapTableFact):
            if event.subject == self.company:
                return self.issuer if event.name in ("formation_date", "country", "country_subdivision") else self.stock_class
            if event.subject in self.stakeholders:
                return self.stakeholders[event.subject]
            return self._option_anchor(state, event.subject)
        option_no = getattr(event, "option_no", None)
        if isinstance(option_no, str) and option_no:
            return self._option_anchor(state, option_no)
        holder = getattr(event, "holder", None)
        if isinstance(event, (ev.HolderRegistered, ev.AddressFurnished, ev.BeneficialOwnership)):
            holder = event.holder.id if isinstance(event, ev.HolderRegistered) else holder
            return self.stakeholders.get(str(holder))
        company = getattr(event, "company", None) or getattr(event, "issuer", None)
        if company == self.company:
            return self.stock_class
        return None

    def _option_anchor(self, state: BookState, option_no: str) -> Obj | None:
        keys = sorted(k for k in self.current if k[0] == option_no)
        return self.issuances.get(self.current[keys[0]]) if keys else None

    # -- the package

    def _package(self, state: BookState) -> ExportResult:
        reg = self.registration
        if reg is None:
            raise BadInput(f"company: {self.company!r} is not registered on or before {self.as_of}", field="company")
        c = reg.company
        issuer = self.issuer.data
        issuer["legal_name"] = c.name
        formed = self.facts.get(c.id, "formation_date")
        if formed is None:
            self.problems.append(f"issuer formation_date: the agreement gives none; {record_hint(c.id, 'formation_date', '1988-05-02')}")
        issuer["formation_date"] = formed.isoformat() if formed else "1900-01-01"
        code = state_code(c.state)
        country = self.facts.get(c.id, "country") or ("US" if code else None)
        if country is None:
            self.problems.append(f"issuer country_of_formation: {c.state!r} is not a US state; {record_hint(c.id, 'country', 'CA')}")
        issuer["country_of_formation"] = country or "US"
        subdivision = self.facts.get(c.id, "country_subdivision") or code
        if subdivision:
            issuer["country_subdivision_of_formation"] = subdivision
        if c.office is not None:
            parsed = us_address(c.office.lines)
            if parsed:
                issuer["address"] = {"address_type": "CONTACT", **parsed, "country": "US"}
            else:
                self.issuer.notes.append(f"Principal office: {c.office}.")
        self.issuer.notes.insert(0, f"Company registered in warrantbook as {c.id!r}; incorporated in {c.state}.")
        sc = self.stock_class.data
        sc["name"] = self.facts.get(c.id, "stock_class_name") or "Common Stock"
        sc["class_type"] = "COMMON"
        prefix = self.facts.get(c.id, "certificate_prefix")
        if prefix is None:
            self.problems.append(f"stock class default_id_prefix: {record_hint(c.id, 'certificate_prefix', 'C-')}")
        sc["default_id_prefix"] = prefix or ""
        if self.initial_authorized is None:
            self.problems.append(f"stock class initial_shares_authorized: record an 'authorized' fact for {c.id} on or before {self.as_of}")
        sc["initial_shares_authorized"] = self.num(self.initial_authorized or Fraction(0), "stock class initial_shares_authorized")
        for name, example in (("votes_per_share", "1"), ("seniority", "1")):
            value = self.facts.number(c.id, name)
            if value is None:
                self.problems.append(f"stock class {name}: {record_hint(c.id, name, example)}")
            sc[name] = self.num(value or Fraction(0), f"stock class {name}")
        if c.par_value is not None:
            sc["par_value"] = self.money(c.par_value, "stock class par_value")
        # the stock class's keys in the schema's order
        order = ["object_type", "id", "name", "class_type", "default_id_prefix", "initial_shares_authorized", "votes_per_share", "par_value", "seniority"]
        self.stock_class.data = {k: sc[k] for k in order if k in sc}
        if self.problems:
            raise ExportProblems(self.problems)
        files: dict[str, dict[str, Any]] = {}
        files["Stakeholders.ocf.json"] = {"file_type": "OCF_STAKEHOLDERS_FILE", "items": [o.finish() for o in self.stakeholders.values()]}
        files["StockClasses.ocf.json"] = {"file_type": "OCF_STOCK_CLASSES_FILE", "items": [self.stock_class.finish()]}
        if self.legend is not None:
            files["StockLegendTemplates.ocf.json"] = {"file_type": "OCF_STOCK_LEGEND_TEMPLATES_FILE", "items": [self.legend.finish()]}
        files["Transactions.ocf.json"] = {"file_type": "OCF_TRANSACTIONS_FILE", "items": [o.finish() for o in self.transactions]}
        notes = [f"Exported by warrantbook as of {self.as_of.isoformat()}: {len(self.user)} recorded events, each carried as a "
                 f"'{CARRIER} #n' comment line on the object it made or concerns; warrantbook's 'ocf import' restores them exactly, "
                 "other tools may ignore them. docs/ocf.md says what each object means.", *self.manifest_notes]
        manifest = build_manifest(self.issuer.finish(), self.as_of, files, notes)
        package = Package(manifest, files)
        counts: dict[str, int] = {}
        for o in package.all_objects():
            counts[str(o["object_type"])] = counts.get(str(o["object_type"]), 0) + 1
        return ExportResult(to_zip(package, self.as_of), package, counts, self.rounded)


def export_ocf(events: list[ev.Event], as_of: date, *, company: str | None = None, allow_rounding: bool = False) -> ExportResult:
    """The OCF package of one issuer's options as of a date; ExportProblems lists whatever keeps it from being valid."""
    return Exporter(events, as_of, company, allow_rounding).run()

