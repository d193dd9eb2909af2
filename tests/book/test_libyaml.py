"""Books are parsed with libyaml where PyYAML has it (CSafeLoader): the same events, the same errors on the same lines
as PyYAML's own Python parser (a YAML syntax error on the same line, in the parser's own words)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from warrantbook.book import io
from warrantbook.core.errors import BadInput, BookErrors

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml"

TEXTS = {
    "example": EXAMPLE.read_text(encoding="utf-8"),
    "problems": """warrantbook: 1
events:
  - {id: a, on: 2005-09-07, type: company, actor: company:a, company: {id: a, name: A, state: Nevada, office: ~}}
  - {id: b, on: 2005-09-07, type: nonsense}
  - {id: c, on: not-a-date, type: listing, company: a, venue: otcbb}
  - {id: a, on: 2005-09-08, type: listing, company: a, venue: otcbb, note: null}
  - {id: e, on: 2005-09-08, type: outstanding, company: a, shares: "1.5", note: 'null'}
  - {id: f, on: 2005-09-08, type: outstanding, company: a, shares: 12, shares: 13}
""",
    "not yaml": "warrantbook: 1\nevents: [\n  - {id: a\n",
    "empty": "",
}


def _outcome(text: str, loader: Any) -> Any:
    try:
        book = io.loads(text, loader=loader)
    except BookErrors as exc:  # a YAML syntax error is worded by each parser in its own words: its line is compared
        return [(str(e) if "not valid YAML" not in str(e) else "not valid YAML", e.line) for e in exc.errors]
    except BadInput as exc:
        return [(str(exc), exc.line)]
    return book.events


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml: only the Python parser exists")
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_libyaml_and_the_python_parser_agree(name: str) -> None:
    assert io._Loader is yaml.CSafeLoader
    assert _outcome(TEXTS[name], yaml.CSafeLoader) == _outcome(TEXTS[name], io._PyLoader)
