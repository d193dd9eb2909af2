"""Load on loopback: the API's quote and show endpoints beside a bare FastAPI endpoint, measured in the same run.

    apt-get install -y wrk                  # Debian's wrk (not needed by the tests)
    python bench/bench_web.py               # 16 connections, 10 s each, 2 uvicorn workers
    python bench/bench_web.py --duration 5 --connections 16 --workers 2

The book is the seed option's illustrative life in a fresh SQLite ledger (WAL), the token a holder's; the
quote is the README's (ATG-3, 10,000,000 shares, cashless, 2006-10-02) with its full explanation, the show
is one option's summary. Views are pure functions of the ledger's position and their inputs, and are cached by
both, so a repeated quote is mostly a cache hit (access is still checked on every request); "quote varied"
asks for a different number of shares on every request (a wrk Lua script), so each one runs the §2 rule
and its explanation afresh. The bare endpoint returns a small JSON object from a plain `def` route, as ours
are, with the same server, workers and wrk settings. Issue 5's aim: at least half the bare rate, p99 under 50 ms.
Traffic goes only to 127.0.0.1; every run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse

bare = FastAPI()


@bare.get("/bare")
def bare_endpoint() -> JSONResponse:
    return JSONResponse({"ok": True, "option": "ATG-3", "remaining_shares": "184400000"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "warrantbook.web.server", *args, "--host", "127.0.0.1", "--port", str(port)], env=env)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("uvicorn did not start") from None
            time.sleep(0.1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def warm(url: str, headers: dict[str, str], n: int = 50) -> None:
    for _ in range(n):
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            assert r.status == 200, (url, r.status)


VARIED = """
math.randomseed(os.time())
request = function()
  local n = math.random(1000000, 184400000)
  return wrk.format(nil, "/api/options/ATG-3/quote?shares=" .. n .. "&method=cashless&on=2006-10-02")
end
"""


def wrk(url: str, headers: dict[str, str], connections: int, duration: int, script: str | None = None) -> tuple[float, float, int]:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99, out
    value = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, value, int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    a = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    from warrantbook.cli.web import make_demo
    from warrantbook.web.auth import UserStore

    folder = tempfile.mkdtemp(prefix="wb-bench-web-")
    url, _logins, last = make_demo(folder)
    store = UserStore.open(url)
    token = store.new_token("gssf", "bench")
    store.engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    env = {**os.environ, "WARRANTBOOK_WEB_SOURCE": url, "WARRANTBOOK_WEB_TODAY": last.isoformat()}
    env.pop("WARRANTBOOK_WEB_USERS", None)
    results = []
    port = free_port()
    proc = start(["warrantbook.web.app:app_from_env", "--factory", "--workers", str(a.workers)], env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        script = os.path.join(folder, "varied.lua")
        Path(script).write_text(VARIED, encoding="utf-8")
        for name, path, lua in (("quote", "/api/options/ATG-3/quote?shares=10000000&method=cashless&on=2006-10-02", None),
                                ("quote varied", "/api/options/ATG-3/quote?shares=10000000&method=cashless&on=2006-10-02", script),
                                ("show", "/api/options/ATG-3", None)):
            warm(base + path, headers)
            results.append((name, *wrk(base + path, headers, a.connections, a.duration, lua)))
    finally:
        stop(proc)
    port = free_port()
    proc = start(["bench_web:bare", "--app-dir", str(Path(__file__).parent), "--workers", str(a.workers)], env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        warm(base + "/bare", {})
        results.append(("bare FastAPI", *wrk(base + "/bare", headers, a.connections, a.duration)))
    finally:
        stop(proc)
    bare_rate = results[-1][1]
    print(f"wrk on loopback: {a.connections} connections, {a.duration} s each, {a.workers} uvicorn workers, {os.cpu_count()} cores")
    print(f"{'endpoint':<14}{'req/s':>10}{'p99 ms':>10}{'of bare':>10}{'non-2xx':>9}")
    for name, rate, p99, errors in results:
        print(f"{name:<14}{rate:>10.0f}{p99:>10.1f}{rate / bare_rate:>10.0%}{errors:>9}")
    print("aim: at least 50% of the bare rate and p99 under 50 ms")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
