"""Building and changing frozen slots values fast, for the fold's hot path.

The fold makes millions of small immutable values (a tranche after an exercise, what a delivery still owes, an open
notice). A frozen dataclass's __init__ sets each field through `object.__setattr__`, looked up by name; these
generated functions set each slot through its own descriptor instead. They give the same values: every field set,
nothing else run (a class with a __post_init__ is refused, so no check of __init__'s is ever skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any


def make_evolver(cls: type) -> Callable[..., Any]:
    """A `dataclasses.replace` for one frozen slots class, without the __init__ round trip (the fold's hot path)."""
    names = [f.name for f in fields(cls)]
    body = "\n".join(f"    set_{n}(new, changes.pop({n!r}) if {n!r} in changes else old.{n})" for n in names)
    source = (f"def evolve(old, **changes):\n"
              f"    new = new_(cls_)\n{body}\n    if changes:\n        raise TypeError(f'unknown fields {{sorted(changes)}}')\n    return new\n")
    namespace = _setters(cls, names)
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names
    return namespace["evolve"]  # type: ignore[no-any-return]


def make_builder(cls: type) -> Callable[..., Any]:
    """`cls(*values)` for a frozen slots class without __post_init__, every field given in order: each slot set
    through its own descriptor, with no __init__ and no look-up by name (the fold builds millions of these)."""
    if hasattr(cls, "__post_init__"):  # a check __init__ would run must not be skipped
        raise TypeError(f"{cls.__name__} has a __post_init__: build it with its __init__")
    names = [f.name for f in fields(cls)]
    namespace = _setters(cls, names)
    source = (f"def build({', '.join(names)}):\n    new = new_(cls_)\n" + "".join(f"    set_{n}(new, {n})\n" for n in names)
              + "    return new\n")
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names
    return namespace["build"]  # type: ignore[no-any-return]


def _setters(cls: type, names: list[str]) -> dict[str, Any]:
    """The generated function's globals: the class, and each slot's own setter as `set_<name>`."""
    return {"new_": object.__new__, "cls_": cls, **{f"set_{n}": cls.__dict__[n].__set__ for n in names}}
