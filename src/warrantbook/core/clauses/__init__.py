"""The agreement, clause by clause: each module holds, for the events of its clauses, the conditions
(checks, run by `decide`) and the effects on state (run by the fold).

Order follows the agreement: issue (preamble, §1.1, §1.3, §14), fmv (§1.2), exercise (§2), reorganization
(§3), adjustment (§4, §5), reservation (§6), transfer (§7, §8, §12), cap (§10), notices (§11, §13), records.
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.clauses import adjustment, cap, exercise, fmv, issue, notices, records, reorganization, reservation, transfer

MODULES = (issue, fmv, exercise, reorganization, adjustment, reservation, transfer, cap, notices, records)

CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {}
EFFECTS: dict[type[ev.Event], Any] = {}
for _module in MODULES:
    for _kind, _checks in _module.CHECKS.items():
        assert _kind not in CHECKS, _kind
        CHECKS[_kind] = _checks
    for _kind, _effect in _module.EFFECTS.items():
        assert _kind not in EFFECTS, _kind
        EFFECTS[_kind] = _effect
# A clause may entail something when another clause's event is recorded (a notice held for a §1.2(c) value is
# priced and effected when the value is recorded): its ENTAILS run after the kind's own checks.
for _module in MODULES:
    for _kind, _more in getattr(_module, "ENTAILS", {}).items():
        CHECKS[_kind] = CHECKS.get(_kind, ()) + tuple(_more)
