"""§10 Maximum exercise: the holder's certified ownership, the waiver notice and an Event of Default.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, exercised_after, exercised_later, exercises_from, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.rules.cap import cap_status
from warrantbook.core.state import (
    BookState,
    OptionState,
    _push,
    _update,
)
from warrantbook.core.terms import CureBy, OverCapPolicy

# ---------------------------------------------------------------- §10: H, the holder's beneficial ownership


def _check_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    """A holder certifies its own holdings only (the authority table); a company or agent may report a figure it
    sees, which is kept beside the certificate and never replaces it (an open item when they differ)."""
    if e.shares < 0 or e.shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares", clause="§10")
    if e.holder not in state.holders:
        raise BadInput(f"holder: {e.holder!r} is not a registered holder", field="holder", clause="§10")


def _check_ownership_after_exercises(state: BookState, e: ev.BeneficialOwnership) -> None:
    """§10, §2.1: a holder's certificate of more shares than it held before its day, recorded after an exercise of a capped
    option of its cap group effected on or after that day, sorts before the exercise: the cap was measured on the old
    figure, and the fold adds the exercise's shares to the new one (10,000,000 certified, 40,000,000 exercised, then
    59,000,000 certified for that day: the fold held the group at 99,000,000, beyond 4.99%). Refused, naming the
    exercise; the same or a smaller figure, or one dated after the exercise, is taken."""
    if e.role != "holder":
        return
    history = state.owned.get((e.holder, e.company)) or []
    before = [v for d, v in history if d < e.on]
    if before and e.shares <= before[-1]:
        return
    group = state.holder_group(e.holder)
    options = [state.options[no] for no in state.by_company.get(e.company, ())
               if state.options[no].terms.cap is not None and state.holder_group(state.options[no].holder) == group]
    o = exercised_after(options, e)
    if o is not None:
        raise Refusal("§10", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised}, its "
                      f"cap measured on the holdings of then; {fmt(e.shares)} shares certified for {e.on} come before it (§2.1): "
                      "correct that exercise first, or date the certificate after it", field="on")


def _on_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    if e.role == "holder":
        history = state.owned.get((e.holder, e.company))
        if history is None:
            history = state.owned[(e.holder, e.company)] = []
            state.owners.setdefault(e.company, []).append(e.holder)
        _push(history, e.on, e.shares)
    else:
        state.ownership_reports.append(e)


def ownership_discrepancies(state: BookState, holder: str, company: str, day: date) -> list[tuple[ev.BeneficialOwnership, Fraction | None]]:
    """A company's or agent's latest report for `holder` that differs from the holder's own certificate on its day."""
    latest: ev.BeneficialOwnership | None = None
    for r in state.ownership_reports:
        if r.holder == holder and r.company == company and r.on <= day:
            latest = r
    if latest is None:
        return []
    certified = state.certified_on(holder, company, latest.on)
    return [] if certified == latest.shares else [(latest, certified)]


# ---------------------------------------------------------------- §10: the holder's notices


def _check_holder_notice(state: BookState, e: ev.Event) -> OptionState:
    option = option_of(state, e)
    check_active(option, e.on, "§10")  # a notice on an option no longer active belongs on the option that replaced it
    if option.terms.cap is None:
        raise Refusal("§10", f"option {option.option_no} has no cap", field="option")
    return option


def _check_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    option = _check_holder_notice(state, e)
    assert option.terms.cap is not None
    if option.terms.cap.waiver_notice_days is None:
        raise Refusal("§10", "these terms allow no waiver of the cap by notice", field="option")
    if option.waiver_received is not None:
        raise Refusal("§10", f"a waiver notice was already received on {option.waiver_received}", field="option")
    _check_void_before_exercises(state, option, e, e.on + timedelta(days=option.terms.cap.waiver_notice_days))


def _on_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, waiver_received=o.waiver_received or e.on)


def _check_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    option = _check_holder_notice(state, e)
    assert option.terms.cap is not None
    if not option.terms.cap.void_on_default:
        raise Refusal("§10", "under these terms an Event of Default does not void the cap", field="option")
    if option.default_since is not None and option.default_cured is None:
        raise Refusal("§10", f"an Event of Default noticed {option.default_since} is already continuing", field="option")
    _check_default_after_cure(option, e)
    _check_void_before_exercises(state, option, e, e.on)


def _check_default_after_cure(option: OptionState, e: ev.DefaultNoticeReceived) -> None:
    """§10: one default continues at a time. A notice dated before the recorded cure of the previous one would be
    applied by the fold before that cure, and read as cured, while the ledger took it as continuing (and a replay
    refuses it: the earlier default still continued on its day)."""
    if option.default_cured is not None and e.on < option.default_cured:
        raise Refusal("§10", f"the Event of Default noticed {option.default_since} was cured on {option.default_cured}, which is "
                      f"already recorded and comes after this notice dated {e.on}: one default at a time continues; correct "
                      f"that cure first, or date this notice on or after {option.default_cured}", field="on")


