"""`warrantbook serve`, `user add`, `token new`: the README's first command and the CLI side of the web's users."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.web.serving import free_port
from typer.testing import CliRunner

from warrantbook.cli.main import app


def test_user_add_token_new_and_the_api(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from warrantbook.web import create_app

    db = f"sqlite:///{tmp_path / 'w.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    added = runner.invoke(app, ["user", "add", "cfo", "--role", "company", "--party", "atg", "--password", "long-enough-1", "--db", db, "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["added"]["actor"] == "company:atg"
    again = runner.invoke(app, ["user", "add", "cfo", "--role", "company", "--party", "atg", "--password", "long-enough-1", "--db", db])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["user", "add", "x", "--role", "holder", "--password", "long-enough-1", "--db", db, "--json"])
    assert bad.exit_code == 2 and json.loads(bad.output)["field"] == "party"
    short = runner.invoke(app, ["user", "add", "y", "--role", "auditor", "--password", "short", "--db", db])
    assert short.exit_code == 2
    token = runner.invoke(app, ["token", "new", "cfo", "--label", "treasury", "--db", db, "--json"])
    assert token.exit_code == 0
    value = json.loads(token.output)["token"]
    assert value.startswith("wbt_") and len(value) > 40
    listed = runner.invoke(app, ["user", "list", "--db", db, "--json"])
    assert [u["username"] for u in json.loads(listed.output)["users"]] == ["cfo"]
    client = TestClient(create_app(db))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {value}"})
    assert me.status_code == 200 and me.json()["role"] == "company"
    assert runner.invoke(app, ["token", "revoke", value, "--db", db]).exit_code == 0
    client.app.state.users.forget()  # type: ignore[attr-defined]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {value}"}).status_code == 401
    assert runner.invoke(app, ["token", "new", "nobody", "--db", db]).exit_code == 2


def test_serve_demo_starts_the_seed_life_and_prints_logins() -> None:
    """... and, stopped, removes its temporary ledger; --log-level INFO reaches the server's log (stderr)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "warrantbook.cli.main", "--log-level", "info", "serve", "--demo", "--port", str(port),
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert proc.stdout is not None
        text = ""
        while not text.rstrip().endswith("}") or text.count("{") != text.count("}"):
            line = proc.stdout.readline()
            assert line, "serve --demo printed nothing"
            text += line
        info = json.loads(text)
        assert {u["username"] for u in info["users"]} >= {"gssf", "atg", "agent", "auditor"}
        assert info["today"] == "2006-12-29"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:  # a start-up guard against hanging
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as r:
            assert r.status == 200 and b"Sign in" in r.read()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/options", timeout=10)
            raise AssertionError("the API answered without a token")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
        assert Path(info["database"].removeprefix("sqlite:///")).exists()
        assert Path(info["database"].removeprefix("sqlite:///")).parent == Path(info["folder"])
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + 15, err[-2000:]  # stopped by SIGTERM, after removing its folder
    assert not Path(info["folder"]).exists(), "the demo's temporary ledger outlived its server"
    assert "INFO warrantbook.cli.web: serving sqlite:///" in err and f"demo ledger {info['folder']} removed" in err
