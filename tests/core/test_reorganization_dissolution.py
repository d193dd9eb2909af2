"""§3.2 and the branch of §3.3 where the option does not continue: the option ends as an instrument for
common stock; the holder is owed what it would have received on exercising every remaining option share just
before, the aggregate exercise price settled by `Readings.dissolution_price`; the delivery stays open until a
DissolutionDelivered event closes it, once. A dissolution follows the transfer of the assets (§3.1(c))."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import decide
from warrantbook.core.errors import BookErrors, WarrantbookError
from warrantbook.core.state import Status
from warrantbook.core.summary import open_items

ACQ = """
- {id: acq, on: 2006-01-01, type: company, actor: company:acq, company: {id: acq, name: Acquirer Corp, state: Delaware}}
- {id: acq-list, on: 2006-01-01, type: listing, actor: company:acq, company: acq, venue: exchange}
- {id: aq, on: 2006-06-30, type: quote, actor: system, company: acq, venue: exchange, close: "12.50"}
"""
TRANSFER = """
- {id: r, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: asset-transfer, successor: Acquirer Corp,
   basket: [{item: security, issuer: acq, quantity: "0.002"}, {item: cash, quantity: "0.001"}]}
"""
DISSOLVE = "- {id: d, on: 2006-07-03, type: dissolution, actor: company:atg, company: atg}"
TRUSTEE = """
- {id: t, on: 2006-07-05, type: trustee, actor: holder:gssf, option_no: ATG-1, name: Illustrative Trust Company,
   principal_office: {lines: [1 Wall Street, "New York, NY 10005"]}, bank_or_trust_company: true}
