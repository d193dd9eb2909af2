"""A company's cap table as of a date, and a fund's view across the companies whose options it holds.

Plain data with exact numbers as canonical text (core.numbers.to_text), as --json and the API give it; the shells
present it with app.present. Every figure comes from the core: the fold (shares outstanding, authorized, options,
certified holdings), engine.reservation (§6), engine.fmv_source (§1.2), engine.cap_limit (§10) and
core.rules.captable (intrinsic value, the fully diluted basis). Nothing here is a rule of its own.

Which options count: the company's *active* options on its common stock (not superseded, replaced, exercised,
expired or ended under §3.2), each with the remaining shares of every tranche. An option that a §3 transaction turned
into a basket is no longer an option on this company's common stock and is not in its cap table (the §6 reserve of
its successor counts it).

The basis of ownership is stated in every answer (`basis`): fully diluted, treasury-free (shares outstanding plus
every remaining option share, uncapped).

Visibility: every function takes a `viewer`, app.views.Visibility (the CLI's sees everything, the web's is its user's
roles); a company's books (its share counts, the §6 reserve, every holder's holdings) are shown to a viewer that may read
them (`reserve`). An option the viewer may not see is never listed: the company's options it may not see are summed into one
line that says so (`hidden_options`), so the totals still add up and nothing is left out silently.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.app.views import NotVisible, Visibility
from warrantbook.core.engine import cap_limit, fmv_source, reservation
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import to_text
from warrantbook.core.rules.captable import fully_diluted_basis, intrinsic_value, ownership
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.state import BookState, OptionState
from warrantbook.core.summary import cap_summary

BASIS = ("fully diluted, treasury-free: shares outstanding plus every remaining share of the company's active options "
         "(every tranche, uncapped, as §6 reserves them); no treasury-stock method")


def _t(value: Fraction | None) -> str | None:
    return None if value is None else to_text(value)


def company_options(state: BookState, company: str) -> list[OptionState]:
    """The company's active options on its common stock, in issue order."""
    return [o for no in state.by_company.get(company, ()) if (o := state.options[no]).active and o.basket is None]


def _fmv(state: BookState, option: OptionState, as_of: date) -> tuple[Fmv | None, str]:
    """§1.2: the FMV a determination on `as_of` would use, on the option's share basis, or why there is none."""
    try:
        return fmv_source(state, option, as_of)(None), ""
    except (Refusal, BadInput) as exc:
        return None, exc.message


def option_row(state: BookState, option: OptionState, as_of: date, basis: Fraction | None) -> dict[str, Any]:
    """One option's figures: its tranches (remaining shares, price, intrinsic value), FMV, ownership of the basis."""
    found, why = _fmv(state, option, as_of)
    a = found.value if found is not None else None
    fmv = {"value": to_text(found.value), "clause": found.clause, "source": found.source} if found is not None else None
    tranches = []
    for i, t in enumerate(option.tranches):
        value = intrinsic_value((t,), a) if a is not None else None
        tranches.append({"tranche": i, "shares": to_text(t.shares), "exercise_price": to_text(t.exercise_price),
                         "intrinsic_value": _t(value)})
    holder = state.holders.get(option.holder)
    company = state.companies.get(option.company)
    share = ownership(option.remaining, basis) if basis is not None else None
    return {"option": option.option_no, "company": {"id": option.company, "name": company.name if company else option.company},
            "holder": {"id": option.holder, "name": holder.name if holder else option.holder},
            "group": state.holder_group(option.holder), "status": option.status.value, "remaining": to_text(option.remaining),
            "tranches": tranches, "fmv": fmv, "fmv_problem": why or None,
            "intrinsic_value": _t(intrinsic_value(option.tranches, a)) if a is not None else None,
            "fully_diluted": _t(share)}


