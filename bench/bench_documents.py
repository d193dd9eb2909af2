"""Render every kind of document from the sample book, beside a same-run baseline: an empty typst page.

    python bench/bench_documents.py            # 9 runs per kind
    python bench/bench_documents.py --runs 3

For each kind it prints: gathering the figures from the engine (folds before/after the event, the rule with
its derivation), the first PDF (a compiler cold for that template, fonts included), the median PDF of fresh
inputs (each run has another record line, so typst cannot reuse an earlier result), the median HTML, and the
size and page count of the PDF. Then one end-to-end `issue()` from the book file (YAML load and replay
included), for context. Issue 4's target: a document renders in under 0.1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import typst

from warrantbook.book.io import dump
from warrantbook.core.audit import head_of
from warrantbook.core.decide import replay
from warrantbook.documents.data import Ledger, gather
from warrantbook.documents.issue import issue
from warrantbook.documents.render import Record, render
from warrantbook.documents.sample import SAMPLE_CASES, paperwork_life
from warrantbook.sources import BookSource

CASES = SAMPLE_CASES


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def pages(pdf: bytes) -> str:
    if shutil.which("pdfinfo") is None:
        return "?"
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs

    _state, events = replay(paperwork_life())
    ledger = Ledger(events)
    head = head_of(events)
    day0 = date(2025, 1, 1)

    baseline = typst.Compiler(ignore_system_fonts=True)
    base = []
    for i in range(runs):
        t0 = time.perf_counter()
        baseline.compile(input=f"#set document(date: none)\n#set page(paper: \"us-letter\")\n{i}".encode(), format="pdf")
        base.append(time.perf_counter() - t0)
    print(f"baseline: an empty typst page {ms(statistics.median(base))} ms (median of {runs}; first {ms(base[0])} ms)\n")

    print(f"{'kind':24} {'gather':>7} {'1st pdf':>7} {'pdf':>7} {'html':>7} {'bytes':>7} pages   (ms; medians of {runs} fresh inputs)")
    worst = 0.0
    for kind, event, option in CASES:
        gathered, pdfs, htmls = [], [], []
        content = b""
        for i in range(runs):
            made = day0 + timedelta(days=i)
            t0 = time.perf_counter()
            doc = gather(kind, ledger, option_no=option, event_id=event, made_on=made)
            t1 = time.perf_counter()
            content = render(doc, Record(head, made))
            t2 = time.perf_counter()
            render(doc, Record(head, made), "html")
            t3 = time.perf_counter()
            gathered.append(t1 - t0)
            pdfs.append(t2 - t1)
            htmls.append(t3 - t2)
        total = statistics.median(gathered) + statistics.median(pdfs)
        worst = max(worst, total, gathered[0] + pdfs[0])
        print(f"{kind:24} {ms(statistics.median(gathered))} {ms(pdfs[0])} {ms(statistics.median(pdfs))} {ms(statistics.median(htmls))} "
              f"{len(content):7d} {pages(content):>5}")
    print(f"\nslowest document, gather + render (first or median): {worst * 1000:.1f} ms (target < 100 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paperwork.yaml"
        dump(events, path, "bench")
        source = BookSource(path)
        t0 = time.perf_counter()
        issue(source, "exercise-notice", made_on=day0, event_id="notice-2")
        t1 = time.perf_counter()
        print(f"end to end, from the YAML book ({len(events)} events: load, replay, head, render, record): {ms(t1 - t0).strip()} ms")


if __name__ == "__main__":
    main()