def _on_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_since=e.on, default_cured=None)


# ---------------------------------------------------------------- §10: the end of an Event of Default


def _check_cure(state: BookState, e: ev.DefaultCured) -> None:
    """A cure brings the cap back against the holder, so it binds the holder only with the holder's word: the holder
    records it, or the company with the holder's signature; under `CureBy.BOTH` both must sign (interpretations.md)."""
    option = option_of(state, e)
    check_active(option, e.on, "§10")
    if option.default_since is None or option.default_cured is not None:
        raise BadInput("no continuing Event of Default to cure", field="option", clause="§10")
    _check_cure_after_notice(option, e)
    _check_cure_before_exercises(state, option, e)
    holder, company = f"holder:{option.holder}", f"company:{option.company}"
    signers = {e.actor, *e.signed_by}
    if holder not in signers:
        raise Refusal("§10", f"a cure ends the holder's release from the cap, so it needs the holder's signature ({holder}); "
                      f"signed by {', '.join(sorted(signers))}", field="signed_by")
    if option.terms.readings.cure_by is CureBy.BOTH and company not in signers:
        raise Refusal("§10", f"under the reading cure_by=both a cure is signed by the holder and the company ({company})", field="signed_by")


def _check_cure_after_notice(option: OptionState, e: ev.DefaultCured) -> None:
    """§10: a cure ends a default already noticed; dated before the notice, the fold would apply it first, find nothing to
    cure, and leave the default continuing (a replay refuses the cure)."""
    if option.default_since is not None and e.on < option.default_since:
        raise Refusal("§10", f"a cure cannot precede the notice of the Event of Default it ends (noticed {option.default_since}); "
                      f"this one is dated {e.on}", field="on")


def _on_cure(state: BookState, e: ev.DefaultCured) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_cured=e.on)


def as_of_defaults(state: BookState, option: OptionState, day: date) -> BookState:
    """§10: the state in which to decide an exercise of `option` on `day`, as to Events of Default. The option keeps only
    its latest default notice and cure; an exercise dated before that notice (recorded late) falls in an earlier
    default's time, which may have voided the cap (noticed 2006-03-01, cured 2006-04-01, noticed again 2006-07-01: an
    exercise dated 2006-03-15 was decided with the cap in force and cut to 49,899,960 option shares, where the fold's
    order voids it and issues all 140,250,000). Read from the record only in that case (notices on the option and the
    instruments it came from, §7 and §8 carrying them); otherwise `state` itself."""
    since, cap = option.default_since, option.terms.cap
    if since is None or day >= since or cap is None or not cap.void_on_default:
        return state
    noticed, cured = _defaults_on(state, option, day)
    if noticed is None:
        return state  # no default noticed by then: the latest one, dated after, leaves the cap as it was
    then = replace(option, default_since=noticed, default_cured=cured)
    return replace(state, options={**state.options, option.option_no: then})


def _ancestry(state: BookState, option: OptionState) -> set[str]:
    """The option and the instruments it came from (§7, §8 carry the holder's §10 notices to the new ones)."""
    lineage = {option.option_no}
    no = option.parent
    while no and no in state.options and no not in lineage:
        lineage.add(no)
        no = state.options[no].parent
    return lineage


def _defaults_on(state: BookState, option: OptionState, day: date, without: str = "") -> tuple[date | None, date | None]:
    """The Event of Default noticed by `day` (the latest notice on or before it) and its cure, read from the record:
    notices and cures of the option's ancestry not corrected, leaving out the event `without`.

    §10, one default at a time: each notice is paired, in date order, with the first cure on or after it not taken by
    an earlier notice and not after the next notice. A cure dated the day a new default was noticed ends the previous
    one (noticed 2006-03-01, cured 2006-04-01, noticed again 2006-04-01, cured 2006-05-01: an exercise dated 2006-04-10
    falls in the second default, the cap void; the first cure is not the second's)."""
    lineage = _ancestry(state, option)

    def kept(x: ev.Event) -> bool:
        return getattr(x, "option_no", None) in lineage and x.id not in state.corrections and x.id != without

    notices = sorted(x.on for x in state.by_id.values() if isinstance(x, ev.DefaultNoticeReceived) and kept(x))
    cures = sorted(x.on for x in state.by_id.values() if isinstance(x, ev.DefaultCured) and kept(x))
    found: tuple[date | None, date | None] = (None, None)
    for i, noticed in enumerate(notices):
        if noticed > day:
            break
        until = notices[i + 1] if i + 1 < len(notices) else None
        cure = next((c for c in cures if c >= noticed and (until is None or c <= until)), None)
        if cure is not None:
            cures.remove(cure)
        found = (noticed, cure)
    return found