def _headroom(state: BookState, options: list[OptionState], company: str, as_of: date) -> list[dict[str, Any]]:
    """§10 per holder group: the group's certified holdings H and each option's allowance as engine.cap_limit gives
    it (the group's holdings are counted once; each option's own cap terms and status decide its allowance)."""
    groups: dict[str, list[OptionState]] = {}
    for o in options:
        groups.setdefault(state.holder_group(o.holder), []).append(o)
    out = []
    for group, members_options in groups.items():
        holder = members_options[0].holder
        held = state.owned_on(holder, company, as_of)
        rows: list[dict[str, Any]] = []
        for o in members_options:
            try:
                limit = cap_limit(state, o, as_of)
            except (Refusal, BadInput) as exc:
                rows.append({"option": o.option_no, "limited": None, "allowance": None, "reason": exc.message, "clause": exc.clause})
                continue
            if limit is None:
                reason = str(cap_summary(o, as_of)["reason"])
                rows.append({"option": o.option_no, "limited": False, "allowance": None, "reason": reason, "clause": "§10"})
            else:
                rows.append({"option": o.option_no, "limited": True, "allowance": to_text(limit.shares), "reason": limit.reason,
                             "clause": "§10"})
        out.append({"group": group, "members": state.group_members(holder), "holdings": _t(held),
                    "uncertified": state.uncertified_members(holder, company, as_of), "options": rows})
    return out


def company_cap_table(state: BookState, company: str, as_of: date, viewer: Visibility | None = None) -> dict[str, Any]:
    """The cap table of `company` as of `as_of` (`state` is the fold as of that day), as `viewer` (default: everything)."""
    viewer = viewer or Visibility.everything()
    cs = state.companies.get(company)
    if cs is None or not (viewer.reserve and viewer.sees_company(company)):
        raise NotVisible(f"company: no company {company!r} that you may see", field="company")
    options = company_options(state, company)
    seen = [o for o in options if viewer.sees_option(o.option_no)]
    hidden = [o for o in options if not viewer.sees_option(o.option_no)]
    outstanding = cs.outstanding_on(as_of)
    authorized = cs.authorized_on(as_of)
    option_shares = sum((o.remaining for o in options), Fraction(0))
    basis = fully_diluted_basis(outstanding, option_shares) if outstanding is not None else None
    r = reservation(state, company, as_of)
    rows = [option_row(state, o, as_of, basis) for o in seen]
    holders: dict[str, dict[str, Any]] = {}
    for h, c in state.owned:
        if c == company:
            holders.setdefault(h, {"common": state.certified_on(h, company, as_of), "options": Fraction(0)})
    for o in seen:
        holders.setdefault(o.holder, {"common": state.certified_on(o.holder, company, as_of), "options": Fraction(0)})
        holders[o.holder]["options"] += o.remaining
    holder_rows = []
    certified = Fraction(0)
    for h, figures in holders.items():
        common = figures["common"]
        certified += common or 0
        total = (common or 0) + figures["options"]
        holder = state.holders.get(h)
        holder_rows.append({"holder": {"id": h, "name": holder.name if holder else h}, "group": state.holder_group(h),
                            "common": _t(common), "common_certified": common is not None, "option_shares": to_text(figures["options"]),
                            "fully_diluted_shares": to_text(total),
                            "fully_diluted": _t(ownership(total, basis)) if basis is not None else None})
    others = outstanding - certified if outstanding is not None else None
    hidden_shares = sum((o.remaining for o in hidden), Fraction(0))
    values = [Fraction(x["intrinsic_value"]) for x in rows if x["intrinsic_value"] is not None]
    return {
        "company": {"id": company, "name": cs.name}, "as_of": as_of.isoformat(), "basis": BASIS,
        "outstanding": _t(outstanding), "authorized": _t(authorized),
        "reserved": {"required": to_text(r.required), "available": _t(r.available), "shortfall": _t(r.shortfall), "clause": "§6"},
        "option_shares": to_text(option_shares), "fully_diluted_shares": _t(basis),
        "options": rows,
        "holders": holder_rows,
        "others": {"common": _t(others), "fully_diluted": _t(ownership(others, basis)) if others is not None and basis is not None else None,
                   "what": "shares outstanding not certified by any holder in the book"},
        "hidden_options": {"count": len(hidden), "shares": to_text(hidden_shares),
                           "fully_diluted": _t(ownership(hidden_shares, basis)) if basis is not None else None} if hidden else None,
        "headroom": _headroom(state, seen, company, as_of),
        "totals": {"option_shares_shown": to_text(sum((o.remaining for o in seen), Fraction(0))),
                   "intrinsic_value_shown": to_text(sum(values, Fraction(0))),
                   "intrinsic_value_complete": len(values) == len(rows)},
        "problems": [] if outstanding is not None else ["no shares outstanding recorded on or before the day: the fully diluted "
                                                        "figures need an 'outstanding' fact"],
    }


