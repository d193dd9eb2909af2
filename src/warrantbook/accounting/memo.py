# float-ok: whole module (formats the pack's float figures for the memo)
"""The quarter-close memo as PDF (typst, as documents/ does): the pack's figures, its judgments and its flags.

The template receives one JSON value in sys.inputs, so nothing is spliced into typst source. `#set
document(date: none)` makes the same pack give the same bytes.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from warrantbook.accounting.close import MODEL, ClosePack

MAX_ROWS = 40


def _shares(text: str) -> str:
    f = Fraction(text)
    return f"{f.numerator:,}" if f.denominator == 1 else f"{float(f):,.4f}"  # float-ok (valuation)


def memo_data(pack: ClosePack) -> dict[str, Any]:
    j = pack.as_json()
    i = pack.inputs
    a = pack.activity
    rows = [[r.option_no, str(r.tranche), r.classification, _shares(str(r.shares)), f"{r.per_share:.6f}", f"{r.booked:,}",
             f"{r.T:.2f} y ({r.term.basis})"] for r in pack.closing[:MAX_ROWS]]
    measurement = []
    for m in pack.measurement:
        value = f"{m['value']:.6g}" if "value" in m else f"{m['low']:.6g} to {m['high']:.6g} (weighted {m['weighted_average']:.6g})"
        measurement.append([m["input"], value, m["source"]])

    def price(x: float | None) -> str:  # float-ok (valuation)
        return "—" if x is None else f"{x:.6g}"

    activity = [[label, _shares(a[key]["shares"]), price(a[key].get("weighted_average_exercise_price"))]
                for label, key in (("outstanding at the start", "outstanding_start"), ("issued", "issued"), ("exercised", "exercised"),
                                   ("expired or cancelled", "expired_or_cancelled"), ("adjusted for stock events (§4)", "adjusted_for_stock_events"),
                                   ("outstanding at the end", "outstanding_end"))]
    end = a["outstanding_end"]
    sens = pack.sensitivity
    grid = [[f"{dv:+.0%}", *[f"{v:,.2f}" for v in line]] for dv, line in zip(sens["volatility_shifts"], sens["fair_value"])]
    e = pack.eps
    eps = [["average price in the period", f"{e['average_price']:.6g} ({e['average_price_source']})"],
           ["weighted-average shares outstanding", _shares(e["weighted_average_outstanding"])],
           ["penny warrants in basic (ASC 260-10-45-13)", _shares(str(sum((Fraction(v) for v in e["penny_warrants_in_basic"].values()), Fraction(0))))],
           ["basic weighted-average shares", _shares(e["basic_shares"])],
           ["incremental shares, treasury stock method", _shares(e["incremental_shares"])]]
    if e.get("net_income") is not None:
        eps += [["net income (loss)", e["net_income"]], ["basic EPS", e["basic_eps"]], ["diluted EPS", f"{e['diluted_eps']} ({e['dilution']})"]]
    return {
        "company": pack.company_name, "prior": pack.prior.isoformat(), "period_end": pack.period_end.isoformat(), "head": pack.head.hash,
        "count": str(pack.head.count), "classification": j["classification"], "reclassified": pack.reclassified, "rows": rows,
        "more_rows": max(0, len(pack.closing) - MAX_ROWS), "model": MODEL,
        "inputs_line": f"share price {float(i.price):.6g} ({i.price_clause}: {i.price_source}); volatility {i.volatility:.4f} "  # float-ok (valuation)
                       f"({i.volatility_source}); rate {i.rate:.4%}; dividend yield {i.dividend_yield:.2%} ({i.input_id}: {i.input_source}).",
        "measurement": measurement, "level3": [[k.replace("_", " "), f"{v:,}"] for k, v in pack.level3.items()], "activity": activity,
        "remaining_life": f"{end['weighted_average_remaining_life_years'] or 0:.2f}", "intrinsic": f"${end['intrinsic_value']:,.2f}",
        "share_price": f"{end['share_price']:.6g}", "sensitivity_head": ["vol \\ term", *[f"{t:+g} y" for t in sens["term_shifts_years"]]],
        "sensitivity": grid, "eps": eps, "flags": pack.flags or ["none"],
        "monte_carlo": [[f"S {m['inputs']['S']:.6g}, K {m['inputs']['K']:.6g}, T {m['inputs']['T']:.3f}", f"{m['black_scholes']:.8f}",
                         f"{m['value']:.8f} ± {m['standard_error']:.2e}", f"{m['plain_standard_error']:.2e}", f"{m['paths']:,} / {m['seed']}",
                         "yes" if m["within_4_standard_errors"] else "NO"] for m in pack.monte_carlo],
    }


@cache
def _compiler() -> Any:
    import typst

    root = Path(str(resources.files("warrantbook.accounting") / "templates"))
    return typst.Compiler(input=str(root / "close-memo.typ"), root=str(root), ignore_system_fonts=True)


def render_memo(pack: ClosePack) -> bytes:
    out = _compiler().compile(format="pdf", sys_inputs={"data": json.dumps(memo_data(pack), ensure_ascii=False, sort_keys=True)})
    assert isinstance(out, bytes)
    return out
