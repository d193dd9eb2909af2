"""Faithful without being copied: each form carries its exhibit's elements in the exhibit's order, in our words.

These tests read the agreement from ../shared and skip, saying so, when it is absent.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.documents.conftest import AGREEMENT, flat, needs_poppler, needs_shared, pdf_text
from tests.documents.test_golden import CASES
from warrantbook.core import events as ev

pytestmark = [needs_shared, needs_poppler]

RUN = 8  # words in a row shared with the agreement that would count as copying


def agreement() -> str:
    return flat(AGREEMENT.read_text(encoding="utf-8"))


def exhibit(letter: str) -> str:
    text = agreement()
    start = text.index(f"Exhibit {letter} FORM OF")
    end = text.find("Exhibit B FORM OF", start + 1) if letter == "A" else len(text)
    return text[start:end]


def in_order(text: str, markers: list[str]) -> list[str]:
    """The markers not found in order: each is looked for after the one before it."""
    missing, at = [], 0
    for m in markers:
        i = text.find(m, at)
        if i < 0:
            missing.append(m)
        else:
            at = i + len(m)
    return missing


# (the exhibit's element, as the agreement words it; as our form words it)
EXHIBIT_A = [
    ("FORM OF SUBSCRIPTION", "FORM OF SUBSCRIPTION"),
    ("(To Be Signed Only On Exercise Of Option)", "To be signed only to exercise the Option"),
    ("TO:", "To:"),
    ("Attention: Chief Financial Officer", "Attention: Chief Financial Officer"),
    ("Option (No.____)", "Under Option No."),
    ("hereby irrevocably elects to purchase", "irrevocably elects to buy"),
    ("shares of the Common Stock covered by such Option; or", "shares of Common Stock under the Option; or"),
    ("the maximum number of shares of Common Stock covered by such Option pursuant to the cashless exercise procedure",
     "the largest number of shares of Common Stock the Option allows under the cashless exercise"),
    ("makes payment of the full Exercise Price", "pays the whole Exercise Price"),
    ("at the price per share provided for in such Option", "at the Option’s price per share"),
    ("in lawful money of the United States", "in lawful money of the United States"),
    ("the cancellation of such portion of the attached Option", "by cancelling the part of the Option"),
    ("using a Fair Market Value of", "at a Fair Market Value of"),
    ("in accordance with the formula set forth in Section 2.2", "under the formula of Section 2.2"),
    ("requests that the certificates for such shares be issued in the name of", "issue the certificates for these shares in the name of"),
    ("whose address is", "deliver them to that person at"),
    ("represents and Options", "represents and warrants"),  # the seed's typo, read as "warrants"
    ("Dated:", "Dated:"),
    ("(Signature must conform to name of holder as specified on the face of the Warrant)",
     "Sign exactly as the holder’s name appears on the face of the Option."),  # "Warrant" read as "Option"
    ("Address:", "Address:"),
]

EXHIBIT_B = [
    ("FORM OF TRANSFEROR ENDORSEMENT", "FORM OF TRANSFEROR ENDORSEMENT"),
    ("(To Be Signed Only On Transfer Of Option)", "To be signed only to transfer the Option"),
    ("For value received", "For value received"),
    ("sells, assigns, and transfers", "sells, assigns and transfers"),
    ("\"Transferees\"", "Transferees"),
    ("\"Percentage Transferred\"", "Percentage Transferred"),
    ("\"Number Transferred,\"", "Number Transferred"),
    ("appoints each such person Attorney", "appoints each of those persons its attorney"),
    ("with full power of substitution", "with full power of substitution"),
    ("Transferees Address", "Transferees Address"),  # the table's heads (the agreement sets the last two on two lines)
    ("Dated:", "Dated:"),
    ("(Signature must conform to name of holder as specified on the face of the Option)",
     "Sign exactly as the holder’s name appears on the face of the Option."),
    ("Address:", "Address:"),
    ("SIGNED IN THE PRESENCE OF:", "Signed in the presence of:"),
    ("(Name)", "(Name)"),
    ("ACCEPTED AND AGREED:", "Accepted and agreed"),
    ("[TRANSFEREE]", "Transferee:"),
    ("(Name)", "(Name)"),
]

SECTION_5 = [
    ("(a) the consideration received or receivable by the Company", "(a) Consideration received or receivable by the Company"),
    ("(b) the number of shares of Common Stock (or Other Securities) outstanding", "(b) Shares of Common Stock outstanding"),
    ("(c) the Exercise Price and the number of shares of Common Stock", "(c) Exercise Price and shares purchasable on exercise"),
    ("in effect immediately prior to such adjustment", "Shares before"),
    ("as adjusted or readjusted", "Shares after"),
    ("mail a copy of each such certificate to the Holder and any Option agent", "Mailing of this certificate"),
]


@pytest.mark.parametrize("elements,source,kind,event", [
    (EXHIBIT_A, "A", "exercise-notice", "notice-1"),
    (EXHIBIT_B, "B", "transfer-form", "transfer-1"),
    (SECTION_5, "5", "adjustment-certificate", "split-2006"),
], ids=["Exhibit A", "Exhibit B", "§5"])
def test_every_element_in_the_exhibits_order(make, elements, source, kind, event):
    text = exhibit(source) if source in "AB" else agreement()
    assert not in_order(text, [theirs for theirs, _ours in elements]), "the element list no longer matches the agreement"
    for fmt in ("pdf", "html"):
        made = make(kind, event, fmt=fmt)
        ours = flat(pdf_text(made.issued.content, mode="-raw") if fmt == "pdf" else html.unescape(re.sub(r"<[^>]+>", " ", made.text)).replace("'", "’"))
        assert not in_order(ours, [o for _t, o in elements]), f"{fmt}: elements missing or out of order"


def _tokens(text: str, names: list[str]) -> list[str]:
    text = text.replace("’", "'")
    for name in sorted(names, key=len, reverse=True):  # the parties' names are facts, not wording
        text = text.replace(name, " | ")
    return re.findall(r"[a-z]+|\d+|\|", text.lower())


def _names(events: list[ev.Event]) -> list[str]:
    out = []
    for e in events:
        if isinstance(e, ev.CompanyRegistered):
            out.append(e.company.name)
        elif isinstance(e, ev.HolderRegistered):
            out.append(e.holder.name)
        elif isinstance(e, ev.AgentAppointed):
            out.append(e.name)
        elif isinstance(e, ev.ExerciseNoticeReceived) and e.deliver_to is not None:
            out.append(e.deliver_to.name)
    return out + [n.upper() for n in out]


@pytest.mark.parametrize("kind,event,option", CASES + [("exercise-notice", "notice-2", None), ("option-certificate", None, "ATG-1")],
                         ids=lambda v: str(v))
def test_no_sentence_of_the_agreement_is_copied(make, sample_events, kind, event, option):
    names = _names(sample_events)
    theirs = _tokens(agreement(), names)
    grams = {tuple(theirs[i:i + RUN]) for i in range(len(theirs) - RUN + 1)}
    for fmt in ("pdf", "html"):
        made = make(kind, event, option, fmt=fmt)
        text = pdf_text(made.issued.content, mode="-raw") if fmt == "pdf" else html.unescape(re.sub(r"<[^>]+>", " ", made.text))
        ours = _tokens(text, names)
        copied = {" ".join(ours[i:i + RUN]) for i in range(len(ours) - RUN + 1) if tuple(ours[i:i + RUN]) in grams}
        assert not copied, f"{fmt}: {RUN} words in a row from the agreement: {sorted(copied)}"


def test_typos_read_as_the_agreement_means(make):
    f = make("exercise-notice", "notice-1").flat
    assert "represents and warrants" in f and "face of the Option" in f
    assert "represents and Options" not in f and "Warrant" not in f