def fund_view(state: BookState, holder: str, as_of: date, viewer: Visibility | None = None) -> dict[str, Any]:
    """A holder's options across every company, with the per-option figures of the cap table and totals per company.
    The fully diluted share of each company is the company's own basis (a total it discloses), never another holder's
    figures."""
    viewer = viewer or Visibility.everything()
    if holder not in state.holders:
        raise NotVisible(f"holder: no holder {holder!r} that you may see", field="holder")
    mine = [o for o in state.options.values() if o.holder == holder and o.active and o.basket is None]
    seen = [o for o in mine if viewer.sees_option(o.option_no)]
    if not seen and mine:
        raise NotVisible(f"holder: no holder {holder!r} that you may see", field="holder")
    companies: dict[str, list[OptionState]] = {}
    for o in seen:
        companies.setdefault(o.company, []).append(o)
    out: list[dict[str, Any]] = []
    total_value = Fraction(0)
    complete = True
    for company, options in companies.items():
        cs = state.companies.get(company)
        outstanding = cs.outstanding_on(as_of) if cs else None
        all_shares = sum((o.remaining for o in company_options(state, company)), Fraction(0))
        basis = fully_diluted_basis(outstanding, all_shares) if outstanding is not None else None
        rows = [option_row(state, o, as_of, basis) for o in options]
        common = state.certified_on(holder, company, as_of)
        mine_shares = sum((o.remaining for o in options), Fraction(0))
        values = [Fraction(x["intrinsic_value"]) for x in rows if x["intrinsic_value"] is not None]
        complete = complete and len(values) == len(rows)
        total_value += sum(values, Fraction(0))
        out.append({"company": {"id": company, "name": cs.name if cs else company}, "options": rows,
                    "common": _t(common), "option_shares": to_text(mine_shares),
                    "fully_diluted_shares": _t(basis),
                    "fully_diluted": _t(ownership((common or 0) + mine_shares, basis)) if basis is not None else None,
                    "intrinsic_value": to_text(sum(values, Fraction(0))), "headroom": _headroom(state, options, company, as_of)})
    h = state.holders[holder]
    return {"holder": {"id": holder, "name": h.name}, "group": state.holder_group(holder), "as_of": as_of.isoformat(), "basis": BASIS,
            "companies": out, "totals": {"companies": len(out), "options": len(seen),
                                         "intrinsic_value": to_text(total_value), "intrinsic_value_complete": complete}}


# ---------------------------------------------------------------- exports (one long table: CSV and XLSX alike)


def _columns() -> tuple[Any, ...]:
    from warrantbook.app.export import INTEGER, MONEY, PERCENT, PRICE, SHARES, Column

    return (Column("section", "Section"), Column("company", "Company"), Column("holder", "Holder"), Column("holder_name", "Holder name"),
            Column("group", "Holder group (§10)"), Column("option", "Option"), Column("tranche", "Tranche", INTEGER),
            Column("item", "Item"), Column("common", "Common shares (certified)", SHARES),
            Column("option_shares", "Option shares", SHARES), Column("shares", "Shares", SHARES),
            Column("exercise_price", "Exercise price", PRICE), Column("fmv", "FMV (§1.2)", PRICE),
            Column("intrinsic_value", "Intrinsic value", MONEY), Column("fully_diluted", "Fully diluted", PERCENT),
            Column("allowance", "Cap allowance (§10)", SHARES), Column("note", "Note"))