"""


def delivered(eid: str = "dd", price: str = "1402.50", to_trustee: str = "false", actor: str = "company:atg", on: str = "2006-07-10") -> str:
    return (f"- {{id: {eid}, on: {on}, type: dissolution-delivery, actor: {actor}, option_no: ATG-1, to_trustee: {to_trustee}, "
            f"price_received: \"{price}\"}}")


def reading(value: str) -> str:
    return PREAMBLE.replace('exercise_price: "0.00001"}]}', f'exercise_price: "0.00001"}}], readings: {{dissolution_price: {value}}}}}')


def test_dissolution_after_the_asset_transfer_quantifies_the_delivery() -> None:
    """140,250,000 option shares: 280,500 acq shares and $140,250 cash; the holder pays 140,250,000 x $0.00001 = $1,402.50."""
    state = make_book(ACQ, TRANSFER, DISSOLVE).state
    option = state.options["ATG-1"]
    assert option.status is Status.DISSOLVED and option.status_since == date(2006, 7, 3)
    owed = option.dissolution
    assert owed is not None and owed.event == "d" and not owed.problem
    assert (owed.option_shares, owed.baskets) == (140_250_000, 140_250_000)
    assert [(i.exact, i.whole) for i in owed.items] == [(280_500, 280_500), (140_250, 140_250)]
    assert (owed.price, owed.price_due, owed.reading) == (F("1402.5"), F("1402.5"), "holder-pays")
    text = [i.text for i in open_items(state, option, date(2006, 7, 4)) if i.kind == "dissolution"]
    assert len(text) == 1 and "280500 acq" in text[0] and "$140250 cash" in text[0] and "$1402.5" in text[0], text


def test_the_ended_option_refuses_an_exercise() -> None:
    with pytest.raises(BookErrors) as info:
        make_book(ACQ, TRANSFER, DISSOLVE, """
        - {id: n, on: 2006-07-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}
        """)
    assert (info.value.errors[0].clause, info.value.errors[0].field) == ("§3.2", "option")


A = F("0.002") * F("12.50") + F("0.001")  # the basket's FMV on 2006-06-30: $0.026


@pytest.mark.parametrize(
    ("value", "basket_cash", "baskets", "from_cash", "due"),
    [
        # cashless: X = Y (A - B) / A baskets, nothing paid
        ("cashless", "0.001", F(140_250_000) * (A - F("0.00001")) / A, F(0), F(0)),
        # from-cash: the $1,402.50 comes out of the $140,250 cash
        ("from-cash", "0.001", F(140_250_000), F("1402.5"), F(0)),
        # from-cash: $140.25 of cash covers part; the holder pays the rest, $1,262.25
        ("from-cash", "0.000001", F(140_250_000), F("140.25"), F("1262.25")),
    ],
)
def test_the_price_is_settled_by_the_named_reading(value: str, basket_cash: str, baskets: F, from_cash: F, due: F) -> None:
    state = make_book(ACQ, TRANSFER.replace('quantity: "0.001"', f'quantity: "{basket_cash}"'), DISSOLVE, preamble=reading(value)).state
    owed = state.options["ATG-1"].dissolution
    assert owed is not None and not owed.problem, owed
    assert (owed.baskets, owed.price_from_cash, owed.price_due, owed.reading) == (baskets, from_cash, due, value)
    assert owed.items[0].exact == baskets * F("0.002")


def test_an_option_that_does_not_continue_ends_at_the_transaction() -> None:
    """§3.3: a merger after which the option does not continue: the §3.2 delivery, without any dissolution."""
    state = make_book(ACQ, TRANSFER.replace("asset-transfer", "merger").replace("basket:", "continues: false, basket:")).state
    option = state.options["ATG-1"]
    assert option.status is Status.DISSOLVED and option.dissolution is not None and option.dissolution.event == "r"
    assert option.dissolution_delivery_due


def test_the_delivery_closes_the_item_once() -> None:
    book = make_book(ACQ, TRANSFER, DISSOLVE, delivered())
    option = book.state.options["ATG-1"]
    assert option.dissolution is not None and option.dissolution.delivered == "dd" and not option.dissolution_delivery_due
    assert not [i for i in open_items(book.state, option, date(2006, 7, 11)) if i.kind == "dissolution"]


def test_the_holder_may_instruct_delivery_to_its_trustee_after_the_option_ended() -> None:
    book = make_book(ACQ, TRANSFER, DISSOLVE, TRUSTEE, delivered(to_trustee="true"))
    option = book.state.options["ATG-1"]
    assert option.trustee == "Illustrative Trust Company" and option.dissolution is not None and option.dissolution.delivered == "dd"


def test_an_unquantifiable_delivery_waits_and_a_back_dated_fact_quantifies_it() -> None:
    """The cashless reading needs the basket's FMV on the day; without acq's quote the delivery cannot be made."""
    no_quote = ACQ.replace('- {id: aq, on: 2006-06-30, type: quote, actor: system, company: acq, venue: exchange, close: "12.50"}\n', "")
    state = make_book(no_quote, TRANSFER, DISSOLVE, preamble=reading("cashless")).state
    owed = state.options["ATG-1"].dissolution
    assert owed is not None and "no exchange closing or last sale price for Acquirer Corp" in owed.problem, owed
    with pytest.raises(BookErrors) as info:
        make_book(no_quote, TRANSFER, DISSOLVE, delivered(price="0"), preamble=reading("cashless"))
    assert (info.value.errors[0].clause, info.value.errors[0].field) == ("§3.2", "option_no")
    # the quote recorded later for the day before: the fold finds it in date order
    state = make_book(no_quote, TRANSFER, DISSOLVE, ACQ.split("\n")[3], preamble=reading("cashless")).state
    owed = state.options["ATG-1"].dissolution
    assert owed is not None and not owed.problem


@pytest.mark.parametrize(
    ("extra", "clause", "field"),
    [
        # §3.2: nothing is owed before the option ended
        ((TRANSFER, delivered()), "§3.2", "option_no"),
        # §3.2: the delivery is made once
        ((TRANSFER, DISSOLVE, delivered(), delivered(eid="dd2", on="2006-07-11")), "§3.2", "option_no"),
        # §3.2 with §2.2(a): the holder pays the price before the delivery (reading holder-pays)
        ((TRANSFER, DISSOLVE, delivered(price="1402.49")), "§3.2, §2.2(a)", "price_received"),
        # §3.2: to a trustee only when the holder designated one
        ((TRANSFER, DISSOLVE, delivered(to_trustee="true")), "§3.2", "to_trustee"),
        # §3.2: once the holder instructed delivery to its trustee, not to the holder
        ((TRANSFER, DISSOLVE, TRUSTEE, delivered()), "§3.2", "to_trustee"),
        # authority: the holder does not record the company's delivery
        ((TRANSFER, DISSOLVE, delivered(actor="holder:gssf")), "§3.2", "actor"),
        # §3.2: a dissolution follows the transfer of the assets; a merger is not one
        ((TRANSFER.replace("asset-transfer", "merger"), DISSOLVE), "§3.2", "company"),
        # §3.2: no transfer at all
        ((DISSOLVE,), "§3.2", "company"),
        # §3.2: dissolved once
        ((TRANSFER, DISSOLVE, DISSOLVE.replace("id: d,", "id: d2,").replace("07-03", "07-04")), "§3.2", "company"),
        # the company must be registered
        ((TRANSFER, "- {id: dz, on: 2006-07-03, type: dissolution, actor: company:zzz, company: zzz}"), None, "company"),
        # §3.2: the trustee is a bank or trust company, with its principal office in New York, New York
        ((TRANSFER, DISSOLVE, TRUSTEE.replace("bank_or_trust_company: true", "bank_or_trust_company: false")), "§3.2",
         "bank_or_trust_company"),
        ((TRANSFER, DISSOLVE, TRUSTEE.replace('"New York, NY 10005"', '"Boston, MA 02110"')), "§3.2", "principal_office"),
        # §3.2: nothing further happens to a dissolved company under §3.1
        ((TRANSFER, DISSOLVE, TRANSFER.replace("id: r,", "id: r2,").replace("06-01", "07-05")), "§3.2", "company"),
    ],
)
def test_dissolution_refusals(extra: tuple[str, ...], clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(ACQ, *extra)
    err = info.value.errors[0]
    problems = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]


def test_refusals_on_dates_before_the_facts() -> None:
    state = make_book(ACQ, TRANSFER, DISSOLVE).state
    # §3.2: the delivery cannot precede the event that ended the option
    early = ev.DissolutionDelivered(id="x", on=date(2006, 7, 1), actor="company:atg", option_no="ATG-1", price_received=F("1402.5"))
    with pytest.raises(WarrantbookError) as info:
        decide(state, early)
    assert (info.value.clause, info.value.field) == ("§3.2", "on")
    # §3.2: a dissolution dated before the transfer of the assets
    state = make_book(ACQ, TRANSFER).state
    with pytest.raises(WarrantbookError) as info:
        decide(state, ev.Dissolved(id="x", on=date(2006, 5, 1), actor="company:atg", company="atg"))
    assert (info.value.clause, info.value.field) == ("§3.2", "company")
