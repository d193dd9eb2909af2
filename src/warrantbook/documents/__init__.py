"""The paperwork: the agreement's forms, certificates and notices as PDF (typst) and HTML (Jinja2).

Three layers, data flowing one way:
- `data`: gathers each document's figures from the engine (`exercise_quote`, `adjust`, `split_remaining`,
  the folded state and its derivations) and formats them as text. Nothing downstream computes.
- `render`: fills a template with that text. Typst makes the PDF, Jinja2 the HTML; same input, same bytes.
- `issue`: hashes what was written and records it as a `DocumentIssued` event, once; `verify` looks a file up.

docs/documents.md lists every kind with the elements of its exhibit, in the exhibit's order.
"""

from warrantbook.documents.data import KINDS, Document, Ledger, gather
from warrantbook.documents.issue import Issued, Verdict, issue, verify

__all__ = ["KINDS", "Document", "Issued", "Ledger", "Verdict", "gather", "issue", "verify"]
