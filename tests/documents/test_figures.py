"""Every figure, name, date and election on each document, read back from the PDF and checked against
values worked out independently (tests/documents/expected.py), never against the function that filled it."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.documents.conftest import line_with, needs_poppler
from tests.documents.expected import Expected, commas, dec, long, ratio_text, usd

pytestmark = needs_poppler

GSSF = "GSSF Master Fund, L.P."
NORTHBRIDGE = "Northbridge Illustrative Partners LP"
COMPANY = "American Technologies Group, Inc."


@pytest.fixture(scope="module")
def x(sample_events) -> Expected:
    return Expected(sample_events)


def checked(line: str) -> bool:
    """A box line of the form: the box's X comes first on the line."""
    return line.split()[0] == "X"


def test_exercise_notice_stated_number_cashless(make, x):
    doc = make("exercise-notice", "notice-1")
    t, f = doc.text, doc.flat
    e = x.ex1
    # addressed to the company, Attention: CFO (no option agent in March 2006)
    assert "To: American Technologies Group, Inc." in t and "Attention: Chief Financial Officer" in t
    assert "Under Option No. ATG-1 attached" in f
    # the election: a stated number, not the maximum
    assert checked(line_with(t, f"{commas(e.Y)} shares of Common Stock under the Option; or"))
    assert not checked(line_with(t, "the largest number of shares of Common Stock the Option allows"))
    # the price per share, adjusted by the 2006 split
    assert f"price per share, which is ${dec(x.price_after_split1)}," in f
    # payment: the portion of the option cancelled, Y - X option shares at the FMV A; no cash, no formula box
    assert not checked(line_with(t, "in lawful money of the United States"))
    portion = line_with(t, "by cancelling the part of the Option")
    assert checked(portion) and ratio_text(e.cancelled) in portion
    assert f"Fair Market Value of ${dec(e.A)};" in f
    assert not checked(line_with(t, "by cancelling, under the formula of Section 2.2"))
    # certificates, representation, date, signature and address
    assert f"in the name of {GSSF}, and deliver them to that person at c/o Illustrative Fund Services, New York, NY 10022." in f
    assert "represents and warrants" in f and "represents and Options" not in f
    assert "face of the Option" in f and "face of the Warrant" not in f
    assert "Dated: March 15, 2006" in f and f"{GSSF} Sign exactly as the holder" in f
    # the worksheet: each figure on its label's line
    assert f"${dec(e.A)}" in line_with(t, "Fair Market Value per share (A)")
    assert commas(e.Y) in line_with(t, "Option shares exercised (Y)")
    assert ratio_text(e.X) in line_with(t, "Shares to issue, exact")
    assert commas(e.whole) in line_with(t, "Whole shares to deliver")
    assert usd(e.cash_paid) in line_with(t, "Cash in lieu of the fraction")
    assert usd(e.Y * e.B) in line_with(t, "Aggregate exercise price")
    assert commas(x.cap1) in line_with(t, "Cap allowance")
    assert commas(x.after_ex1) in line_with(t, "Option shares remaining after")
    assert "by fax copy" in f and "delivery due by March 20, 2006" in f


def test_exercise_notice_cashless_maximum_held_down_by_the_cap(make, x):
    doc = make("exercise-notice", "notice-2")
    t, f = doc.text, doc.flat
    e = x.ex2
    assert "Under Option No. ATG-3 attached" in f
    assert not checked(line_with(t, "shares of Common Stock under the Option; or"))
    assert checked(line_with(t, "the largest number of shares of Common Stock the Option allows"))
    assert f"this comes to {commas(e.Y)} option shares, held down by §10" in f
    assert f"cap allowance of {commas(x.cap2)} shares" in f
    assert checked(line_with(t, "by cancelling, under the formula of Section 2.2"))
    assert not checked(line_with(t, "by cancelling the part of the Option"))
    assert f"comes to {ratio_text(e.cancelled)}" in f and f"at a Fair Market Value of ${dec(e.A)} per share" in f
    assert "in the name of GSSF Nominee LLC" in f and "Jersey City, NJ 07311" in f
    assert ratio_text(e.X) in line_with(t, "Shares to issue, exact")
    assert commas(e.whole) in line_with(t, "Whole shares to deliver")
    assert usd(e.cash_paid) in line_with(t, "Cash in lieu of the fraction")
    assert commas(x.after_ex2) in line_with(t, "Option shares remaining after")
    assert "in original" in f


