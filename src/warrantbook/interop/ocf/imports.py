"""An OCF 1.2.0 package read back as warrantbook events: ours exactly, another tool's as far as it goes.

Objects warrantbook wrote carry a `warrantbook/1` line in their comments; their `warrantbook/1 #n` lines are
the recorded events, restored in their order, so a package of ours imports to the very book it came from
(its OCF fields are not read: the carried events are the record).

Another tool's objects are mapped where OCF says enough: the issuer, stakeholders, the common stock class
(authorized shares, votes, seniority, certificate prefix as `cap-table-fact`s), authorized-share changes of
that class, and warrant issuances with a quantity and an exercise price. OCF carries none of an option's
agreement terms (cap, payment methods, FMV rules, delivery period, disputes): an imported warrant's terms
are written as marked gaps ("FILL IN: ...") that `warrantbook check` refuses until the user fills them from
the instrument (`warrantbook agreement import` reads them). Everything else is reported, object by object,
with the reason it was not imported.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.codec import event_from_data
from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import exact
from warrantbook.core.terms import Address, Company, Expiration, Holder, Terms, Tranche
from warrantbook.interop.agreement import gap
from warrantbook.interop.ocf.export import CARRIER
from warrantbook.interop.ocf.package import Package, dangling_references
from warrantbook.interop.places import STATE_NAMES

_CARRIED = re.compile(rf"^{re.escape(CARRIER)} #(\d+) (\{{.*\}})$")

NOT_OPTIONS = "not an option or warrant of this agreement family"
REASONS: dict[str, str] = {
    "TX_WARRANT_EXERCISE": "OCF gives no quantity, method or payment: record the exercise notice, surrender and payment (warrantbook decides the shares)",
    "TX_WARRANT_TRANSFER": "a transfer is registered only with the endorsement, opinion and transfer taxes of §7, which OCF does not carry: record the transfer request",
    "TX_WARRANT_CANCELLATION": "the agreement has no cancellation; a replacement (§8) or an amendment (§14) is recorded as such",
    "TX_WARRANT_RETRACTION": "the agreement has no retraction; record a correction of the issue instead",
    "TX_WARRANT_ACCEPTANCE": "the agreement needs no acceptance",
    "TX_STOCK_CLASS_SPLIT": "a §4 event needs the shares outstanding before and after; OCF gives only the ratio: record a stock-event",
    "TX_ISSUER_AUTHORIZED_SHARES_ADJUSTMENT": "issuer-level authorized shares: warrantbook counts the common stock's (record an 'authorized' fact)",
    "TX_STOCK_CLASS_CONVERSION_RATIO_ADJUSTMENT": "conversion ratios of other classes do not touch an option on common stock",
    "STOCK_LEGEND_TEMPLATE": "a legend is a yes/no term of an option; its text is not kept",
    "STOCK_PLAN": "a stock plan is outside an option agreement",
    "VALUATION": "a valuation is not a fair market value under §1.2 (record an agreed or awarded FMV instead)",
    "VESTING_TERMS": "options of this family do not vest",
    "FINANCING": "a financing is outside an option agreement",
    "DOCUMENT": "documents are not imported",
}
STOCK_LEDGER = "warrantbook keeps options on common stock, not the stock ledger (shares outstanding are 'outstanding' facts)"


@dataclass(frozen=True, slots=True)
class Skipped:
    object_id: str
    object_type: str
    reason: str


@dataclass
class ImportResult:
    events: list[ev.Event]
    restored: int  # events carried by warrantbook's own objects
    mapped: dict[str, int] = field(default_factory=dict)  # another tool's objects turned into events, by OCF type
    skipped: list[Skipped] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    as_of: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat() if self.as_of else None, "events": len(self.events), "restored": self.restored,
                "mapped": self.mapped, "skipped": [{"id": s.object_id, "object_type": s.object_type, "reason": s.reason} for s in self.skipped],
                "skipped_count": len(self.skipped), "gaps": self.gaps, "warnings": self.warnings}


def _ours(obj: dict[str, Any]) -> bool:
    return any(isinstance(c, str) and c.startswith(CARRIER + " ") for c in obj.get("comments") or [])


def _number(value: Any) -> Fraction | None:
    try:
        return exact(str(value), "number") if value is not None else None
    except BadInput:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class Importer:
    def __init__(self, package: Package):
        self.pkg = package
        self.result = ImportResult([], 0, warnings=list(package.warnings), as_of=_date(package.manifest.get("as_of")))
        self.mapped: list[ev.Event] = []

    def run(self) -> ImportResult:
        self._restore()
        self._map_foreign()
        self.result.warnings += [f"reference: {p}" for p in dangling_references(self.pkg)]
        self.result.events += _registered_first(self.mapped)
        return self.result

    # -- ours

    def _restore(self) -> None:
        carried: dict[int, ev.Event] = {}
        sources = [("manifest", {"comments": self.pkg.manifest.get("comments")}), *[(str(o.get("id")), o) for o in self.pkg.all_objects()]]
        for where, obj in sources:
            for line in obj.get("comments") or []:
                m = _CARRIED.match(line) if isinstance(line, str) else None
                if not m:
                    continue
                seq = int(m[1])
                try:
                    event = event_from_data(json.loads(m[2]), f"{where} #{seq}")
                except (BadInput, json.JSONDecodeError) as exc:
                    self.result.warnings.append(f"{where}: carried event #{seq} does not read: {exc}")
                    continue
                if seq in carried:
                    self.result.warnings.append(f"{where}: carried event #{seq} appears twice; the first is kept")
                    continue
                carried[seq] = event
        if carried:
            missing = sorted(set(range(max(carried) + 1)) - set(carried))
            if missing:
                self.result.warnings.append(f"{len(missing)} carried event(s) missing (#{', #'.join(map(str, missing[:10]))}): "
                                            "objects of the package were removed or edited")
        self.result.events = [carried[k] for k in sorted(carried)]
        self.result.restored = len(carried)

    # -- another tool's

    def _skip(self, obj: dict[str, Any], reason: str) -> None:
        self.result.skipped.append(Skipped(str(obj.get("id")), str(obj.get("object_type")), reason))

    def _count(self, obj: dict[str, Any]) -> None:
        kind = str(obj.get("object_type"))
        self.result.mapped[kind] = self.result.mapped.get(kind, 0) + 1

    def _map_foreign(self) -> None:
        issuer = self.pkg.issuer
        foreign = [o for o in self.pkg.items() if not _ours(o)]
        if _ours(issuer) and not foreign:
            return
        company = str(issuer.get("id") or "issuer")
        day0 = _date(issuer.get("formation_date")) or min((d for o in foreign if (d := _date(o.get("date")))), default=None) \
            or self.result.as_of or date(1900, 1, 1)
        known_ids = {e.id for e in self.result.events}

        def fact(subject: str, name: str, value: Any, on: date = day0) -> None:
            if value is None or value == "":
                return
            fid = f"ocf-{subject}-{name}"
            if fid not in known_ids:
                self.mapped.append(ev.CapTableFact(id=fid, on=on, actor="system", subject=subject, name=name, value=str(value),
                                                   source="OCF package"))

        commons = [o for o in foreign if o.get("object_type") == "STOCK_CLASS" and o.get("class_type") == "COMMON"]
        common = commons[0] if commons else None
        if not _ours(issuer):
            country = str(issuer.get("country_of_formation") or "")
            sub = str(issuer.get("country_subdivision_of_formation") or "")
            state = STATE_NAMES.get(sub, sub) if country == "US" else " ".join(x for x in (sub, country) if x)
            par = _number((common or {}).get("par_value", {}).get("amount")) if common else None
            if company in known_ids:
                self._skip(issuer, f"a company {company!r} is already in the package's warrantbook record")
            else:
                self.mapped.append(ev.CompanyRegistered(id=company, on=day0, actor=f"company:{company}",
                                                        company=Company(id=company, name=str(issuer.get("legal_name") or company), state=state, par_value=par)))
                self._count(issuer)
                fact(company, "formation_date", issuer.get("formation_date"))
                if country and country != "US":
                    fact(company, "country", country)
                    fact(company, "country_subdivision", sub)
        holders: set[str] = {e.holder.id for e in self.result.events if isinstance(e, ev.HolderRegistered)}
        for o in foreign:
            if o.get("object_type") == "STAKEHOLDER":
                self._stakeholder(o, day0, holders, fact)
        if common is not None:
            cid = str(common.get("id"))
            if str(common.get("name")) != "Common Stock":
                fact(company, "stock_class_name", common.get("name"))
            fact(company, "certificate_prefix", common.get("default_id_prefix"))
            fact(company, "votes_per_share", common.get("votes_per_share"))
            fact(company, "seniority", common.get("seniority"))
            authorized = _number(common.get("initial_shares_authorized"))
            if authorized is not None:
                self.mapped.append(ev.AuthorizedShares(id=f"ocf-{cid}-authorized", on=_date(common.get("board_approval_date")) or day0,
                                                       actor=f"company:{company}", company=company, shares=authorized,
                                                       source=f"OCF stock class {cid}"))
            self._count(common)
        for o in foreign:
            kind = str(o.get("object_type"))
            if kind == "STOCK_CLASS" and o is not common:
                self._skip(o, "warrantbook keeps options on one class of common stock" if o.get("class_type") == "COMMON"
                           else "warrantbook keeps options on common stock, not preferred")
            elif kind == "TX_WARRANT_ISSUANCE":
                self._warrant(o, company, holders, fact)
            elif kind == "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT":
                shares, on = _number(o.get("new_shares_authorized")), _date(o.get("date"))
                if common is None or o.get("stock_class_id") != common.get("id"):
                    self._skip(o, "not the common stock class warrantbook imported")
                elif shares is None or on is None:
                    self._skip(o, "no readable date or share count")
                else:
                    self.mapped.append(ev.AuthorizedShares(id=f"ocf-{o.get('id')}", on=on, actor=f"company:{company}", company=company,
                                                           shares=shares, source="OCF authorized shares adjustment"))
                    self._count(o)
            elif kind in ("STAKEHOLDER", "STOCK_CLASS"):
                continue
            elif kind in REASONS:
                self._skip(o, REASONS[kind])
            elif kind.startswith("TX_STOCK_"):
                self._skip(o, STOCK_LEDGER)
            else:
                self._skip(o, NOT_OPTIONS)

    def _stakeholder(self, o: dict[str, Any], day0: date, holders: set[str], fact: Any) -> None:
        hid = str(o.get("id"))
        name = (o.get("name") or {}).get("legal_name") if isinstance(o.get("name"), dict) else None
        if not name:
            self._skip(o, "no legal name")
            return
        if hid in holders:
            self._skip(o, f"a holder {hid!r} is already recorded")
            return
        address = None
        for a in o.get("addresses") or []:
            if isinstance(a, dict):
                lines = [x for x in str(a.get("street_suite") or "").splitlines() if x.strip()]
                last = " ".join(x for x in (f"{a.get('city')}," if a.get("city") else "", a.get("country_subdivision") or "",
                                             a.get("postal_code") or "") if x).strip().rstrip(",")
                if a.get("country") and a.get("country") != "US":
                    last = f"{last} {a.get('country')}".strip()
                address = Address(tuple(lines + ([last] if last else [])))
                break
        self.mapped.append(ev.HolderRegistered(id=hid, on=day0, actor=f"holder:{hid}", holder=Holder(id=hid, name=str(name), address=address)))
        holders.add(hid)
        kind = str(o.get("stakeholder_type") or "").lower()
        fact(hid, "stakeholder_type", kind if kind in ("individual", "institution") else None)
        relation = str(o.get("current_relationship") or "").lower()
        fact(hid, "relationship", relation or None)
        self._count(o)

    def _warrant(self, o: dict[str, Any], company: str, holders: set[str], fact: Any) -> None:
        holder = str(o.get("stakeholder_id"))
        quantity = _number(o.get("quantity"))
        price = _number((o.get("exercise_price") or {}).get("amount")) if isinstance(o.get("exercise_price"), dict) else None
        on = _date(o.get("date"))
        if holder not in holders:
            self._skip(o, f"its stakeholder {holder!r} is not in the package")
            return
        if quantity is None or quantity <= 0:
            self._skip(o, "no fixed quantity: warrantbook keeps warrants for a stated number of shares")
            return
        if price is None or price <= 0:
            self._skip(o, "no exercise price: warrantbook keeps warrants with a stated price per share")
            return
        if on is None:
            self._skip(o, "no date")
            return
        number = str(o.get("custom_id") or o.get("security_id"))
        taken = {e.option_no for e in self.result.events + self.mapped if isinstance(e, ev.OptionIssued)}
        if number in taken:
            number = str(o.get("security_id"))
        if number in taken:
            self._skip(o, f"security {number!r} is issued twice in the package")
            return
        expiry = _date(o.get("warrant_expiration_date"))
        where = f"option {number} (OCF {o.get('id')})"
        gaps = ["cap", "payment_methods", "fmv_venues", "delivery_days", "liquidation_fmv", "legend", "disputes"] + ([] if expiry else ["expiration"])
        self.result.gaps += [f"{where}: terms.{g}: OCF does not carry it; read it from the instrument" for g in gaps]
        terms = Terms(company=company, issue_date=on, tranches=(Tranche(quantity, price),), option_no=number, option_no_on_instrument=True,
                      expiration=Expiration(expiry, "from the OCF package") if expiry else Expiration(gap("the expiration date (YYYY-MM-DD), or null"), ""),
                      cap=gap("the cap: {percent: 0.0499, waiver_notice_days: 75, void_on_default: true} or null for none"),
                      delivery_days=gap("business days to deliver shares"), payment_methods=gap("[cash, stock, cashless, combination]"),
                      fmv_venues=gap("[exchange, nasdaq, otcbb, pink, not-traded]"), liquidation_fmv=gap("true or false"),
                      legend=gap("true or false"), disputes=gap("{governing_law: ..., forum: ..., jury_waiver: ...}"))
        note = f"imported from OCF {o.get('id')}" + ("; its vesting was not imported" if o.get("vestings") or o.get("vesting_terms_id") else "")
        self.mapped.append(ev.OptionIssued(id=f"issue-{number}", on=on, actor=f"company:{company}", option_no=number, holder=holder, terms=terms, note=note))
        pp = (o.get("purchase_price") or {}).get("amount") if isinstance(o.get("purchase_price"), dict) else None
        fact(number, "purchase_price", pp, on)
        self._count(o)


def import_ocf(package: Package) -> ImportResult:
    return Importer(package).run()


def _registered_first(events: list[ev.Event]) -> list[ev.Event]:
    """A company or holder is on the books before any fact about it (the core refuses a fact about a company it does
    not know): a registration is dated no later than the earliest event that names it."""
    earliest: dict[str, date] = {}
    for e in events:
        for name in ("company", "issuer", "holder"):
            who = getattr(e, name, None)
            if isinstance(who, str) and who:
                earliest[who] = min(earliest.get(who, e.on), e.on)
    out: list[ev.Event] = []
    for e in events:
        if isinstance(e, ev.CompanyRegistered) and earliest.get(e.company.id, e.on) < e.on:
            e = dataclasses.replace(e, on=earliest[e.company.id])
        elif isinstance(e, ev.HolderRegistered) and earliest.get(e.holder.id, e.on) < e.on:
            e = dataclasses.replace(e, on=earliest[e.holder.id])
        out.append(e)
    return out
