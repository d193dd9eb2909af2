"""The pictures' geometry: whole pixels placed from the engine's exact figures, nothing computed about the option."""

from __future__ import annotations

from warrantbook.web.svg import LEFT, RIGHT, WIDTH, chart, tree

POINTS = [
    {"on": "2005-09-07", "remaining_shares": "140250000", "exercise_price": "0.00001", "cap_allowance": "49880000", "outstanding": "1200000000"},
    {"on": "2006-01-10", "remaining_shares": "280500000", "exercise_price": "0.000005", "cap_allowance": "99760000", "outstanding": "2400000000"},
    {"on": "2006-09-16", "remaining_shares": "184400000", "exercise_price": "0.000005", "cap_allowance": None, "outstanding": "2449989919"},
    {"on": "2006-12-29", "remaining_shares": "184400000", "exercise_price": "0.000005", "cap_allowance": None, "outstanding": "2449989919"},
]


def test_chart_steps_and_gaps() -> None:
    c = chart(POINTS)
    shares, price, outstanding = c["panels"]
    remaining, cap = shares.lines
    assert shares.y_top == "280,500,000" and price.y_top == "$0.00001" and outstanding.y_top == "2,449,989,919"
    assert remaining["d"].endswith(f"H{WIDTH - RIGHT}")  # the last figure holds to today
    assert not cap["d"].endswith(f"H{WIDTH - RIGHT}")  # the cap fell away on 2006-09-16: its line stops there
    xs = [p["x"] for p in remaining["points"]]
    assert xs[0] == LEFT and xs[-1] == WIDTH - RIGHT and xs == sorted(xs)
    assert all(isinstance(p["x"], int) and isinstance(p["y"], int) for line in shares.lines for p in line["points"])
    top = shares.top
    assert [p["y"] for p in remaining["points"]][1] == top  # the largest figure touches the panel's top
    assert "2006-01-10: remaining shares 280,500,000" in [p["text"] for p in remaining["points"]]
    assert chart([])["empty"]


def test_tree_places_children_under_their_parent() -> None:
    lineage = [{"option": "ATG-1", "parent": None, "origin": "issue", "children": ["ATG-2", "ATG-3"], "status": "superseded by transfer",
                "holder": "gssf", "remaining_shares": "230500000"},
               {"option": "ATG-2", "parent": "ATG-1", "origin": "transfer", "children": [], "status": "active", "holder": "northbridge",
                "remaining_shares": "46100000"},
               {"option": "ATG-3", "parent": "ATG-1", "origin": "transfer", "children": [], "status": "active", "holder": "gssf",
                "remaining_shares": "184400000"}]
    t = tree(lineage, "ATG-3")
    boxes = {b["option"]: b for b in t["boxes"]}
    assert boxes["ATG-2"]["y"] == boxes["ATG-3"]["y"] > boxes["ATG-1"]["y"]
    assert boxes["ATG-2"]["x"] < boxes["ATG-1"]["x"] < boxes["ATG-3"]["x"]
    assert boxes["ATG-3"]["current"] and not boxes["ATG-1"]["current"]
    assert [e["label"] for e in t["edges"]] == ["transfer", "transfer"]
    assert boxes["ATG-2"]["remaining"] == "46,100,000"