def test_exercise_notice_for_cash_goes_to_the_option_agent(make, x):
    doc = make("exercise-notice", "notice-3")
    t, f = doc.text, doc.flat
    # after §11 the notice is addressed to the agent's office
    assert "To: Illustrative Transfer & Trust Co." in t and "17 Battery Place" in t
    assert "Attention: Option agent of American Technologies Group, Inc. (§11)" in f
    assert checked(line_with(t, f"{commas(x.ex3_shares)} shares of Common Stock under the Option; or"))
    # a price with no finite decimal: the fraction, with a rounded decimal beside it
    assert f"price per share, which is ${ratio_text(x.price_after_split2)} (~0.000001666667)," in f
    cash = line_with(t, "in lawful money of the United States")
    assert checked(cash) and usd(x.ex3_cash_due) in cash
    assert not checked(line_with(t, "by cancelling the part of the Option"))
    assert "Sign exactly as the holder’s name appears on the face of the Option. Address: 200 Example Street" in f
    assert NORTHBRIDGE in f
    assert f"${ratio_text(x.ex3_aggregate)}" in line_with(t, "Aggregate exercise price")


def test_transfer_form(make, x):
    doc = make("transfer-form", "transfer-1")
    t, f = doc.text, doc.flat
    row = line_with(t, "Northbridge Illustrative")
    assert "200 Example Street" in row and "20%" in row and commas(x.piece) in row
    assert x.piece / x.after_ex1 == F(1, 5)  # the percentage and the number agree
    assert f"Percentages are of the {commas(x.after_ex1)} shares that remain" in f
    assert "appoints each of those persons its attorney, with full power of substitution" in f
    assert f"on the books of {COMPANY} the transfer" in f
    assert "Dated: June 1, 2006" in f and f"{GSSF} Sign exactly as the holder" in f
    assert "Signed in the presence of:" in f and "A. Witness (Name)" in f
    assert f"Transferee: {NORTHBRIDGE} (Name)" in f
    assert f"Shares staying with the transferor: {commas(x.balance)} (new Option No. ATG-3)" in f
    assert "registered on the Company's books on June 5, 2006" in f or "registered on the Company’s books on June 5, 2006" in f


@pytest.mark.parametrize("option", ["ATG-3", "ATG-4"])
def test_adjustment_certificate_for_the_3_for_1_split(make, x, option):
    doc = make("adjustment-certificate", "split-2006-11", option)
    t, f = doc.text, doc.flat
    before, after = x.split2
    assert "subdivision (split) of the outstanding Common Stock, effective November 1, 2006 (§4(b))" in f
    assert "(a) Consideration received or receivable by the Company" in f and "None: a stock dividend, subdivision" in f
    assert commas(before) in line_with(t, "Immediately before the event")
    assert commas(after) in line_with(t, "Immediately after the event")
    assert line_with(t, "After divided by before").split()[-1] == "3"
    shares_before = x.after_ex2 if option == "ATG-3" else x.piece
    row = line_with(t, f" {commas(shares_before)} ")
    assert f"${dec(x.price_after_split1)}" in row and commas(shares_before * 3) in row
    assert f"${ratio_text(x.price_after_split2)}" in row
    agg = line_with(t, "aggregate")
    assert agg.count(usd(shares_before * x.price_after_split1)) == 2  # the aggregate price does not move
    # addressed to the holder at the address it last furnished, and to the agent appointed in October
    if option == "ATG-3":
        assert "500 Illustrative Avenue, 12th Floor" in t and "September 10, 2006" in f
        assert "Illustrative Transfer & Trust Co." in line_with(t, "Copy to:") and "17 Battery Place" in t
        assert "RR 000 000 002 US" in f and "7005 1160 0000 0000 0003" in f and "registered" in f
    else:
        assert "200 Example Street" in t and "7005 1160 0000 0000 0004" in f
    assert "Dated: November 3, 2006" in f and "Title: Chief Financial Officer" in f
    assert "[§4] share number adjusted" in f


def test_adjustment_certificate_for_the_2006_split(make, x):
    doc = make("adjustment-certificate", "split-2006")
    t, f = doc.text, doc.flat
    assert commas(x.split1[0]) in line_with(t, "Immediately before the event")
    assert commas(x.split1[1]) in line_with(t, "Immediately after the event")
    row = line_with(t, f" {commas(x.issue_shares)} ")
    assert f"${dec(x.issue_price)}" in row and commas(x.shares_after_split1) in row and f"${dec(x.price_after_split1)}" in row
    assert "No option agent has been appointed under §11." in f
    assert "January 12, 2006" in f and "7005 1160 0000 0000 0001" in f


