"""`python -m warrantbook`: the same command line as `warrantbook`."""

from warrantbook.cli.main import app

app(prog_name="warrantbook")
