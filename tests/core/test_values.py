"""core.values builds and changes frozen slots values as their own __init__ and dataclasses.replace would: every
field set, equal and hashing alike; and it refuses a class whose __post_init__ it would skip."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction as F

import pytest

from warrantbook.core import events as ev
from warrantbook.core.state import (
    CertificateDue,
    DeliveryOwed,
    PendingExercise,
    build_certificate,
    build_owed,
    build_pending,
)
from warrantbook.core.terms import PaymentMethod, Tranche, build_tranche
from warrantbook.core.values import make_builder, make_evolver

NOTICE = ev.ExerciseNoticeReceived(id="n1", on=date(2006, 3, 1), option_no="O-1", shares=F(1000), method=PaymentMethod.CASH)


@pytest.mark.parametrize(
    ("build", "cls", "args"),
    [
        (build_tranche, Tranche, (F(140_250_000), F(1, 100_000))),
        (build_owed, DeliveryOwed, ("n1", F(500), F(2), F(10), F(3), True)),
        (build_pending, PendingExercise, (NOTICE, None, (), F(1), F(0))),
        (build_certificate, CertificateDue, ("s1", date(2006, 4, 1), frozenset({"holder"}))),
    ],
    ids=["tranche", "owed", "pending", "certificate"],
)
def test_a_built_value_is_the_value_init_makes(build, cls, args) -> None:  # type: ignore[no-untyped-def]
    got, want = build(*args), cls(*args)
    assert type(got) is cls
    assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
    for f, arg in zip(fields(cls), args, strict=True):  # every slot set, to the object given
        assert getattr(got, f.name) is arg
    with pytest.raises(AttributeError):  # still frozen
        object.__getattribute__(got, "__setattr__")(fields(cls)[0].name, None)


def test_the_evolver_is_replace() -> None:
    evolve = make_evolver(DeliveryOwed)
    old = DeliveryOwed("n1", F(500))
    assert evolve(old, ratio=F(2), held=F(7)) == replace(old, ratio=F(2), held=F(7))
    assert evolve(old) == old and evolve(old) is not old
    with pytest.raises(TypeError, match="unknown fields"):
        evolve(old, rattio=F(2))


def test_a_class_with_post_init_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("n")

    with pytest.raises(TypeError, match="__post_init__"):
        make_builder(Checked)
    with pytest.raises(TypeError, match="missing"):  # and a builder takes every field
        build_tranche(F(1))  # type: ignore[call-arg]
