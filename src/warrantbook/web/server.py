"""Run an ASGI app under uvicorn, with TCP_NODELAY on every connection even with several worker processes.

uvicorn's worker processes receive the listening socket from the parent; the socket they rebuild reports
protocol 0 instead of TCP, so asyncio skips setting TCP_NODELAY on accepted connections, and every
keep-alive response then waits ~40 ms for a delayed ACK (Nagle's algorithm). The protocol class here sets
the option itself. `warrantbook serve` and bench/bench_web.py run through it.

    python -m warrantbook.web.server warrantbook.web.app:app_from_env --factory --port 8000 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # pragma: no cover - not a TCP socket after all
                pass
        super().connection_made(transport)


def run(app: str, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, factory: bool = False, app_dir: str = ".",
        log_level: str = "warning", **more: Any) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, workers=workers, factory=factory, app_dir=app_dir, log_level=log_level, access_log=False,
                http=NoDelayH11Protocol, proxy_headers=False, **more)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--factory", action="store_true")
    parser.add_argument("--app-dir", default=".")
    a = parser.parse_args()
    run(a.app, host=a.host, port=a.port, workers=a.workers, factory=a.factory, app_dir=a.app_dir)


if __name__ == "__main__":
    main()