def _in_force_by_record(state: BookState, option: OptionState, day: date, without: str = "") -> bool:
    """Whether the cap bound `option` on `day` by the record of its waiver and default notices and cures, leaving out
    the event `without` (a correction's target)."""
    assert option.terms.cap is not None
    lineage = _ancestry(state, option)
    waivers = [x.on for x in state.by_id.values() if isinstance(x, ev.WaiverNoticeReceived) and x.option_no in lineage
               and x.id not in state.corrections and x.id != without]
    noticed, cured = _defaults_on(state, option, day, without)
    return cap_status(option.terms.cap, day, waiver_received=min(waivers) if waivers else None, default_since=noticed,
                      default_cured=cured, cure_restores=option.terms.readings.cure_restores_cap).in_force


def check_correction_under_exercises(state: BookState, original: ev.WaiverNoticeReceived | ev.DefaultNoticeReceived | ev.DefaultCured) -> None:
    """§10, §2.1: a correction of a waiver notice, a default notice or a cure takes it out of the record, and the fold
    then reads the cap without it on the day of every exercise after it. Refused when that changes the cap for an
    exercise of the option (or of the options that came from it) already effected, as for a late notice or cure: a
    withdrawn waiver or default notice brings the cap back over an exercise decided with it void (the holder withdrew
    its waiver alone after a 100,000,000-share exercise: the fold held it where the cap allows 49,880,000, and a replay
    refuses it), or over an open notice taken with it void; a cure withdrawn voids the cap under an exercise it may have
    cut (a cashless maximum issued for 49,899,960 option shares, where a replay issues all 140,250,000). Correct the
    exercise first."""
    if original.option_no not in state.options:
        return
    todo, seen = [state.options[original.option_no]], set()
    while todo:
        option = todo.pop()
        if option.option_no in seen or option.terms.cap is None:
            continue
        seen.add(option.option_no)
        todo.extend(state.options[no] for no in option.children if no in state.options)
        for x in exercises_from(state, [option], original.on):
            now, without = _in_force_by_record(state, option, x.on), _in_force_by_record(state, option, x.on, original.id)
            if (without and not now) or (now and not without and _cap_may_cut(state, option, x)):
                raise Refusal("§10", f"the exercise on notice {x.notice} of option {option.option_no} was effected at the close of business "
                              f"on {x.on} with the cap {'in force' if now else 'void'}; without {original.kind} {original.id} the cap "
                              f"would be {'in force' if without else 'void'} that day (§2.1): correct that exercise first",
                              field="corrects")
        for p in option.pending:
            day = p.notice.on
            if day >= original.on and _in_force_by_record(state, option, day, original.id) and not _in_force_by_record(state, option, day):
                raise Refusal("§10", f"exercise notice {p.notice.id} of option {option.option_no}, dated {day}, was taken with the cap "
                              f"void; without {original.kind} {original.id} it would be in force that day: correct that notice "
                              "first", field="corrects")


def check_exercise_before_capped(state: BookState, option: OptionState, effected: ev.ExerciseEffected) -> None:
    """§10, §2.1: an exercise effected at the close of a day before exercises already effected of capped options of the
    same company changes the cap those were decided under. Its whole shares count in its group's holdings (H) and in the
    shares outstanding (O) from that close, and the fold applies it first: an affiliate's 40,000,000 shares dated a month
    before GSSF's 40,000,000 under the same cap left the group at 90,000,000 of 1,280,000,000 shares (7%), and a replay
    refuses GSSF's exercise (the cap then allowed 11,876,000). Refused when the later exercise's option is of the same
    cap group, or when the cap may have cut it (a cashless maximum, or `over_cap: honour-to-cap`: a larger O gives it
    more), on a day the cap or a ceiling bound it. Dated on or after that day, or under no cap, it is taken."""
    if effected.basket or option.basket is not None or not exercised_later(state, option.company, effected):
        return
    capped = [o for no in state.by_company.get(option.company, ()) if (o := state.options[no]).terms.cap is not None and o.basket is None]
    if exercised_after(capped, effected) is None:
        return
    group = state.holder_group(option.holder)
    for x in exercises_from(state, capped, effected.on):
        if x.on <= effected.on or x.basket:
            continue  # the same day's close, recorded before: the fold applies it first too
        o = state.options[x.option_no]
        assert o.terms.cap is not None
        bound = o.terms.cap.hard_ceiling is not None or _status(as_of_defaults(state, o, x.on).options[o.option_no], x.on)
        if bound and (state.holder_group(o.holder) == group or _cap_may_cut(state, o, x)):
            raise Refusal("§10", f"the exercise on notice {x.notice} of option {o.option_no} was effected at the close of business on {x.on} "
                          f"under the cap, measured without this exercise of option {option.option_no} dated {effected.on}, which comes "
                          "before it (§2.1): correct that exercise first, or date this step on or after its day", field="on")