def _option_rows(o: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"company": o["company"]["id"], "holder": o["holder"]["id"], "holder_name": o["holder"]["name"], "group": o["group"],
            "option": o["option"]}
    fmv = o["fmv"]["value"] if o["fmv"] else None
    rows = [{**base, "section": "option", "item": "remaining shares", "shares": o["remaining"], "fmv": fmv,
             "intrinsic_value": o["intrinsic_value"], "fully_diluted": o["fully_diluted"],
             "note": o["fmv_problem"] or (f"{o['fmv']['clause']}: {o['fmv']['source']}" if o["fmv"] else "")}]
    for t in o["tranches"]:
        rows.append({**base, "section": "tranche", "tranche": t["tranche"], "item": "remaining shares", "shares": t["shares"],
                     "exercise_price": t["exercise_price"], "fmv": fmv, "intrinsic_value": t["intrinsic_value"]})
    return rows


def _headroom_rows(company: str, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        for x in g["options"]:
            rows.append({"section": "headroom", "company": company, "group": g["group"], "option": x["option"],
                         "item": "group holdings (H) and the option's allowance", "common": g["holdings"], "allowance": x["allowance"],
                         "note": x["reason"]})
    return rows


def cap_table_sheet(data: dict[str, Any]) -> Any:
    """`company_cap_table`'s answer as one export table (app.export.Sheet)."""
    from warrantbook.app.export import Sheet

    company = data["company"]["id"]
    rows: list[dict[str, Any]] = []
    for item, value in (("shares outstanding", data["outstanding"]), ("authorized shares", data["authorized"]),
                        ("reserved under §6 (required)", data["reserved"]["required"]),
                        ("authorized and unissued (§6 available)", data["reserved"]["available"]),
                        ("§6 shortfall", data["reserved"]["shortfall"]), ("option shares", data["option_shares"]),
                        ("fully diluted shares", data["fully_diluted_shares"])):
        rows.append({"section": "company", "company": company, "item": item, "shares": value,
                     "note": data["basis"] if item == "fully diluted shares" else ""})
    for h in data["holders"]:
        rows.append({"section": "holder", "company": company, "holder": h["holder"]["id"], "holder_name": h["holder"]["name"],
                     "group": h["group"], "item": "fully diluted holding", "common": h["common"], "option_shares": h["option_shares"],
                     "shares": h["fully_diluted_shares"], "fully_diluted": h["fully_diluted"],
                     "note": "" if h["common_certified"] else "no holdings certified: common counted as 0"})
    rows.append({"section": "others", "company": company, "item": data["others"]["what"], "common": data["others"]["common"],
                 "shares": data["others"]["common"], "fully_diluted": data["others"]["fully_diluted"]})
    if data["hidden_options"]:
        h = data["hidden_options"]
        rows.append({"section": "hidden options", "company": company, "item": f"{h['count']} option(s) you may not see, in sum",
                     "option_shares": h["shares"], "shares": h["shares"], "fully_diluted": h["fully_diluted"]})
    for o in data["options"]:
        rows += _option_rows(o)
    rows += _headroom_rows(company, data["headroom"])
    return Sheet(f"cap table {company} {data['as_of']}", _columns(), rows)


def fund_sheet(data: dict[str, Any]) -> Any:
    """`fund_view`'s answer as one export table."""
    from warrantbook.app.export import Sheet

    rows: list[dict[str, Any]] = []
    for c in data["companies"]:
        company = c["company"]["id"]
        for o in c["options"]:
            rows += _option_rows(o)
        rows.append({"section": "company total", "company": company, "holder": data["holder"]["id"], "holder_name": data["holder"]["name"],
                     "group": data["group"], "item": "the holder in this company", "common": c["common"], "option_shares": c["option_shares"],
                     "intrinsic_value": c["intrinsic_value"], "fully_diluted": c["fully_diluted"],
                     "note": f"fully diluted basis {c['fully_diluted_shares']} shares" if c["fully_diluted_shares"] else "no shares outstanding recorded"})
        rows += _headroom_rows(company, c["headroom"])
    rows.append({"section": "total", "holder": data["holder"]["id"], "holder_name": data["holder"]["name"], "item": "every company",
                 "intrinsic_value": data["totals"]["intrinsic_value"],
                 "note": "" if data["totals"]["intrinsic_value_complete"] else "incomplete: an option has no FMV on the day"})
    return Sheet(f"fund {data['holder']['id']} {data['as_of']}", _columns(), rows)
