"""Who may give an event (events.GIVEN_BY), checked for every kind before its own conditions.

An act binds only the party that gave it: a holder acts for itself (never for another holder, §12), the
company for its own options, the §11 agent only after its appointment and within its functions, the §3.2
trustee only as §1.4 allows, and the book's keeper ("system") only for registrations and public market data.
"""

from __future__ import annotations

from dataclasses import dataclass

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import BookState, OptionState


@dataclass(frozen=True, slots=True)
class Subject:
    """The parties an event concerns: the holder and the company it could bind."""

    holder: str = ""
    company: str = ""
    option: OptionState | None = None


def subject_of(state: BookState, e: ev.Event) -> Subject:
    if isinstance(e, ev.Correction):
        original = state.by_id.get(e.corrects)
        return subject_of(state, original) if original is not None else Subject()
    option_no = getattr(e, "option_no", "")
    if isinstance(e, ev.OptionIssued):
        return Subject(e.holder, e.terms.company)
    if option_no and option_no in state.options:
        o = state.options[option_no]
        return Subject(o.holder, o.company, o)
    if isinstance(e, ev.HolderRegistered):
        # a holder goes on the books of any company registered here (§12); which company is the one recording it
        on_books = e.actor_id if e.role == "company" and e.actor_id in state.companies else ""
        return Subject(holder=e.holder.id, company=on_books)
    if isinstance(e, ev.CompanyRegistered):
        return Subject(company=e.company.id)
    if isinstance(e, ev.StockEvent):
        return Subject(company=e.issuer)
    if isinstance(e, (ev.FmvAgreed, ev.FmvAwarded)):  # the company's value; a holder of one of its options is a party to it
        holds = e.role == "holder" and any(state.options[no].holder == e.actor_id for no in state.by_company.get(e.company, ()))
        return Subject(holder=e.actor_id if holds else "", company=e.company)
    if isinstance(e, ev.CapTableFact):  # its subject is an option number, a company id or a holder id
        if e.subject in state.options:
            o = state.options[e.subject]
            return Subject(o.holder, o.company, o)
        if e.subject in state.holders or e.subject in state.companies:
            return Subject(holder=e.subject if e.subject in state.holders else "", company=e.subject if e.subject in state.companies else "")
        # a subject not on the books yet (an option number recorded the morning of its issue): the issuer's records are
        # the company's, so a registered company records facts of its own cap table
        return Subject(company=e.actor_id if e.role == "company" and e.actor_id in state.companies else "")
    holder = getattr(e, "holder", "")
    company = getattr(e, "company", "")
    return Subject(holder if isinstance(holder, str) else "", company if isinstance(company, str) else "")


def _party_name(state: BookState, role: str, who: str) -> str:
    if role == "holder" and who in state.holders:
        return f"{state.holders[who].name} (holder:{who})"
    if role == "company" and who in state.companies:
        return f"{state.companies[who].name} (company:{who})"
    return f"{role}:{who}" if who else role


def _acts_as(state: BookState, e: ev.Event, party: ev.Party, subject: Subject, auth: ev.Authority) -> str | None:
    """None when `e.actor` may give `e` as `party`; else why not."""
    role, who = e.role, e.actor_id
    if role != party.value:
        return f"{e.actor!r} is not a {party.value}"
    if party is ev.Party.KEEPER:
        return None if e.actor == "system" else f"{e.actor!r} is not the book's keeper"
    if party is ev.Party.HOLDER:
        if not subject.holder:
            return "the event names no holder"
        return None if who == subject.holder else f"{e.actor!r} is not {_party_name(state, 'holder', subject.holder)}"
    if party is ev.Party.COMPANY:
        if not subject.company:
            return "the event names no company"
        return None if who == subject.company else f"{e.actor!r} is not {_party_name(state, 'company', subject.company)}"
    if party is ev.Party.AGENT:
        cs = state.companies.get(subject.company)
        agent = cs.agent if cs else None
        if agent is None:
            return "no option agent has been appointed (§11)"
        if who != agent.name:
            return f"the appointed agent is {agent.name!r}, not {who!r} (§11)"
        if auth.agent_function is not None and auth.agent_function not in agent.functions:
            return f"the agent's appointment does not cover {auth.agent_function.value} (§11)"
        return None
    if party is ev.Party.TRUSTEE:
        trustee = subject.option.trustee if subject.option is not None else ""
        if not trustee:
            return "no trustee has been designated for this option (§3.2)"
        cs = state.companies.get(subject.company)
        if subject.option is not None and subject.option.dissolution is None and (cs is None or cs.asset_transfer is None):
            # §1.4 gives agent's powers to a trustee appointed "pursuant to Subsection 3.2", which applies on a dissolution
            # following the transfer of the company's assets: before any such transfer the holder's bank takes no payment
            # for the company's account (the holder would be paying itself)
            return f"{trustee!r} has an agent's powers only once §3.2 applies (a transfer of the company's assets under §3.1(c)) (§1.4)"
        return None if who == trustee else f"the trustee is {trustee!r}, not {who!r} (§1.4)"
    if party is ev.Party.ARBITRATOR:
        # an arbitrator's award binds both parties by their agreement to arbitrate; fmv.py checks it names the arbitration.
        # It is presented under a name (the arbitrator's or the administering AAA's), never as a bare "arbitrator:" (§1.2(c))
        return None if who.strip() else "an award is presented under a name (arbitrator:NAME) (§1.2(c))"
    return f"no rule for {party.value}"  # pragma: no cover - every Party is handled above


