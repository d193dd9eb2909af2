"""§11 Option agent and §13 notices.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
    _company,
    _update,
)


def _check_agent(state: BookState, e: ev.AgentAppointed) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if not e.functions:
        raise BadInput("functions: at least one of exercise, exchange, replacement", field="functions", clause="§11")


def _on_agent(state: BookState, e: ev.AgentAppointed) -> None:
    company = _company(state, e.company)
    company.agent = e
    company.agent_history.append(e)


def _check_address(state: BookState, e: ev.AddressFurnished) -> None:
    if e.holder not in state.holders:
        raise BadInput(f"holder: {e.holder!r} is not registered", field="holder")
    if not e.address.lines:
        raise BadInput("address: at least one line", field="address")


def _on_address(state: BookState, e: ev.AddressFurnished) -> None:
    state.addresses.append((e.on, e.holder, e.address))


def _check_notice_sent(state: BookState, e: ev.NoticeSent) -> None:
    option = option_of(state, e)
    if e.regarding and e.regarding not in state.by_id:
        raise BadInput(f"regarding: no event {e.regarding!r}", field="regarding")
    if e.recipient_role == "holder":
        expected = state.last_address(option.holder, option.option_no)
        if expected is not None and (expected[0], expected[1]) != (e.addressee, e.address):
            raise Refusal("§13", f"notices go to the address last furnished: {expected[1]} ({expected[0]})", field="address")


def _on_notice_sent(state: BookState, e: ev.NoticeSent) -> None:
    o = state.options.get(e.option_no)
    if o is None or not e.regarding:
        return
    due = []
    for c in o.certificates_due:
        if c.event == e.regarding:
            c = replace(c, to=c.to - {e.recipient_role})
        if c.to:
            due.append(c)
    _update(state, o, certificates_due=tuple(due))


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.AgentAppointed: (_check_agent,),
    ev.AddressFurnished: (_check_address,),
    ev.NoticeSent: (_check_notice_sent,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.AgentAppointed: _on_agent,
    ev.AddressFurnished: _on_address,
    ev.NoticeSent: _on_notice_sent,
}
