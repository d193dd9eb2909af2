"""Which effects commute: two events whose effects give the same state whichever is applied first.

The fold applies a day's events in phase order (events.sort_key), so an event recorded after others of a later
phase sorts before them: a surrender at noon recorded after this afternoon's notices were effected at the close.
The projection (store/projection.py) would then replay the day's later events on a copy of the state. When the
new event's effect commutes with each of those later effects, applying it last gives the fold's state, with the
event moved to its place in the list of events, and nothing is replayed.

The claim is declared per kind, never assumed, from what each effect reads and changes (its footprint):

- `OWN_OPTION`: effects that read and change one option's own value only (`state.options[e.option_no]`): a
  notice opens a pending exercise (§2.1), a surrender or a payment completes one (§2.1, §2.2(a)).
- `ONE_OPTION`: effects that change one option's value and, beside it, only figures no `OWN_OPTION` effect reads:
  the `OWN_OPTION` kinds, an exercise effected (its option, then the company's running count of shares outstanding
  and the holder's holdings for §6 and §10) and a delivery (its option).

An `OWN_OPTION` event commutes with a `ONE_OPTION` event of another option: neither reads what the other changes.
Anything else (a §4 event reaches every option of its company, a §7 transfer makes options, a correction changes
what was applied) commutes with nothing. tests/core/test_commute.py applies every declared pair in both orders.
"""

from __future__ import annotations

from warrantbook.core import events as ev

OWN_OPTION: frozenset[type[ev.Event]] = frozenset({ev.ExerciseNoticeReceived, ev.OptionSurrendered, ev.PaymentReceived})
ONE_OPTION: frozenset[type[ev.Event]] = OWN_OPTION | {ev.ExerciseEffected, ev.SharesDelivered}


def commutes(early: ev.Event, later: ev.Event) -> bool:
    """Whether applying `early` after `later` gives the state applying it before would (see the module's note)."""
    return (type(early) in OWN_OPTION and type(later) in ONE_OPTION
            and early.option_no != later.option_no)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- companies apart: the fold's groups
#
# Events of two different companies commute too, when each effect reads and changes only its company's part of the
# book: the company's facts (`state.companies[c]`), its options (and `by_company[c]`), and its holders' own
# certificates of its stock (`owned[(holder, c)]`, `owners[c]`). Nothing in one company's part is read by an effect
# in another's. So the fold may apply the ledger company by company, each company's events in the one documented
# order: the same state, with the locality of walking one company's options at a time (state.fold).
#
# The book's registers (holders, addresses, documents, the reports of others' figures) are a part of their own:
# the kinds that change them change nothing else, and no company's effect reads them.
#
# Declared per kind, never assumed. A kind not declared here (a §3 transaction, which joins two companies' parts;
# a §3 dissolution and its delivery) makes the fold walk the whole ledger in date order.

BOOK = ""  # the part of the book's own registers

_OF_OPTION: frozenset[type[ev.Event]] = frozenset({
    ev.ExerciseNoticeReceived, ev.OptionSurrendered, ev.PaymentReceived, ev.ExerciseEffected, ev.SharesDelivered,
    ev.RefundPaid, ev.Amended, ev.AcknowledgmentRequested, ev.AcknowledgmentGiven, ev.TransferRequested,
    ev.TransferRegistered, ev.ReplacementRequested, ev.ReplacementIssued, ev.VoidInstrumentPresented,
    ev.WaiverNoticeReceived, ev.DefaultNoticeReceived, ev.DefaultCured, ev.NoticeSent, ev.TrusteeDesignated,
})
_OF_COMPANY: frozenset[type[ev.Event]] = frozenset({
    ev.Listed, ev.Quote, ev.FmvAgreed, ev.FmvAwarded, ev.LiquidationAmount, ev.SharesOutstanding, ev.AuthorizedShares,
    ev.AgentAppointed,
})
_OF_BOOK: frozenset[type[ev.Event]] = frozenset({ev.HolderRegistered, ev.AddressFurnished, ev.DocumentIssued, ev.Correction})


def company_groups(events: list[ev.Event], keys: list[int] | None = None) -> list[int] | None:
    """Each event's part of the book, as a number (BOOK's is 0), or None when some event's effect may reach two
    companies' parts and the ledger must be folded in date order.

    An option's events belong to its company: the company it was issued by, which the options made from it by a §7
    transfer or a §8 replacement keep.

    `events` may come in any order, with `keys` their places in the documented order (state.sort_keys; events of one
    key keep the order they come in): the fold passes them as recorded, so this walk reads them where they lie in
    memory rather than scattered in date order. An option's event belongs to its part only if the option was made
    (issued, or by a §7 or §8 event) before it, in the documented order; if the event comes first here, or sorts
    before the option was made, the fold walks the ledger in date order (None), which gives the same state."""
    if keys is None:
        from warrantbook.core.state import sort_keys  # the state module imports this one

        keys = sort_keys(events)
    number: dict[str, int] = {BOOK: 0}  # company -> its part's number
    company_of: dict[str, str] = {}  # option number -> company
    part_of: dict[str, int] = {}  # option number -> its company's part (the one look-up an option's event costs)
    made: dict[str, int] = {}  # option number -> the key of the event that made it (the earliest, if two did)
    out: list[int] = []
    append = out.append
    of_option, of_company, of_book = _OF_OPTION, _OF_COMPANY, _OF_BOOK
    option_issued, stock_event, ownership, company_registered = ev.OptionIssued, ev.StockEvent, ev.BeneficialOwnership, ev.CompanyRegistered
    transfer, replacement = ev.TransferRegistered, ev.ReplacementIssued
    for e, key in zip(events, keys):
        kind = type(e)
        if kind in of_option:
            no = e.option_no  # type: ignore[attr-defined]
            part = part_of.get(no)
            if part is None or made[no] > key:
                return None  # an option not made before this event: whatever its effect does, do it in date order
            if kind is transfer or kind is replacement:
                company = company_of[no]
                for new in (e.new_options if kind is transfer else (e.new_option,)):  # type: ignore[attr-defined]
                    if company_of.setdefault(new, company) != company:  # §7, §8: options of like tenor, same company
                        return None
                    part_of[new] = part
                    made[new] = min(made.get(new, key), key)
            append(part)
            continue
        if kind is stock_event:
            company = e.issuer  # type: ignore[attr-defined]
        elif kind in of_company:
            company = e.company  # type: ignore[attr-defined]
        elif kind is option_issued:
            company = e.terms.company  # type: ignore[attr-defined]
            if company_of.setdefault(e.option_no, company) != company:  # type: ignore[attr-defined]
                return None  # one number for two companies' options: no part of the book holds it alone
        elif kind is company_registered:
            company = e.company.id  # type: ignore[attr-defined]
        elif kind is ownership:
            # a holder's own certificate is its company's (§10's H); anyone else's figures are a report, the book's
            company = e.company if e.role == "holder" else BOOK  # type: ignore[attr-defined]
        elif kind in of_book:
            company = BOOK
        else:
            return None
        part = number.get(company)
        if part is None:
            part = number[company] = len(number)
        if kind is option_issued:
            no = e.option_no  # type: ignore[attr-defined]
            part_of[no] = part
            made[no] = min(made.get(no, key), key)
        append(part)
    return out
