"""The seed option and an illustrative life for it.

The company, the holder, the issue date, the share number and the price come from the 2005 agreement. Every
later event (quotes, share counts, the split, the exercise, the transfer, the waiver) is ILLUSTRATIVE: made up
to show the software at work, not a record of what happened. `examples/seed-option.yaml` is this, written
out (a test keeps the two equal).
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction as F

from warrantbook.core import events as ev
from warrantbook.core.calendars import is_trading_day
from warrantbook.core.terms import Address, Company, Holder, PaymentMethod, Venue, seed_terms

HEADER = """warrantbook book: the 2005 option of American Technologies Group, Inc. to GSSF Master Fund, L.P.
The parties, issue date, share number and exercise price come from the agreement.
Everything after the issue (quotes, share counts, the split, the exercise, the transfer, the waiver
notice) is ILLUSTRATIVE: invented to show the software at work, not a record of what happened.
Format: docs/book-format.md"""

COMPANY = "atg"
HOLDER = "gssf"
TRANSFEREE = "northbridge"


def _quotes(start: date, end: date, bid: F, ask: F, step: F) -> list[ev.Event]:
    """OTCBB closing bid/ask for every trading day in [start, end], drifting by `step` a day."""
    out: list[ev.Event] = []
    day = start
    i = 0
    while day <= end:
        if is_trading_day(day):
            out.append(ev.Quote(id=f"q-{day.isoformat()}", on=day, actor="system", company=COMPANY, venue=Venue.OTCBB,
                                bid=bid + step * i, ask=ask + step * i, source="illustrative"))
            i += 1
        day += timedelta(days=1)
    return out


def seed_life() -> list[ev.Event]:
    issue = date(2005, 9, 7)
    company = "company:atg"
    holder = "holder:gssf"
    terms = seed_terms(option_no="ATG-1", company=COMPANY)
    life: list[ev.Event] = [
        ev.CompanyRegistered(id="atg", on=issue, actor=company, company=Company(
            id=COMPANY, name="American Technologies Group, Inc.", state="Nevada",
            office=Address(("1 Illustrative Plaza", "Monrovia, CA 91016")), par_value=F(1, 1000))),
        ev.HolderRegistered(id="gssf", on=issue, actor=holder, holder=Holder(
            id=HOLDER, name="GSSF Master Fund, L.P.", address=Address(("c/o Illustrative Fund Services", "New York, NY 10022")))),
        ev.OptionIssued(id="issue-ATG-1", on=issue, actor=company, option_no="ATG-1", holder=HOLDER, terms=terms,
                        note="the instrument's own number is blank; ATG-1 is ours"),
        ev.Listed(id="listing", on=issue, actor=company, company=COMPANY, venue=Venue.OTCBB),
        ev.SharesOutstanding(id="out-2005", on=issue, actor=company, company=COMPANY, shares=F(1_200_000_000),
                             source="illustrative transfer agent count"),
        ev.AuthorizedShares(id="auth-2005", on=issue, actor=company, company=COMPANY, shares=F(2_000_000_000),
                            source="illustrative charter"),
        ev.BeneficialOwnership(id="own-2005", on=issue, actor=holder, holder=HOLDER, company=COMPANY, shares=F(10_000_000),
                               source="illustrative holder certificate; this option excluded"),
        ev.StockEvent(id="split-2006", on=date(2006, 1, 10), actor=company, issuer=COMPANY,
                      event=ev.StockEventKind.SUBDIVISION, outstanding_before=F(1_200_000_000),
                      outstanding_after=F(2_400_000_000), note="illustrative 2-for-1 split"),
        ev.AuthorizedShares(id="auth-2006", on=date(2006, 1, 10), actor=company, company=COMPANY, shares=F(4_000_000_000),
                            source="illustrative charter amendment for the split"),
        ev.NoticeSent(id="cert-split-mailed", on=date(2006, 1, 12), actor=company, option_no="ATG-1",
                      subject="certificate as to adjustments (§5): 2-for-1 split", addressee=HOLDER,
                      address=Address(("c/o Illustrative Fund Services", "New York, NY 10022")), tracking="7005 1160 0000 0000 0001",
                      regarding="split-2006"),
        ev.ExerciseNoticeReceived(id="notice-1", on=date(2006, 3, 15), actor=holder, option_no="ATG-1", channel=ev.Channel.FAX,
                                  shares=F(50_000_000), method=PaymentMethod.CASHLESS,
                                  deliver_to=ev.Delivery("GSSF Master Fund, L.P.")),
        ev.OptionSurrendered(id="surrender-1", on=date(2006, 3, 15), actor=company, option_no="ATG-1", notice="notice-1"),
        ev.SharesDelivered(id="delivery-1", on=date(2006, 3, 17), actor=company, option_no="ATG-1", notice="notice-1",
                           certificates=("C-1041",), issued_in_name="GSSF Master Fund, L.P.", cash_paid=F("0.01")),
        ev.HolderRegistered(id="northbridge", on=date(2006, 6, 1), actor="holder:northbridge", holder=Holder(
            id=TRANSFEREE, name="Northbridge Illustrative Partners LP", address=Address(("200 Example Street", "Boston, MA 02110")))),
        ev.TransferRequested(id="transfer-1", on=date(2006, 6, 1), actor=holder, option_no="ATG-1",
                             pieces=(ev.TransferPiece(TRANSFEREE, percent=F(20, 100), shares=F(46_100_000)),),
                             endorsement_signed=True, witnessed_by="A. Witness", original_surrendered=True,
                             opinion_received=True, transfer_taxes_paid=True),
        ev.TransferRegistered(id="transfer-1-registered", on=date(2006, 6, 5), actor=company, option_no="ATG-1",
                              request="transfer-1", new_options=("ATG-2", "ATG-3")),
        ev.WaiverNoticeReceived(id="waiver-1", on=date(2006, 7, 3), actor=holder, option_no="ATG-3",
                                note="the cap of ATG-3 falls away 75 days after receipt"),
    ]
    life += _quotes(date(2006, 2, 1), date(2006, 12, 29), F("0.021"), F("0.023"), F("0.0001"))
    return life
