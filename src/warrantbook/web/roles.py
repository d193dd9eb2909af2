"""Who may see and give what: the four roles of the web app and the API, enforced on the server.

This is access control, not the agreement: it decides which user may *ask* for a command or a view. What
the agreement then allows is still decided by core.decide, which refuses (citing the section) a holder that
is not the registered holder (§12), an agent outside its §11 appointment, and so on.

- holder: sees the options it holds with its affiliates (its cap group); gives the holder's notices and
  requests. An option it cannot see does not exist for it (404), so a holder reaching for another
  holder's option by number learns nothing.
- company: sees and acts on its own options and facts.
- agent: sees and acts only for companies whose current §11 appointment names it, and only the
  appointment's functions (issuing on exercise, exchange on transfer, replacement).
- auditor: reads everything, changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from warrantbook.app.views import Visibility
from warrantbook.core import events as ev
from warrantbook.core.state import BookState, OptionState
from warrantbook.web.auth import Principal


class Denied(Exception):
    """403: signed in, but this user may not do this. Carries the clause when the agreement names who acts."""

    status = 403

    def __init__(self, message: str, *, field: str | None = None, clause: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.clause = clause

    def as_json(self) -> dict[str, Any]:
        return {"error": self.message, "field": self.field, "clause": self.clause}


class NotFound(Denied):
    status = 404


class Unauthenticated(Denied):
    status = 401


NEVER = frozenset({"exercise", "document"})  # decided by the engine (exercise) or recorded by the documents module


def _lane(role: str) -> frozenset[str]:
    """The commands a role's user may ask for: the kinds whose GIVEN_BY entry names its party (core.events)."""
    party = ev.Party(role)
    return frozenset(cls.kind for cls, a in ev.GIVEN_BY.items() if party in a.parties) - NEVER


ALLOWED: dict[str, frozenset[str]] = {"holder": _lane("holder"), "company": _lane("company"), "agent": _lane("agent"),
                                      "auditor": frozenset()}
_CLAUSE = {cls.kind: a.clause for cls, a in ev.GIVEN_BY.items()}


def appointed_companies(state: BookState, agent_name: str) -> set[str]:
    """Companies whose current §11 appointment names this agent."""
    return {cid for cid, cs in state.companies.items() if cs.agent is not None and cs.agent.name == agent_name}


def can_see(state: BookState, p: Principal, option: OptionState) -> bool:
    if p.role == "auditor":
        return True
    if p.role == "holder":
        return state.holder_group(option.holder) == state.holder_group(p.party)
    if p.role == "company":
        return option.company == p.party
    if p.role == "agent":
        return option.company in appointed_companies(state, p.party)
    return False


def visible(state: BookState, p: Principal, options: Iterable[OptionState] | None = None) -> list[OptionState]:
    return [o for o in (state.options.values() if options is None else options) if can_see(state, p, o)]


def companies_seen(state: BookState, p: Principal) -> set[str]:
    """Companies whose facts (prices, share counts, reserve) this user sees."""
    if p.role == "auditor":
        return set(state.companies)
    if p.role == "company":
        return {p.party} & set(state.companies)
    if p.role == "agent":
        return appointed_companies(state, p.party)
    return {o.company for o in visible(state, p)}


def holders_seen(state: BookState, p: Principal) -> set[str]:
    """Holders this user may see named (a form's choice of holder, say): the auditor every one; a holder its own §10 group;
    a company or an agent the holders of the options it sees, and the holders that hold no option yet (registered to be
    issued one). Never a holder known only through another company's options."""
    if p.role == "auditor":
        return set(state.holders)
    if p.role == "holder":
        group = state.holder_group(p.party)
        return {h for h in state.holders if state.holder_group(h) == group}
    if p.role in ("company", "agent"):
        holding = {o.holder for o in state.options.values()}
        mine = {o.holder for o in visible(state, p)}
        return {h for h in state.holders if h in mine or h not in holding}
    return set()


def visibility(state: BookState, p: Principal) -> Visibility:
    """What this user may see, as the filter the app's views take (app.views.Visibility), from the latest state."""
    if p.role == "auditor":
        return Visibility.everything()
    return Visibility(options=frozenset(o.option_no for o in visible(state, p)), companies=frozenset(companies_seen(state, p)),
                      actor=p.actor, every_event=False, company_items=p.role in ("company", "agent"), reserve=p.role != "holder")


def option_for(state: BookState, p: Principal, option_no: str) -> OptionState:
    """The option by number when this user may see it; 404 alike for "no such option" and "not yours"."""
    option = state.options.get(option_no)
    if option is None or not can_see(state, p, option):
        raise NotFound(f"option: no option numbered {option_no!r} that you may see", field="option")
    return option


def require_company(state: BookState, p: Principal, company: str) -> None:
    if p.role == "auditor":
        if company not in state.companies:
            raise NotFound(f"company: no company {company!r}", field="company")
        return
    if company not in companies_seen(state, p):
        raise NotFound(f"company: no company {company!r} that you may see", field="company")


