"""One line of plain English for any event, for timelines, the demo and history views."""

from __future__ import annotations

from warrantbook.core import events as ev
from warrantbook.core.numbers import fmt, money


def describe(e: ev.Event) -> str:  # noqa: C901 - one case per event type reads best as a flat list
    match e:
        case ev.CompanyRegistered(company=c):
            return f"company {c.name} ({c.state})" + (f", par value {money(c.par_value)}" if c.par_value is not None else "")
        case ev.HolderRegistered(holder=h):
            return f"holder {h.name}" + (f", {h.address}" if h.address else "")
        case ev.OptionIssued(option_no=no, holder=h, terms=t):
            tr = "; ".join(f"{fmt(x.shares)} shares at {money(x.exercise_price)}" for x in t.tranches)
            return f"option {no} issued to {h}: {tr}"
        case ev.ExerciseNoticeReceived(option_no=no, shares=s, method=m, channel=c):
            what = "the cashless maximum" if s is None else f"{fmt(s)} shares"
            return f"exercise notice on {no} by {c.value}: {what}, paying by {m.value}"
        case ev.OptionSurrendered(option_no=no, notice=n, place=p):
            return f"option {no} surrendered at the {'principal office' if p == 'company' else 'agent office'} for {n}"
        case ev.PaymentReceived(option_no=no, cash=c, stock_shares=s, notice=n):
            parts = ([money(c)] if c else []) + ([f"{fmt(s)} shares of stock"] if s else [])
            return f"payment for {n} on {no}: {' and '.join(parts)}"
        case ev.ExerciseEffected(option_no=no, shares_exercised=y, shares_issued=x, basket=items, delivery_due=d) if items:
            return f"exercise of {no} effected at close of business: {fmt(y)} option shares -> {fmt(x)} baskets (§3.1); deliver by {d}"
        case ev.ExerciseEffected(option_no=no, shares_exercised=y, whole_shares=w, cash_in_lieu_paid=c, delivery_due=d):
            return f"exercise of {no} effected at close of business: {fmt(y)} option shares -> {fmt(w)} shares + {money(c)} cash in lieu; deliver by {d}"
        case ev.SharesDelivered(option_no=no, certificates=cs, book_entry=b, notice=n):
            how = "book entry" if b else "certificate(s) " + ", ".join(cs)
            return f"shares for {n} on {no} delivered by {how}"
        case ev.StockEvent(issuer=i, event=k, outstanding_before=b, outstanding_after=a):
            return f"{k.value} of {i}: outstanding {fmt(b)} -> {fmt(a)}"
        case ev.Reorganized(company=c, transaction=t, successor=s, basket=items):
            return f"{t.value} of {c}: now owed by {s}; each share becomes a basket of {len(items)} item(s)"
        case ev.Dissolved(company=c):
            return f"dissolution of {c}"
        case ev.DissolutionDelivered(option_no=no, to_trustee=t):
            return f"§3.2 delivery for {no} made to the {'trustee' if t else 'holder'}"
        case ev.TrusteeDesignated(option_no=no, name=n):
            return f"trustee for {no}: {n}"
        case ev.TransferRequested(option_no=no, pieces=ps):
            return f"transfer of {no} requested to " + ", ".join(p.holder for p in ps)
        case ev.TransferRegistered(option_no=no, new_options=new):
            return f"transfer of {no} registered: new options {', '.join(new)}"
        case ev.ReplacementRequested(option_no=no, cause=c):
            return f"replacement of {no} requested ({c.value})"
        case ev.ReplacementIssued(option_no=no, new_option=n):
            return f"{no} replaced by {n}"
        case ev.VoidInstrumentPresented(option_no=no, presented_by=b):
            return f"void instrument {no} presented by {b}: claim recorded"
        case ev.WaiverNoticeReceived(option_no=no):
            return f"waiver notice of the cap received on {no}"
        case ev.DefaultNoticeReceived(option_no=no):
            return f"notice of an Event of Default received on {no}"
        case ev.DefaultCured(option_no=no):
            return f"Event of Default cured on {no}"
        case ev.AgentAppointed(name=n, functions=fs):
            return f"option agent appointed: {n} ({', '.join(sorted(f.value for f in fs))})"
        case ev.AddressFurnished(holder=h, address=a):
            return f"{h} furnished its address: {a}"
        case ev.NoticeSent(option_no=no, subject=s, mail_class=m, tracking=t):
            return f"notice on {no} by {m.value} mail ({t or 'no tracking'}): {s}"
        case ev.Amended(option_no=no, signed_by=s):
            return f"amendment of {no}, signed by {', '.join(s)}"
        case ev.AcknowledgmentRequested(option_no=no):
            return f"acknowledgment requested on {no}"
        case ev.AcknowledgmentGiven(option_no=no):
            return f"acknowledgment given on {no}"
        case ev.SharesOutstanding(company=c, shares=s):
            return f"{c}: {fmt(s)} shares outstanding"
        case ev.AuthorizedShares(company=c, shares=s):
            return f"{c}: {fmt(s)} shares authorized"
        case ev.BeneficialOwnership(holder=h, shares=s):
            return f"{h} certifies beneficial ownership of {fmt(s)} shares"
        case ev.Listed(company=c, venue=v):
            return f"{c} trades on {v.value}"
        case ev.Quote(company=c, venue=v, close=cl, bid=b, ask=a):
            parts = ([f"close {money(cl)}"] if cl is not None else []) + ([f"bid {money(b)} ask {money(a)}"] if b is not None and a is not None else [])
            return f"{c} {v.value} quote: {', '.join(parts)}"
        case ev.FmvAgreed(company=c, value=v):
            return f"FMV of {c} agreed at {money(v)}"
        case ev.FmvAwarded(company=c, value=v):
            return f"FMV of {c} awarded at {money(v)}"
        case ev.LiquidationAmount(company=c, amount=a):
            return f"liquidation of {c}: {money(a)} payable to common"
        case ev.Correction(corrects=c, reason=r):
            return f"correction of {c}: {r}"
        case ev.CapTableFact(subject=subj, name=n, value=v):
            return f"cap-table fact: {subj} {n} = {v}"
        case ev.ValuationInput(company=c, volatility=v, volatility_window=w, rate=r, term_years=t):
            vol = f"volatility {fmt(v * 100)}%" if v is not None else f"volatility from {w} daily returns"
            return f"valuation inputs of {c}: {vol}, rate {fmt(r * 100)}%" + (f", term {fmt(t)} years (assumed)" if t is not None else "")
        case ev.DocumentIssued(document=d, sha256=h):
            return f"document {d} issued (sha256 {h[:12]}...)"
    return e.kind
