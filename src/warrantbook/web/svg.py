"""Geometry for the two pictures of the option page: where each box, line and point goes, nothing more.

The figures are the engine's (app.views.chart, the lineage of app.views.history) and arrive
as exact text; these helpers only place them on a canvas (exact fractions rounded to whole pixels) and
format labels with core.numbers. The templates draw the SVG from what these return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core.numbers import exact, fmt, money

WIDTH = 720
PANEL = 110
GAP = 46
LEFT = 92
RIGHT = 20
TOP = 28


def _px(value: Fraction) -> int:
    return int(round(value))


@dataclass(frozen=True)
class Panel:
    title: str
    top: int
    height: int
    lines: list[dict[str, Any]]  # {"d": path, "class": css class, "label": legend, "points": [{x, y, text}]}
    y_top: str
    y_bottom: str


def chart(points: list[dict[str, Any]], *, width: int = WIDTH) -> dict[str, Any]:
    """Three stacked panels over one time axis: option shares (remaining, cap allowance), exercise price, shares outstanding."""
    if not points:
        return {"width": width, "height": 80, "panels": [], "ticks": [], "empty": True}
    days = [date.fromisoformat(p["on"]) for p in points]
    first, last = days[0].toordinal(), days[-1].toordinal()
    span = max(last - first, 1)
    inner = width - LEFT - RIGHT

    def x_of(d: date) -> int:
        return LEFT + _px(Fraction(d.toordinal() - first, span) * inner)

    def series(key: str) -> list[tuple[date, Fraction | None]]:
        return [(d, exact(p[key]) if p.get(key) is not None else None) for d, p in zip(days, points)]

    Line = tuple[str, str, str, Callable[[Fraction], str]]
    specs: list[tuple[str, list[Line], Callable[[Fraction], str]]] = [
        ("Option shares", [("remaining_shares", "line-remaining", "remaining shares", fmt),
                           ("cap_allowance", "line-cap", "cap allowance (§10)", fmt)], fmt),
        ("Exercise price", [("exercise_price", "line-price", "exercise price", money)], money),
        ("Shares outstanding", [("outstanding", "line-outstanding", "shares outstanding", fmt)], fmt),
    ]
    panels = []
    top = TOP
    for title, lines, label in specs:
        values = [v for key, *_ in lines for _d, v in series(key) if v is not None]
        hi = max(values) if values else Fraction(1)
        hi = hi if hi > 0 else Fraction(1)
        drawn = []
        for key, css, legend, text in lines:
            pts = []
            d_parts: list[str] = []
            prev_y: int | None = None
            for d, v in series(key):
                if v is None:
                    if prev_y is not None:
                        d_parts.append(f"H{x_of(d)}")  # the figure held until this day, then there is none (e.g. the cap fell away)
                    prev_y = None
                    continue
                x = x_of(d)
                y = top + PANEL - _px(v / hi * PANEL)
                if prev_y is None:
                    d_parts.append(f"M{x},{y}")
                else:
                    d_parts.append(f"H{x}V{y}")
                prev_y = y
                pts.append({"x": x, "y": y, "text": f"{d.isoformat()}: {legend} {text(v)}"})
            if prev_y is not None:
                d_parts.append(f"H{LEFT + inner}")
            drawn.append({"d": "".join(d_parts), "class": css, "label": legend, "points": pts})
        panels.append(Panel(title, top, PANEL, drawn, label(hi), label(Fraction(0))))
        top += PANEL + GAP
    ticks = []
    seen: set[int] = set()
    for d in days:
        x = x_of(d)
        if all(abs(x - s) > 70 for s in seen):
            seen.add(x)
            ticks.append({"x": x, "label": d.isoformat()})
    return {"width": width, "height": top - GAP + 30, "panels": panels, "ticks": ticks, "left": LEFT, "right": LEFT + inner,
            "empty": False}


BOX_W = 196
BOX_H = 74
H_GAP = 24
V_GAP = 48


def tree(lineage: list[dict[str, Any]], current: str) -> dict[str, Any]:
    """A tidy tree of the option's lineage: each option a box, its children below, joined by an edge named by origin."""
    by_no = {n["option"]: n for n in lineage}
    roots = [n["option"] for n in lineage if not n.get("parent") or n["parent"] not in by_no]
    slots: dict[str, Fraction] = {}
    depth: dict[str, int] = {}
    next_leaf = [0]

    def place(no: str, level: int) -> Fraction:
        depth[no] = level
        kids = [c for c in by_no[no].get("children", []) if c in by_no]
        if not kids:
            slots[no] = Fraction(next_leaf[0])
            next_leaf[0] += 1
        else:
            xs = [place(c, level + 1) for c in kids]
            slots[no] = (xs[0] + xs[-1]) / 2
        return slots[no]

    for r in roots:
        place(r, 0)
    leaves = max(next_leaf[0], 1)
    levels = max(depth.values(), default=0) + 1
    width = leaves * BOX_W + (leaves - 1) * H_GAP + 16
    height = levels * BOX_H + (levels - 1) * V_GAP + 16
    boxes = []
    for no, slot in slots.items():
        n = by_no[no]
        x = 8 + _px(slot * (BOX_W + H_GAP))
        y = 8 + depth[no] * (BOX_H + V_GAP)
        boxes.append({"option": no, "x": x, "y": y, "w": BOX_W, "h": BOX_H, "holder": n.get("holder", ""),
                      "remaining": fmt(exact(n["remaining_shares"])) if n.get("remaining_shares") is not None else "",
                      "status": n.get("status", ""), "origin": n.get("origin", ""), "current": no == current})
    where = {b["option"]: b for b in boxes}
    edges = []
    for b in boxes:
        parent = by_no[b["option"]].get("parent")
        if parent in where:
            p = where[parent]
            x1, y1 = p["x"] + BOX_W // 2, p["y"] + BOX_H
            x2, y2 = b["x"] + BOX_W // 2, b["y"]
            mid = (y1 + y2) // 2
            edges.append({"d": f"M{x1},{y1}V{mid}H{x2}V{y2}", "label": b["origin"], "lx": x2 + 4, "ly": mid - 4})
    return {"width": width, "height": height, "boxes": boxes, "edges": edges}