_ORDER: dict[int, tuple[ev.Authority, tuple[ev.Party, ...]]] = {}


def _in_order(auth: ev.Authority) -> tuple[ev.Party, ...]:
    """The parties that may give a kind, in one fixed order (their names'), sorted once per kind. Kept by the
    Authority's identity (it is kept alive here): its hash would hash each of its parties in Python on every event."""
    found = _ORDER.get(id(auth))
    if found is None or found[0] is not auth:
        found = _ORDER[id(auth)] = (auth, tuple(sorted(auth.parties, key=lambda p: p.value)))
    return found[1]


def check_authority(state: BookState, e: ev.Event) -> None:
    """Refuse `e` unless its actor is one of the parties that may give its kind."""
    auth = ev.GIVEN_BY.get(type(e))
    if auth is None:
        raise Refusal("record", f"no rule says who may give a {e.kind!r} event; it is refused", field="actor")
    if auth.computed:
        raise Refusal(auth.clause, f"a {e.kind!r} event is entailed by the agreement and computed, never recorded by anyone",
                      field="kind")
    option_no = getattr(e, "option_no", "")
    if option_no and option_no not in state.options and not isinstance(e, ev.OptionIssued):
        return  # the option's own check refuses it (no such option); there is no party to compare with
    if isinstance(e, ev.Correction) and e.corrects not in state.by_id:
        return  # likewise: records.py refuses a correction of nothing
    for name in ("company", "issuer"):
        named = getattr(e, name, None)
        if isinstance(named, str) and named and named not in state.companies:
            error = BadInput(f"{name}: {named!r} is not a registered company; record a 'company' first", field=name)
            error.fatal = True  # no party to compare with, and nothing else about the event can be checked
            raise error
    subject = subject_of(state, e)
    role = e.role
    reasons = []
    for party in _in_order(auth):
        if party.value != role:
            continue  # `_acts_as` refuses another role at once, and only the actor's own role's reason is reported
        why = _acts_as(state, e, party, subject, auth)
        if why is None:
            return
        reasons.append(why)
    allowed = " or ".join(sorted(p.value for p in auth.parties))
    detail = "; ".join(reasons) if reasons else f"{e.actor!r} is none of them"
    raise Refusal(_clause_of_refusal(e, auth), f"a {e.kind!r} event is given by the {allowed}: {detail}", field="actor")


def _clause_of_refusal(e: ev.Event, auth: ev.Authority) -> str:
    """The clause that decides who may act: §12 when another holder tries a holder's act (only the registered
    holder counts), §11 for an agent, §1.4 for a trustee, else the kind's own clause."""
    on_option = bool(getattr(e, "option_no", ""))
    if ev.Party.HOLDER in auth.parties and on_option and (e.role == "holder" or auth.parties == (ev.Party.HOLDER,)):
        return "§12"
    if e.role == "agent" and ev.Party.AGENT in auth.parties:
        return "§11"
    if e.role == "trustee" and ev.Party.TRUSTEE in auth.parties:
        return "§1.4"
    return auth.clause