# ---------------------------------------------------------------- §10 with §2.1: a notice or cure recorded after exercises it sorts before


def _cap_may_cut(state: BookState, option: OptionState, x: ev.ExerciseEffected) -> bool:
    """Whether the §10 cap may have cut exercise `x` of `option`: a cashless exercise of every remaining share, or any
    exercise under the reading `over_cap: honour-to-cap`. An exercise of a stated number under the default reading is
    never cut: it is refused or issued in full."""
    notice = state.by_id.get(x.notice)
    return (option.terms.readings.over_cap is OverCapPolicy.HONOUR_TO_CAP
            or (isinstance(notice, ev.ExerciseNoticeReceived) and notice.shares is None))


def _status(option: OptionState, on: date, **changes: date | None) -> bool:
    """Whether the §10 cap binds `option` on `on`, from its notices as recorded, with `changes` (a cure, say) made."""
    assert option.terms.cap is not None
    facts: dict[str, date | None] = {"waiver_received": option.waiver_received, "default_since": option.default_since,
                                     "default_cured": option.default_cured, **changes}
    return cap_status(option.terms.cap, on, cure_restores=option.terms.readings.cure_restores_cap, **facts).in_force


def _check_void_before_exercises(state: BookState, option: OptionState, e: ev.Event, void_from: date) -> None:
    """§10, §2.1: a waiver or default notice recorded after an exercise, dated so that the cap is void on the day the
    exercise was effected, is refused when the cap may have cut that exercise: a cashless exercise of every remaining
    share, or any exercise under the reading `over_cap: honour-to-cap`. Decided under the cap, the exercise issued the
    allowance; on the fold's order the cap was void and a replay issues every share asked (ATG-1's cashless maximum was
    effected for 49,899,960 option shares, where, the cap void, all 140,250,000 were). An exercise of a stated number
    under the default reading is never cut (it is refused or issued in full), so the notice is taken."""
    for x in exercises_from(state, [option], void_from):
        # the cap on the exercise's day as to defaults too: an exercise dated while an earlier default continued (since cured,
        # the option keeping only its latest notice) was taken with the cap void, and the waiver changes nothing for it
        if _cap_may_cut(state, option, x) and _status(as_of_defaults(state, option, x.on).options[option.option_no], x.on):
            raise Refusal("§10", f"the exercise on notice {x.notice} of option {option.option_no} was effected at the close of business "
                          f"on {x.on} under the cap, which may have cut it; this {e.kind} dated {e.on} makes the cap void from "
                          f"{void_from}, before it (§2.1): correct that exercise first, or date the {e.kind} so the cap is void "
                          "only after it", field="on")


def _check_cure_before_exercises(state: BookState, option: OptionState, e: ev.DefaultCured) -> None:
    """§10, §2.1: a cure that brings the cap back (`cure_restores_cap`) on a day an exercise of the option was effected,
    or after an open exercise notice was given, while the ledger took the default as continuing, is refused: those were
    decided with the cap void, and on the fold's order the cap binds them (an exercise of 100,000,000 shares while the
    default continued, then a cure dated before it: the fold holds 100,000,000 shares issued where the cap allows
    49,880,000, and a replay refuses the exercise). Dated after the day of the last such exercise (a cure that day comes
    before its close) and on or after the day of such a notice, it is taken."""
    for x in exercises_from(state, [option], e.on):
        if _status(option, x.on, default_cured=e.on) and not _status(option, x.on):
            raise Refusal("§10", f"the exercise on notice {x.notice} of option {option.option_no} was effected at the close of business "
                          f"on {x.on} with the cap void during the Event of Default; a cure dated {e.on} brings the cap back before "
                          "it (§2.1): correct that exercise first, or date the cure after it", field="on")
    for p in option.pending:
        if p.notice.on > e.on and _status(option, p.notice.on, default_cured=e.on) and not _status(option, p.notice.on):
            raise Refusal("§10", f"exercise notice {p.notice.id} of option {option.option_no}, dated {p.notice.on}, was taken with the "
                          f"cap void during the Event of Default; a cure dated {e.on} brings the cap back before it: correct that "
                          "notice first, or date the cure on or after its day", field="on")


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.BeneficialOwnership: (_check_ownership, _check_ownership_after_exercises),
    ev.WaiverNoticeReceived: (_check_waiver,),
    ev.DefaultNoticeReceived: (_check_default,),
    ev.DefaultCured: (_check_cure,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.BeneficialOwnership: _on_ownership,
    ev.WaiverNoticeReceived: _on_waiver,
    ev.DefaultNoticeReceived: _on_default,
    ev.DefaultCured: _on_cure,
}
