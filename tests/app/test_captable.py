"""The cap table (app.captable): its figures on the seed book and after an uneven split, worked by hand; the fund's
view across two companies; what a viewer may not see."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.app.books import AS_OF, seed_state, state_of, two_companies
from warrantbook.app.captable import company_cap_table, fund_view
from warrantbook.app.views import NotVisible, Visibility


def test_seed_book_cap_table() -> None:
    """examples/seed-option.yaml as of 2006-12-29.

    Outstanding: 1,200,000,000, x2 by the 2006-01-10 split = 2,400,000,000, + 49,989,919 issued by the 2006-03-15 cashless
    exercise = 2,449,989,919. Authorized 4,000,000,000 (auth-2006). The options: ATG-1 was split by the transfer into
    ATG-2 (northbridge, 46,100,000) and ATG-3 (gssf, 184,400,000), both at $0.000005 (0.00001 / 2); ATG-1 is superseded
    and not counted. Option shares 230,500,000 = the §6 requirement; available 4,000,000,000 - 2,449,989,919 =
    1,550,010,081. Fully diluted 2,449,989,919 + 230,500,000 = 2,680,489,919.
    FMV (§1.2(b)): the mean of the 2006-12-28 bid 0.0439 and ask 0.0459 = 0.0449. Intrinsic value: ATG-2 46,100,000 x
    (0.0449 - 0.000005) = 2,069,659.50; ATG-3 184,400,000 x 0.044895 = 8,278,638.
    gssf certified 10,000,000 (x2 split) + 49,989,919 issued to it = 69,989,919; with ATG-3: 254,389,919 of 2,680,489,919.
    §10: ATG-3's cap is void from 2006-09-16 (75 days after the waiver notice of 2006-07-03); ATG-2's group certified no
    holdings, so its allowance is unknown (the core's refusal is shown, not a guess)."""
    d = company_cap_table(seed_state(), "atg", date(2006, 12, 29))
    assert (d["outstanding"], d["authorized"]) == ("2449989919", "4000000000")
    assert d["reserved"] == {"required": "230500000", "available": "1550010081", "shortfall": "0", "clause": "§6"}
    assert (d["option_shares"], d["fully_diluted_shares"]) == ("230500000", "2680489919")
    options = {o["option"]: o for o in d["options"]}
    assert sorted(options) == ["ATG-2", "ATG-3"]
    assert options["ATG-2"]["remaining"] == "46100000" and options["ATG-2"]["tranches"][0]["exercise_price"] == "0.000005"
    assert options["ATG-2"]["fmv"]["value"] == "0.0449" and options["ATG-2"]["fmv"]["clause"] == "§1.2(b)"
    assert options["ATG-2"]["intrinsic_value"] == "2069659.5"
    assert options["ATG-3"]["intrinsic_value"] == "8278638"
    assert options["ATG-3"]["fully_diluted"] == "184400000/2680489919"
    holders = {h["holder"]["id"]: h for h in d["holders"]}
    assert holders["gssf"]["common"] == "69989919" and holders["gssf"]["fully_diluted_shares"] == "254389919"
    assert F(holders["gssf"]["fully_diluted"]) == F(254_389_919, 2_680_489_919)
    assert holders["northbridge"]["common"] is None and holders["northbridge"]["common_certified"] is False
    assert d["others"]["common"] == str(2_449_989_919 - 69_989_919)
    # the shares add up to the basis, every holder and the others counted once
    total = sum((F(h["fully_diluted_shares"]) for h in d["holders"]), F(d["others"]["common"]))
    assert total == F(d["fully_diluted_shares"])
    headroom = {x["option"]: (g["group"], x) for g in d["headroom"] for x in g["options"]}
    assert headroom["ATG-3"][1]["limited"] is False and "void from 2006-09-16" in headroom["ATG-3"][1]["reason"]
    assert headroom["ATG-2"][1]["allowance"] is None and "certified" in headroom["ATG-2"][1]["reason"]
    assert d["totals"]["intrinsic_value_shown"] == "10348297.5"


def test_seed_headroom_while_the_cap_is_in_force() -> None:
    """2006-03-01 (after the split, before the exercise): O = 2,400,000,000, H = 20,000,000 (10,000,000 x 2).
    Allowance (§10, measured before the exercise): floor(0.0499 x 2,400,000,000 - 20,000,000) = 119,760,000 - 20,000,000
    = 99,760,000."""
    d = company_cap_table(seed_state(date(2006, 3, 1)), "atg", date(2006, 3, 1))
    [group] = d["headroom"]
    assert group["group"] == "gssf" and group["holdings"] == "20000000"
    assert group["options"][0] == {"option": "ATG-1", "limited": True, "allowance": "99760000", "reason": "4.99% cap: in force",
                                   "clause": "§10"}


def test_after_an_uneven_split() -> None:
    """alpha, 7-for-3 subdivision on 2006-03-01 (§4: shares x 7/3, price x 3/7):
    outstanding 3,000,000 -> 7,000,000; A-1: 1,000,000 -> 2,333,333 1/3 shares (7,000,000/3) at $0.01 x 3/7 = 3/700
    ($0.00428571...). FMV 2006-03-09: (0.02 + 0.03)/2 = 0.025 (§1.2(b), quotes after the split: no basis change).
    Intrinsic: 7,000,000/3 x (0.025 - 3/700) = 7,000,000/3 x 14.5/700 = 145,000/3 = $48,333.33 1/3.
    Fully diluted: 7,000,000 + 7,000,000/3 = 28,000,000/3; A-1 is (7,000,000/3)/(28,000,000/3) = 1/4.
    The fund certified 700,000 before the split: x 7/3 = 4,900,000/3 (1,633,333 1/3); with A-1: 11,900,000/3, and
    11,900,000/28,000,000 = 0.425. Others: 7,000,000 - 4,900,000/3 = 16,100,000/3 (0.575).
    §6: required 7,000,000/3; available 10,000,000 - 7,000,000 = 3,000,000; no shortfall.
    §10: 0.0499 x 7,000,000 = 349,300 < H: the allowance is 0 (never below zero)."""
    d = company_cap_table(state_of(two_companies()), "alpha", AS_OF)
    assert d["outstanding"] == "7000000" and d["option_shares"] == "7000000/3" and d["fully_diluted_shares"] == "28000000/3"
    assert d["reserved"] == {"required": "7000000/3", "available": "3000000", "shortfall": "0", "clause": "§6"}
    [a1] = d["options"]
    assert a1["tranches"] == [{"tranche": 0, "shares": "7000000/3", "exercise_price": "3/700", "intrinsic_value": "145000/3"}]
    assert a1["fmv"]["value"] == "0.025" and a1["fully_diluted"] == "0.25"
    [fund] = d["holders"]
    assert (fund["common"], fund["fully_diluted_shares"], fund["fully_diluted"]) == ("4900000/3", "11900000/3", "0.425")
    assert d["others"] == {"common": "16100000/3", "fully_diluted": "0.575", "what": "shares outstanding not certified by any holder in the book"}
    assert d["headroom"][0]["options"][0]["allowance"] == "0"


def test_fund_view_across_two_companies() -> None:
    """The fund holds A-1 (alpha) and B-1 (beta); B-2 (another holder's) is not in its view.
    beta: FMV (0.30 + 0.34)/2 = 0.32; B-1: 500,000 x (0.32 - 0.10) = 110,000; fully diluted 2,000,000 + 600,000 =
    2,600,000, the fund's 500,000 (no certified common) = 5/26. Total intrinsic: 145,000/3 + 110,000 = 475,000/3."""
    d = fund_view(state_of(two_companies()), "fund", AS_OF)
    by = {c["company"]["id"]: c for c in d["companies"]}
    assert sorted(by) == ["alpha", "beta"]
    assert [o["option"] for o in by["beta"]["options"]] == ["B-1"]
    assert by["beta"]["intrinsic_value"] == "110000" and by["beta"]["fully_diluted_shares"] == "2600000"
    assert by["beta"]["fully_diluted"] == "5/26" and by["beta"]["common"] is None
    assert by["alpha"]["fully_diluted"] == "0.425" and by["alpha"]["intrinsic_value"] == "145000/3"
    assert d["totals"] == {"companies": 2, "options": 2, "intrinsic_value": "475000/3", "intrinsic_value_complete": True}


def test_out_of_the_money_is_worth_zero() -> None:
    """B-2: $0.50 against an FMV of 0.32: max(0.32 - 0.50, 0) x 100,000 = 0."""
    d = company_cap_table(state_of(two_companies()), "beta", AS_OF)
    assert {o["option"]: o["intrinsic_value"] for o in d["options"]} == {"B-1": "110000", "B-2": "0"}


def test_no_fmv_is_said_not_guessed() -> None:
    """Before any quote the §1.2 FMV cannot be known: the figure is absent with the core's reason."""
    d = company_cap_table(state_of(two_companies(), date(2006, 2, 1)), "beta", date(2006, 2, 1))
    assert all(o["fmv"] is None and o["intrinsic_value"] is None and o["fmv_problem"] for o in d["options"])
    assert d["totals"]["intrinsic_value_complete"] is False


def Sees(options: set[str], companies: set[str]) -> Visibility:  # noqa: N802 (reads as the viewer it builds)
    """A viewer of these options and these companies' books."""
    return Visibility(options=frozenset(options), companies=frozenset(companies), every_event=False)


def test_a_company_the_viewer_may_not_see_is_refused_like_an_unknown_one() -> None:
    state = state_of(two_companies())
    with pytest.raises(NotVisible) as seen:
        company_cap_table(state, "beta", AS_OF, Sees({"B-1"}, {"alpha"}))
    with pytest.raises(NotVisible) as unknown:
        company_cap_table(state, "gamma", AS_OF, Visibility.everything())
    assert seen.value.field == unknown.value.field == "company"
    assert "that you may see" in seen.value.message


def test_hidden_options_are_summed_never_dropped_silently() -> None:
    d = company_cap_table(state_of(two_companies()), "beta", AS_OF, Sees({"B-1"}, {"beta"}))
    assert [o["option"] for o in d["options"]] == ["B-1"]
    assert d["hidden_options"] == {"count": 1, "shares": "100000", "fully_diluted": "1/26"}
    assert [h["holder"]["id"] for h in d["holders"]] == ["fund"]  # the hidden option's holder is not named
    assert d["totals"]["option_shares_shown"] == "500000" and d["option_shares"] == "600000"


def test_fund_view_refusals() -> None:
    state = state_of(two_companies())
    with pytest.raises(NotVisible):
        fund_view(state, "nobody", AS_OF)
    with pytest.raises(NotVisible):  # a holder whose every option is hidden from the viewer: the same answer as unknown
        fund_view(state, "other", AS_OF, Sees({"A-1", "B-1"}, {"alpha", "beta"}))
    d = fund_view(state, "fund", AS_OF, Sees({"A-1"}, {"alpha"}))  # a viewer of alpha alone sees the fund's alpha option only
    assert [c["company"]["id"] for c in d["companies"]] == ["alpha"]


@pytest.mark.parametrize("company", ["alpha", "beta"])
def test_every_viewer_sees_the_shares_add_up_to_the_basis(company: str) -> None:
    """Whatever options a viewer may see, the holders shown, the others and the options not shown make 100%."""
    from itertools import chain, combinations

    state = state_of(two_companies())
    options = [o.option_no for o in state.options.values() if o.company == company]
    for seen in chain.from_iterable(combinations(options, k) for k in range(len(options) + 1)):
        d = company_cap_table(state, company, AS_OF, Sees(set(seen), {company}))
        parts = [F(h["fully_diluted"]) for h in d["holders"]] + [F(d["others"]["fully_diluted"])]
        if d["hidden_options"]:
            parts.append(F(d["hidden_options"]["fully_diluted"]))
        assert sum(parts) == 1, seen
        assert sorted(o["option"] for o in d["options"]) == sorted(seen)


def test_without_shares_outstanding_the_fully_diluted_figures_are_absent_not_guessed() -> None:
    events = [e for e in two_companies() if e.id != "beta-out"]
    state = state_of(events)
    d = company_cap_table(state, "beta", AS_OF)
    assert d["outstanding"] is None and d["fully_diluted_shares"] is None and d["problems"]
    assert all(o["fully_diluted"] is None for o in d["options"]) and d["others"]["common"] is None
    assert {o["option"]: o["intrinsic_value"] for o in d["options"]} == {"B-1": "110000", "B-2": "0"}  # the FMV does not need it
    fund = fund_view(state, "fund", AS_OF)
    beta = [c for c in fund["companies"] if c["company"]["id"] == "beta"][0]
    assert beta["fully_diluted"] is None and beta["fully_diluted_shares"] is None