@pytest.mark.parametrize("option,holder,shares,price,issued,lineage", [
    ("ATG-1", GSSF, Expected.issue_shares, Expected.issue_price, "September 7, 2005", ["ATG-1"]),
    ("ATG-3", GSSF, None, None, "June 5, 2006", ["ATG-1", "ATG-3"]),
    ("ATG-4", NORTHBRIDGE, None, None, "September 5, 2006", ["ATG-1", "ATG-2", "ATG-4"]),
])
def test_option_certificate(make, x, option, holder, shares, price, issued, lineage):
    doc = make("option-certificate", None, option)
    t, f = doc.text, doc.flat
    shares = shares if shares is not None else (x.balance if option == "ATG-3" else x.piece)
    price = price if price is not None else x.price_after_split1
    assert f"Entitles its holder to buy up to {commas(shares)} shares of the Common Stock of {COMPANY}" in f
    assert f"No. {option}" in t and f"Issue Date: {issued}" in f
    assert f"{holder}, or its assigns" in f
    assert f"up to {commas(shares)} fully paid and nonassessable shares of its Common Stock at an Exercise Price of ${dec(price)} per share" in f
    assert "NO ONE MAY SELL, OFFER FOR SALE, PLEDGE OR HYPOTHECATE" in f and "OPINION OF COUNSEL" in f
    assert "Original Issue Date: September 7, 2005" in f or option == "ATG-1"
    if option != "ATG-1":
        assert "of like tenor" in f
    positions = [t.index(f"\n {n} ") if f"\n {n} " in t else t.index(n + " ") for n in lineage]
    assert positions == sorted(positions)
    if option == "ATG-4":
        assert "in place of Option No. ATG-2, reported lost" in f and "(§8)" in f
    assert "4.99% of the outstanding Common Stock" in f and "New York (§14)" in f
    assert "Witness:" in f and "By:" in f and "Title:" in f


def test_notice_to_the_furnished_address(make):
    doc = make("notice", "cert-split-3-gssf")
    f = doc.flat
    assert "FIRST-CLASS REGISTERED MAIL, POSTAGE PREPAID (§13)" in f and "Tracking No. RR 000 000 002 US" in f
    assert "November 3, 2006" in f
    assert f"{GSSF} Attn: Operations 500 Illustrative Avenue, 12th Floor New York, NY 10017" in f
    assert "the address the holder last furnished in writing on September 10, 2006 (§13)" in f
    assert "Enclosed: Certificate as to Adjustments under §5 for Option No. ATG-3." in f
    assert "shares outstanding going from 2,502,254,496 to 7,506,763,488, on November 1, 2006" in f


def test_notice_copy_to_the_agent(make):
    f = make("notice", "cert-split-3-gssf-agent").flat
    assert "FIRST-CLASS CERTIFIED MAIL" in f and "7005 1160 0000 0000 0003" in f and "17 Battery Place" in f
    assert "a copy for the agent (§5, §11)" in f


def test_notice_register_lists_every_notice(make, sample_events):
    from warrantbook.core import events as ev

    t = make("notice-register").text
    sent = [e for e in sample_events if isinstance(e, ev.NoticeSent)]
    assert len(sent) == 5
    for n in sent:
        row = line_with(t, n.tracking)
        assert n.on.isoformat() in row and n.option_no in row and n.mail_class.value in row


def test_acknowledgment(make, x):
    doc = make("acknowledgment", "ack-1")
    t, f = doc.text, doc.flat
    assert "At the holder’s request of August 1, 2006" in f or "At the holder's request of August 1, 2006" in f
    assert f"the exercise of {commas(x.ex2.Y)} option shares effected on August 1, 2006" in f
    assert f"to buy the {commas(x.after_ex2)} shares that remain under the Option (at ${dec(x.price_after_split1)} per share)" in f
    assert "void from 2006-09-16" in f  # the §10 waiver of July 3 takes effect 75 days later
    assert "Dated: August 2, 2006" in f
    assert "c/o Illustrative Fund Services" in t  # the address furnished before August 2006


def test_delivery_statement_certificate(make, x):
    doc = make("delivery-statement", "delivery-1")
    t, f = doc.text, doc.flat
    e = x.ex1
    assert ratio_text(e.X) in line_with(t, "Shares issued, exact")
    assert commas(e.whole) in line_with(t, "Whole shares delivered")
    assert ratio_text(e.fraction) in line_with(t, "Fraction not delivered")
    assert f"${dec(e.A)}" in line_with(t, "Fair Market Value per share")
    assert f"${dec(e.cash_exact)}" in line_with(t, "Cash in lieu of the fraction, exact")
    assert usd(e.cash_paid) in line_with(t, "Cash in lieu paid")
    assert "March 20, 2006" in line_with(t, "Delivery due")
    assert "certificate C-1041" in line_with(t, "Delivered as")
    assert GSSF in line_with(t, "Issued in the name of")
    assert "March 17, 2006 (on time)" in line_with(t, "Delivered on")
    assert commas(x.after_ex1) in line_with(t, "Option shares remaining after")
    assert "the Company, at its expense" in f and "none: issued in the holder's own name" in f
    assert f"Aggregate exercise price, {usd(e.Y * e.B)}" in f and ratio_text(e.cancelled) in f
    assert "Dated: March 17, 2006" in f


