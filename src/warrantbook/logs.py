"""Operation logs: stdlib `logging`, to stderr, at the level `--log-level` (or $WARRANTBOOK_LOG_LEVEL) sets.

WARNING by default, so a command's output is what it prints. INFO adds what was recorded (event ids) and what
was refused; DEBUG adds snapshot loads and the like. Both shells call `configure`; the web server's worker
processes read the level back from the environment (`configure_from_env`), so `serve --log-level` reaches them.
"""

from __future__ import annotations

import logging
import os
import sys

ENV = "WARRANTBOOK_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT = "WARNING"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "warrantbook-stderr"


def level_of(text: str | None) -> str:
    """The level's name from what a user typed (any case); ValueError naming the choices otherwise."""
    name = (text or DEFAULT).strip().upper()
    if name not in LEVELS:
        raise ValueError(f"log level: {text!r} is not one of {', '.join(LEVELS)}")
    return name


def configure(level: str | None = None) -> str:
    """Send warrantbook's logs to stderr at `level` (idempotent: one handler however often it is called)."""
    name = level_of(level)
    logger = logging.getLogger("warrantbook")
    logger.setLevel(name)
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)  # replaced, not flushed: the stderr it wrote to may be gone (a test runner swaps it)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.propagate = False
    return name


def current() -> str:
    """The level warrantbook logs at now (what `serve` hands its worker processes through $WARRANTBOOK_LOG_LEVEL)."""
    return logging.getLevelName(logging.getLogger("warrantbook").getEffectiveLevel())


def configure_from_env() -> str:
    try:
        return configure(os.environ.get(ENV))
    except ValueError:
        return configure(DEFAULT)
