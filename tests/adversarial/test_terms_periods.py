"""Adversarial: a period of days in the terms (§2.1 delivery, §10 waiver notice) given by any path (the web form passed
the raw text to the codec; the API takes JSON) is refused by the core when negative or unbounded, naming the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction as F

import pytest

from warrantbook.core import events as ev
from warrantbook.core.decide import replay
from warrantbook.core.errors import BadInput, BookErrors
from warrantbook.core.terms import Cap, Tranche, seed_terms
from warrantbook.seed import seed_life

ON = date(2006, 12, 29)


def _issue(**terms: object) -> ev.OptionIssued:
    t = replace(seed_terms(option_no="ATG-9", company="atg"), issue_date=ON, tranches=(Tranche(F(1000), F("0.00001")),), **terms)
    return ev.OptionIssued(id="issue-ATG-9", on=ON, actor="company:atg", option_no="ATG-9", holder="northbridge", terms=t)


@pytest.mark.parametrize(("terms", "field", "clause"), [
    ({"delivery_days": -3}, "terms.delivery_days", "§2.1"),
    ({"delivery_days": 99_999_999_999}, "terms.delivery_days", "§2.1"),
    ({"cap": Cap(waiver_notice_days=-1)}, "terms.cap.waiver_notice_days", "§10"),
    ({"cap": Cap(waiver_notice_days=10**12)}, "terms.cap.waiver_notice_days", "§10"),
])
def test_a_period_the_agreement_cannot_mean_is_refused(terms: dict[str, object], field: str, clause: str) -> None:
    with pytest.raises((BadInput, BookErrors)) as caught:
        replay([*seed_life(), _issue(**terms)])
    text = str(caught.value)
    assert field in text and clause in text, text


@pytest.mark.parametrize("terms", [{"delivery_days": 0}, {"delivery_days": 3}, {"cap": Cap(waiver_notice_days=None)}, {"cap": None}])
def test_a_sound_period_is_accepted(terms: dict[str, object]) -> None:
    state, _ = replay([*seed_life(), _issue(**terms)])
    assert "ATG-9" in state.options