def require_writer(p: Principal) -> str:
    """The actor a user records as; the auditor records nothing."""
    if p.actor is None:
        raise Denied("an auditor reads everything and changes nothing", field="actor")
    return p.actor


def check_command(state: BookState, p: Principal, e: ev.Event) -> None:
    """May this user give this command? 403 when the role may not, 404 when the option or party is not theirs.

    Run on the state as it is now (the latest), before core.decide; the event's actor is the user's own.
    """
    actor = require_writer(p)
    kind = e.kind
    if kind in NEVER:
        raise Denied(f"a {kind!r} event is not given by anyone: " + ("the engine decides it when surrender and payment are complete (§2.1)"
                     if kind == "exercise" else "documents are recorded when they are issued (POST /api/documents)"), field="type")
    if e.actor != actor:
        raise Denied(f"you act as {actor}; an event recorded by you cannot name {e.actor!r}", field="actor")
    if kind not in ALLOWED.get(p.role, frozenset()):
        allowed = ", ".join(sorted(ALLOWED.get(p.role, ()))) or "nothing"
        raise Denied(f"a {p.role} user may not give a {kind!r} command (a {p.role} may give: {allowed})", field="type",
                     clause=_CLAUSE.get(kind))
    option_no = getattr(e, "option_no", None)
    if isinstance(e, ev.OptionIssued):
        _company_scope(state, p, e.terms.company)
        return
    if isinstance(option_no, str) and option_no:
        option = option_for(state, p, option_no)
        if p.role == "agent" and option.company not in appointed_companies(state, p.party):
            raise Denied("no §11 appointment of this agent by the option's company", field="actor", clause="§11")
        if p.role == "company" and option.company != p.party:
            raise NotFound(f"option: no option numbered {option_no!r} that you may see", field="option")
        if p.role == "holder" and option.holder != p.party:
            raise Denied(f"only the registered holder of option {option_no} ({option.holder}) acts on it; an affiliate sees it but "
                         "may not act for it", field="actor", clause="§12")
    for name in ("company", "issuer"):
        value = getattr(e, name, None)
        if isinstance(value, str) and value and not isinstance(e, ev.CompanyRegistered):
            _company_scope(state, p, value)
    if isinstance(e, ev.CompanyRegistered):
        if p.role != "company" or e.company.id != p.party:
            raise Denied(f"a company user registers only its own company ({p.party})", field="company.id")
    if isinstance(e, ev.HolderRegistered) and p.role == "holder" and e.holder.id != p.party:
        raise Denied(f"a holder registers only itself ({p.party})", field="holder.id")
    if isinstance(e, ev.HolderRegistered) and p.role != "holder" and e.holder.id in state.holders:
        raise Denied(f"{e.holder.id!r} is registered: its name and the address notices go to are its own to change (§13)",
                     field="holder.id", clause="§13")
    if isinstance(e, (ev.AddressFurnished, ev.BeneficialOwnership)) and p.role == "holder":
        if state.holder_group(e.holder) != state.holder_group(p.party):
            raise NotFound(f"holder: no holder {e.holder!r} that you act for", field="holder")
        if e.holder != p.party:
            raise Denied(f"a holder furnishes its own address and certifies its own holdings only ({p.party}), not an affiliate's",
                         field="holder", clause=_CLAUSE.get(e.kind))
    if isinstance(e, ev.FmvAgreed) and p.role == "holder" and not any(
            o.holder == p.party and o.company == e.company for o in state.options.values()):
        raise Denied(f"only a holder of an option of {e.company!r} agrees a value with it", field="actor", clause="§1.2(c)")
    if isinstance(e, ev.Correction):
        target = state.by_id.get(e.corrects)
        if target is None:
            return  # core says which id is unknown
        theirs = target.role == "holder"  # a holder's act is corrected only by the holder (with others' signatures, core)
        if target.actor != actor and not (p.role == "company" and not theirs and _concerns_company(state, target, p.party)):
            raise Denied(f"you may correct only what you recorded (or, for a company, what concerns it); {e.corrects!r} was "
                         f"recorded by {target.actor}", field="corrects")


def _company_scope(state: BookState, p: Principal, company: str) -> None:
    if p.role == "company":
        if company != p.party:
            raise NotFound(f"company: no company {company!r} that you act for", field="company")
    elif p.role == "agent":
        if company not in appointed_companies(state, p.party):
            raise Denied(f"no §11 appointment of this agent by {company!r}", field="actor", clause="§11")
    elif p.role == "holder":
        if company not in companies_seen(state, p):
            raise NotFound(f"company: no company {company!r} that you may see", field="company")


def _concerns_company(state: BookState, e: ev.Event, company: str) -> bool:
    no = getattr(e, "option_no", None)
    if isinstance(no, str) and no in state.options:
        return state.options[no].company == company
    for name in ("company", "issuer"):
        if getattr(e, name, None) == company:
            return True
    return e.actor == f"company:{company}"


def commands_for(p: Principal) -> frozenset[str]:
    return ALLOWED.get(p.role, frozenset())
