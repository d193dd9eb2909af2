"""An ILLUSTRATIVE life long enough to print every kind of document (tests, the benchmark, docs/documents.md).

The seed option's life (`warrantbook.seed`) and then, all invented: the cashless maximum of ATG-3 held down by
the §10 cap, shares delivered by book entry to a nominee, a §1.3 acknowledgment, the loss and §8 replacement of
ATG-2, a new address furnished under §13, an option agent under §11, a 3-for-1 split (whose price, 1/600000, has
no finite decimal) with its §5 certificates mailed to the holders and the agent, a cash exercise of the
replacement through the agent, and a merger (§3) that turns each share into half a share of the successor and
a cent, with its §5 certificate.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from warrantbook.core import events as ev
from warrantbook.core.terms import Address, Company, PaymentMethod
from warrantbook.seed import COMPANY, HOLDER, TRANSFEREE, seed_life

GSSF_NEW_ADDRESS = Address(("Attn: Operations", "500 Illustrative Avenue, 12th Floor", "New York, NY 10017"))
NOMINEE = Address(("c/o Illustrative Custody Bank", "1 Custody Plaza", "Jersey City, NJ 07311"))
AGENT_OFFICE = Address(("17 Battery Place", "New York, NY 10004"))
NORTHBRIDGE = Address(("200 Example Street", "Boston, MA 02110"))

# the shares outstanding the day of the 3-for-1 split, as the book counts them after the two exercises (a test checks it)
SPLIT_BEFORE = F(2_502_254_496)


def paperwork_life() -> list[ev.Event]:
    company = "company:atg"
    gssf = f"holder:{HOLDER}"
    nb = f"holder:{TRANSFEREE}"
    extra: list[ev.Event] = [
        ev.ExerciseNoticeReceived(id="notice-2", on=date(2006, 8, 1), actor=gssf, option_no="ATG-3", channel=ev.Channel.ORIGINAL,
                                  shares=None, method=PaymentMethod.CASHLESS,
                                  deliver_to=ev.Delivery("GSSF Nominee LLC", NOMINEE)),
        ev.OptionSurrendered(id="surrender-2", on=date(2006, 8, 1), actor=company, option_no="ATG-3", notice="notice-2"),
        ev.AcknowledgmentRequested(id="ack-request-1", on=date(2006, 8, 1), actor=gssf, option_no="ATG-3"),
        ev.AcknowledgmentGiven(id="ack-1", on=date(2006, 8, 2), actor=company, option_no="ATG-3", request="ack-request-1"),
        ev.SharesDelivered(id="delivery-2", on=date(2006, 8, 3), actor=company, option_no="ATG-3", notice="notice-2", book_entry=True,
                           issued_in_name="GSSF Nominee LLC", cash_paid=F("0.01"), transfer_taxes_paid=True),
        ev.ReplacementRequested(id="replacement-request-1", on=date(2006, 9, 1), actor=nb, option_no="ATG-2",
                                cause=ev.ReplacementCause.LOST, evidence="affidavit of loss of 2006-08-30",
                                indemnity=F(10_000), indemnity_form="indemnity agreement"),
        ev.ReplacementIssued(id="replacement-1", on=date(2006, 9, 5), actor=company, option_no="ATG-2",
                             request="replacement-request-1", new_option="ATG-4"),
        ev.AddressFurnished(id="address-gssf-2006", on=date(2006, 9, 10), actor=gssf, holder=HOLDER, address=GSSF_NEW_ADDRESS),
        ev.AgentAppointed(id="agent-1", on=date(2006, 10, 2), actor=company, company=COMPANY, name="Illustrative Transfer & Trust Co.",
                          office=AGENT_OFFICE),
        ev.StockEvent(id="split-2006-11", on=date(2006, 11, 1), actor=company, issuer=COMPANY, event=ev.StockEventKind.SUBDIVISION,
                      outstanding_before=SPLIT_BEFORE, outstanding_after=SPLIT_BEFORE * 3, note="illustrative 3-for-1 split"),
        ev.AuthorizedShares(id="auth-2006-11", on=date(2006, 11, 1), actor=company, company=COMPANY, shares=F(9_000_000_000),
                            source="illustrative charter amendment for the split"),
        ev.NoticeSent(id="cert-split-3-gssf", on=date(2006, 11, 3), actor=company, option_no="ATG-3",
                      subject="certificate as to adjustments (§5): 3-for-1 split", addressee=HOLDER, address=GSSF_NEW_ADDRESS,
                      mail_class=ev.MailClass.REGISTERED, tracking="RR 000 000 002 US", regarding="split-2006-11"),
        ev.NoticeSent(id="cert-split-3-gssf-agent", on=date(2006, 11, 3), actor=company, option_no="ATG-3",
                      subject="certificate as to adjustments (§5): 3-for-1 split", addressee="Illustrative Transfer & Trust Co.",
                      address=AGENT_OFFICE, tracking="7005 1160 0000 0000 0003", regarding="split-2006-11", recipient_role="agent"),
        ev.NoticeSent(id="cert-split-3-northbridge", on=date(2006, 11, 3), actor=company, option_no="ATG-4",
                      subject="certificate as to adjustments (§5): 3-for-1 split", addressee=TRANSFEREE, address=NORTHBRIDGE,
                      tracking="7005 1160 0000 0000 0004", regarding="split-2006-11"),
        ev.BeneficialOwnership(id="own-northbridge", on=date(2006, 11, 1), actor=nb, holder=TRANSFEREE, company=COMPANY, shares=F(0),
                               source="illustrative holder certificate; options excluded"),
        ev.ExerciseNoticeReceived(id="notice-3", on=date(2006, 11, 15), actor=nb, option_no="ATG-4", shares=F(1_000_000),
                                  method=PaymentMethod.CASH),
        ev.PaymentReceived(id="payment-3", on=date(2006, 11, 15), actor="agent:Illustrative Transfer & Trust Co.", option_no="ATG-4",
                           notice="notice-3", cash=F("1.67"), instrument="certified check"),
        ev.OptionSurrendered(id="surrender-3", on=date(2006, 11, 16), actor="agent:Illustrative Transfer & Trust Co.", option_no="ATG-4",
                             notice="notice-3", place="agent"),
        ev.CompanyRegistered(id="ihc", on=date(2006, 12, 1), actor="company:ihc", company=Company(
            id="ihc", name="Illustrative Holdings Corp.", state="Delaware", office=Address(("9 Example Way", "Wilmington, DE 19801")))),
        ev.Reorganized(id="merger-1", on=date(2006, 12, 15), actor=company, company=COMPANY, transaction=ev.ReorganizationKind.MERGER,
                       successor="Illustrative Holdings Corp.",
                       basket=(ev.BasketItem(ev.ItemKind.SECURITY, F(1, 2), issuer="ihc", description="common stock"),
                               ev.BasketItem(ev.ItemKind.CASH, F("0.01")))),
        ev.NoticeSent(id="cert-merger-gssf", on=date(2006, 12, 18), actor=company, option_no="ATG-3",
                      subject="certificate as to adjustments (§5): merger into Illustrative Holdings Corp.", addressee=HOLDER,
                      address=GSSF_NEW_ADDRESS, mail_class=ev.MailClass.CERTIFIED, tracking="7005 1160 0000 0000 0005",
                      regarding="merger-1"),
    ]
    return seed_life() + extra


# One event (or option) of the sample life for each kind of document: (kind, event id, option number).
SAMPLE_CASES: list[tuple[str, str | None, str | None]] = [
    ("exercise-notice", "notice-1", None),
    ("transfer-form", "transfer-1", None),
    ("adjustment-certificate", "split-2006-11", "ATG-3"),
    ("option-certificate", None, "ATG-4"),
    ("notice", "cert-split-3-gssf", None),
    ("notice-register", None, None),
    ("acknowledgment", "ack-1", None),
    ("delivery-statement", "delivery-2", None),
]