def test_delivery_statement_book_entry_in_another_name(make, x):
    doc = make("delivery-statement", "delivery-2")
    t, f = doc.text, doc.flat
    assert "book entry" in line_with(t, "Delivered as")
    assert "GSSF Nominee LLC" in line_with(t, "Issued in the name of")
    assert commas(x.ex2.whole) in line_with(t, "Whole shares delivered")
    assert usd(x.ex2.cash_paid) in line_with(t, "Cash in lieu paid")
    assert "the holder (paid)" in f  # transfer taxes on the nominee's name are the holder's (§2.1)


def test_delivery_statement_before_delivery(make, x):
    doc = make("delivery-statement", "notice-3")
    t, f = doc.text, doc.flat
    assert commas(x.ex3_shares) in line_with(t, "Whole shares delivered")
    assert "not yet" in line_with(t, "Delivered")
    assert f"in cash, {usd(x.ex3_cash_due)}" in f
    assert doc.issued.document.dated == date(2025, 1, 2)  # undelivered: dated the day it is made
    assert long(date(2006, 11, 21)) in line_with(t, "Delivery due")  # 3 New York banking days after Thursday Nov 16


def test_adjustment_certificate_for_a_merger(make, x):
    doc = make("adjustment-certificate", "merger-1", "ATG-3")
    t, f = doc.text, doc.flat
    assert "merger of American Technologies Group, Inc. (now owed by Illustrative Holdings Corp.), effective December 15, 2006 (§3.1)" in f
    assert "each share of Common Stock became: 0.5 shares of Illustrative Holdings Corp. (common stock); $0.01 in cash." in f
    # the merger changes what a share delivers, not the number of option shares or their price
    row = line_with(t, f" {commas(x.atg3_after_split2)} ")
    assert row.count(commas(x.atg3_after_split2)) == 2 and row.count(f"${ratio_text(x.price_after_split2)}") == 2
    assert commas(x.split2[1] + x.ex3_shares) in line_with(t, "Immediately before the event")
    assert "before, one share of Common Stock of American Technologies Group, Inc.; after, 0.5 shares of Illustrative Holdings Corp." in f
    assert "ILLUSTRATIVE HOLDINGS CORP." in t and "Dated: December 18, 2006" in f and "7005 1160 0000 0000 0005" in f


def test_adjustment_certificate_defaults_to_the_latest_adjustment(make):
    assert make("adjustment-certificate", None, "ATG-3").issued.document.regarding == "merger-1"
    # ATG-2 was replaced by ATG-4 before the split of November; its latest adjustment is its parent's 2006 split
    doc = make("adjustment-certificate", None, "ATG-2").issued.document
    assert (doc.regarding, doc.option_no) == ("split-2006", "ATG-1")


def test_adjustment_certificate_for_a_split_of_the_successor(sample_events):
    """After the merger a split of the successor's stock adjusts what each option share delivers (§3.3, §4)."""
    from tests.documents.conftest import MADE_ON, pdf_text
    from warrantbook.core import events as ev
    from warrantbook.core.audit import head_of
    from warrantbook.core.decide import replay
    from warrantbook.documents.data import Ledger, gather
    from warrantbook.documents.render import Record, render

    split = ev.StockEvent(id="ihc-split", on=date(2007, 1, 10), actor="company:ihc", issuer="ihc", event=ev.StockEventKind.SUBDIVISION,
                          outstanding_before=F(100_000_000), outstanding_after=F(200_000_000))
    _state, events = replay([e for e in sample_events if not e.derived] + [split])
    doc = gather("adjustment-certificate", Ledger(events), event_id="ihc-split", option_no="ATG-4", made_on=MADE_ON)
    f = " ".join(pdf_text(render(doc, Record(head_of(events), MADE_ON))).split())
    assert "subdivision (split) of the outstanding Common Stock of Illustrative Holdings Corp., part of what each option share delivers" in f
    assert "before, 0.5 shares of Illustrative Holdings Corp. (common stock); $0.01 in cash; after, 1 share of Illustrative Holdings Corp." in f
    assert "Immediately before the event 100,000,000" in f and "Immediately after the event 200,000,000" in f
