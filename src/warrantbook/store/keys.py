"""Which lock rows an event touches: the companies, holder groups and new option numbers it names.

No rule lives here, only "what does this event name": an option (its company, its holder's cap group, the
issuers in its basket after §3), a company or issuer, a holder (its cap group), transferees, and the option
numbers an event creates. A writer locks these rows; the row of a company protects the §6 reservation and
the company's facts, the row of a holder group protects the §10 cap across all options of the group, and
the per-option version in the events table protects an option's balance.
"""

from __future__ import annotations

from collections.abc import Iterable

from warrantbook.core import events as ev
from warrantbook.core.state import BookState
from warrantbook.core.terms import Company, Holder


def company_key(company_id: str) -> str:
    return f"company:{company_id}"


def group_key(group: str) -> str:
    return f"group:{group}"


def option_key(option_no: str) -> str:
    return f"option:{option_no}"


def primary_option(e: ev.Event) -> str | None:
    """The option an event is about (its per-option version counts these), or None."""
    no = getattr(e, "option_no", None)
    return no if isinstance(no, str) and no else None


def lock_keys(state: BookState, events: Iterable[ev.Event]) -> set[str]:
    keys: set[str] = set()
    for e in events:
        _keys_of(state, e, keys, depth=0)
    return keys


def _holder(state: BookState, holder_id: str, keys: set[str]) -> None:
    keys.add(group_key(state.holder_group(holder_id)))


def _option(state: BookState, option_no: str, keys: set[str]) -> None:
    o = state.options.get(option_no)
    if o is None:
        keys.add(option_key(option_no))
        return
    keys.add(company_key(o.company))
    _holder(state, o.holder, keys)
    for item in o.basket or ():
        if item.issuer:
            keys.add(company_key(item.issuer))


def _keys_of(state: BookState, e: ev.Event, keys: set[str], depth: int) -> None:  # noqa: C901 - one line per kind of name
    no = primary_option(e)
    if no:
        _option(state, no, keys)
    company = getattr(e, "company", None)
    if isinstance(company, Company):
        keys.add(company_key(company.id))
    elif isinstance(company, str) and company:
        keys.add(company_key(company))
    issuer = getattr(e, "issuer", None)
    if isinstance(issuer, str) and issuer:
        keys.add(company_key(issuer))
    holder = getattr(e, "holder", None)
    if isinstance(holder, Holder):
        keys.add(group_key(holder.cap_group))
        _holder(state, holder.id, keys)  # the group it leaves, when re-registered
    elif isinstance(holder, str) and holder:
        _holder(state, holder, keys)
    terms = getattr(e, "terms", None)
    if terms is not None and getattr(terms, "company", None):
        keys.add(company_key(terms.company))
    for piece in getattr(e, "pieces", ()) or ():
        _holder(state, piece.holder, keys)
    for item in getattr(e, "basket", ()) or ():
        if getattr(item, "issuer", ""):
            keys.add(company_key(item.issuer))
    for new in tuple(getattr(e, "new_options", ()) or ()) + ((getattr(e, "new_option", ""),) if getattr(e, "new_option", "") else ()):
        keys.add(option_key(new))
    request = getattr(e, "request", "")
    if isinstance(e, ev.TransferRegistered) and request in state.by_id:
        for piece in getattr(state.by_id[request], "pieces", ()):
            _holder(state, piece.holder, keys)
    if isinstance(e, ev.Correction) and depth < 3:
        keys.add(f"event:{e.corrects}")
        target = state.by_id.get(e.corrects)
        if target is not None:
            _keys_of(state, target, keys, depth + 1)
