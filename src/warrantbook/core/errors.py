"""Errors that say which field was wrong and which clause forbids what was asked.

Two families, matching the CLI's exit codes (see ../shared/design/cli.md):
- `Refusal` (exit 1): the input is well formed, but the agreement forbids it; cites the section.
- `BadInput` (exit 2): the input itself is malformed; names the field (and the line, for files).
`Conflict` (exit 3) lives here too so every shell maps the same three.
"""

from __future__ import annotations


class WarrantbookError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, clause: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.clause = clause
        self.line = line
        self.all_problems: list[WarrantbookError] = [self]
        self.fatal = False  # set when nothing further about the same event can be checked

    def at_line(self, line: int | None) -> WarrantbookError:
        """The same error, pointing at a line of the file it came from."""
        out = type(self)(self.message, field=self.field, clause=self.clause, line=line)
        out.all_problems = [out] if self.all_problems == [self] else self.all_problems
        return out

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"error": self.message, "field": self.field, "clause": self.clause}
        if self.line is not None:
            data["line"] = self.line
        return data

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return where + self.message


class BadInput(WarrantbookError):
    """Malformed input: a missing field, a float, a date that is not a date."""

    exit_code = 2


class Refusal(WarrantbookError):
    """Well-formed input that the agreement forbids. Always cites the clause."""

    exit_code = 1

    def __init__(self, clause: str, message: str, *, field: str | None = None):
        super().__init__(f"{message} ({clause})", field=field, clause=clause)
        self.reason = message

    def at_line(self, line: int | None) -> Refusal:
        out = Refusal(self.clause or "", self.reason, field=self.field)
        out.message = self.message
        out.line = line
        out.all_problems = [out] if self.all_problems == [self] else self.all_problems
        return out


class Conflict(WarrantbookError):
    """Another writer changed the same option, holder or company first; nothing was written."""

    exit_code = 3


class BookErrors(BadInput):
    """Every problem found in a book file at once, each with its line."""

    def __init__(self, errors: list[WarrantbookError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""))

    def as_json(self) -> dict[str, object]:
        return {"error": f"{len(self.errors)} problem(s) in the book", "field": None, "clause": None,
                "problems": [e.as_json() for e in self.errors]}


def combine(problems: list[WarrantbookError]) -> WarrantbookError:
    """One error for every problem of an event: a refusal if the agreement forbids any part (exit 1), else bad
    input (exit 2). The first problem names the field and clause; the message lists them all."""
    if len(problems) == 1:
        return problems[0]
    first = next((p for p in problems if isinstance(p, Refusal)), problems[0])
    text = "; ".join(p.message for p in problems)
    out: WarrantbookError
    if isinstance(first, Refusal):
        out = Refusal(first.clause or "", text, field=first.field)
        out.message = text  # each part already cites its clause
    else:
        out = BadInput(text, field=first.field, clause=first.clause)
    out.all_problems = list(problems)
    return out
