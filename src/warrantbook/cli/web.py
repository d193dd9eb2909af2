"""`warrantbook serve`, `warrantbook user ...`, `warrantbook token ...`: the web app and its users (issue 5).

    warrantbook serve [--host 127.0.0.1] [--port 8000] [--demo] [--book FILE | --db URL]
    warrantbook user add NAME --role holder|company|agent|auditor --party ID
    warrantbook token new NAME [--label TEXT]

Users and tokens are kept in the ledger's database (with --book: in a separate SQLite file, --users).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from datetime import date
from typing import Annotated

import typer

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, console, emit, handle_errors, parse_day
from warrantbook.core.errors import BadInput

user_app = typer.Typer(help="Users of the web app and the API: each with a role and the party it acts for.", no_args_is_help=True,
                       rich_markup_mode=None)
token_app = typer.Typer(help="API tokens for machines: shown once, kept only as a SHA-256 digest.", no_args_is_help=True,
                        rich_markup_mode=None)

log = logging.getLogger(__name__)
UsersOpt = Annotated[str | None, typer.Option("--users", help="Database URL of the users (default: the ledger's database; with --book, "
                                              "sqlite:///warrantbook-users.db).", show_default=False)]
DEMO_AGENT = "Illustrative Transfer Co."


def _source_address(book: str | None, db: str | None) -> str:
    book = book or (None if db else os.environ.get("WARRANTBOOK_BOOK"))
    if book:
        return book
    return db or os.environ.get("WARRANTBOOK_DB") or "sqlite:///warrantbook.db"


def _users_url(book: str | None, db: str | None, users: str | None) -> str:
    if users:
        return users
    address = _source_address(book, db)
    if "://" not in address:
        from warrantbook.web.app import DEFAULT_USERS

        return DEFAULT_USERS
    return address


def _store(book: str | None, db: str | None, users: str | None):  # type: ignore[no-untyped-def]
    from warrantbook.web.auth import UserStore

    return UserStore.open(_users_url(book, db, users))


@user_app.command("add")
@handle_errors
def user_add(
    username: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[str, typer.Option("--role", help="holder, company, agent or auditor.")],
    party: Annotated[str, typer.Option("--party", help="The holder id, the company id, or the agent's name as appointed (§11); none for an auditor.")] = "",
    password: Annotated[str | None, typer.Option("--password", help="The password (default: asked for, not echoed).", show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Add a user of the web app and the API.

    Example: warrantbook user add cfo --role company --party atg
    """
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    p = _store(book, db, users).add_user(username, password, role, party)
    if as_json:
        emit({"added": p.as_json()})
    else:
        console.print(f"added {p.username}: {p.role}" + (f" for {p.party}" if p.party else ""), markup=False, highlight=False)


@user_app.command("list")
@handle_errors
def user_list(book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False) -> None:
    """Every user with its role and party.

    Example: warrantbook user list
    """
    rows = _store(book, db, users).list_users()
    if as_json:
        emit({"users": rows})
        return
    for r in rows:
        console.print(f"{r['username']}: {r['role']}" + (f" for {r['party']}" if r["party"] else "") + (" (disabled)" if r["disabled"] else ""),
                      markup=False, highlight=False)


@user_app.command("password")
@handle_errors
def user_password(
    username: Annotated[str, typer.Argument(help="The user.")],
    password: Annotated[str | None, typer.Option("--password", help="The new password (default: asked for).", show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Set a user's password.

    Example: warrantbook user password cfo
    """
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    _store(book, db, users).set_password(username, password)
    if as_json:
        emit({"username": username, "changed": True})
    else:
        console.print(f"password of {username} changed", markup=False, highlight=False)


@user_app.command("disable")
@handle_errors
def user_disable(
    username: Annotated[str, typer.Argument(help="The user.")],
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Disable a user: its sessions end at once, its API tokens stop working from the next request.

    Example: warrantbook user disable cfo
    """
    _store(book, db, users).set_disabled(username, True)
    if as_json:
        emit({"username": username, "disabled": True})
    else:
        console.print(f"{username} disabled: sessions ended, tokens refused", markup=False, highlight=False)


@user_app.command("enable")
@handle_errors
def user_enable(
    username: Annotated[str, typer.Argument(help="The user.")],
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Enable a disabled user again (it signs in anew; its tokens work again unless revoked).

    Example: warrantbook user enable cfo
    """
    _store(book, db, users).set_disabled(username, False)
    if as_json:
        emit({"username": username, "disabled": False})
    else:
        console.print(f"{username} enabled", markup=False, highlight=False)


@token_app.command("list")
@handle_errors
def token_list(
    username: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.", show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Every API token: the start of its SHA-256 digest (revoke by it), its user and label, revoked or not. Never the token.

    Example: warrantbook token list --user cfo
    """
    rows = _store(book, db, users).list_tokens(username)
    if as_json:
        emit({"tokens": rows})
        return
    for r in rows:
        console.print(f"{r['digest']}  {r['username']}  {r['created_at']}  {r['label'] or '-'}" + ("  (revoked)" if r["revoked"] else ""),
                      markup=False, highlight=False)


@token_app.command("new")
@handle_errors
def token_new(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Make an API token for a user: printed once, kept only as its SHA-256 digest. Send it as 'Authorization: Bearer TOKEN'.

    Example: warrantbook token new cfo --label "treasury system"
    """
    token = _store(book, db, users).new_token(username, label)
    if as_json:
        emit({"username": username, "token": token, "label": label})
    else:
        console.print(token, markup=False, highlight=False)


@token_app.command("revoke")
@handle_errors
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token, its SHA-256 digest, or the digest's start as 'token list' shows it.")],
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Revoke an API token.

    Example: warrantbook token revoke wbt_...
    """
    done = _store(book, db, users).revoke_token(token)
    if not done:
        raise BadInput("token: no such token", field="token")
    if as_json:
        emit({"revoked": True})
    else:
        console.print("revoked", markup=False, highlight=False)


def make_demo(folder: str) -> tuple[str, dict[str, tuple[str, str, str]], date]:
    """A fresh SQLite ledger holding the seed option's illustrative life, and the demo users (name -> role, party, password)."""
    from warrantbook.core.decide import replay
    from warrantbook.seed import COMPANY, HOLDER, TRANSFEREE, seed_life
    from warrantbook.store.ledger import DbSource
    from warrantbook.web.auth import UserStore

    url = f"sqlite:///{os.path.join(folder, 'demo.db')}"
    src = DbSource(url, create=True)
    _state, decided = replay(seed_life())
    src.import_events(decided)
    last = max(e.on for e in decided)
    store = UserStore(src.engine)
    people = {"gssf": ("holder", HOLDER), "northbridge": ("holder", TRANSFEREE), "atg": ("company", COMPANY),
              "agent": ("agent", DEMO_AGENT), "auditor": ("auditor", "")}
    logins = {}
    for name, (role, party) in people.items():
        password = f"{name}-{secrets.token_hex(4)}"
        store.add_user(name, password, role, party)
        logins[name] = (role, party, password)
    src.close()
    return url, logins, last


@handle_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load the seed option's illustrative life into a fresh database and print the demo logins.")] = False,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    today: Annotated[str | None, typer.Option("--today", help="Pin the app's 'today' (YYYY-MM-DD); --demo pins it to the book's last day.",
                                              show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """Run the web app and the HTTP API (OpenAPI at /openapi.json, pages at /).

    Example: warrantbook serve --demo
    """
    pinned = parse_day(today, "today") if today else None
    folder: str | None = None
    if demo:
        if book or db:
            raise BadInput("--demo makes a fresh database of its own: leave out --book and --db", field="demo")
        folder = tempfile.mkdtemp(prefix="warrantbook-demo-")
    previous = None
    if folder is not None and threading.current_thread() is threading.main_thread():
        # uvicorn stops gracefully on SIGTERM and then raises the signal again: with the default action the process would
        # end there, before the demo's folder is removed. This handler turns it into SystemExit(143), which unwinds.
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        _serve(host, port, workers, pinned, folder, book, db, users, as_json)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if folder is not None:  # the demo's ledger and users live only as long as its server
            shutil.rmtree(folder, ignore_errors=True)
            log.info("demo ledger %s removed", folder)


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _serve(host: str, port: int, workers: int, pinned: date | None, folder: str | None, book: str | None, db: str | None,
           users: str | None, as_json: bool) -> None:
    if folder is not None:
        address, logins, last = make_demo(folder)
        pinned = pinned or last
        users_url = address
        if as_json:
            emit({"url": f"http://{host}:{port}/", "database": address, "folder": folder, "today": pinned.isoformat(),
                  "users": [{"username": n, "role": r, "party": p or None, "password": pw} for n, (r, p, pw) in logins.items()]})
            sys.stdout.flush()
        else:
            console.print(f"warrantbook demo: the 2005 American Technologies Group option's illustrative life in {address}", markup=False,
                          highlight=False)
            console.print(f"the app's 'today' is pinned to {pinned.isoformat()} (the book's last day); the demo's folder is removed "
                          "when the server stops", markup=False, highlight=False)
            console.print(f"open http://{host}:{port}/ and sign in as:", markup=False, highlight=False)
            for name, (role, party, password) in logins.items():
                what = f"{role} for {party}" if party else role
                console.print(f"  {name:<12} password {password:<22} ({what})", markup=False, highlight=False)
            console.print(f"the agent ({DEMO_AGENT}) sees nothing until the company appoints it under §11", markup=False, highlight=False)
    else:
        address = _source_address(book, db)
        users_url = _users_url(book, db, users)
        from warrantbook.web.app import open_source

        open_source(address)  # create or upgrade the ledger now, so a bad address fails before the server starts
    os.environ["WARRANTBOOK_WEB_SOURCE"] = address
    os.environ["WARRANTBOOK_WEB_USERS"] = users_url
    if pinned:
        os.environ["WARRANTBOOK_WEB_TODAY"] = pinned.isoformat()
    else:
        os.environ.pop("WARRANTBOOK_WEB_TODAY", None)
    from warrantbook.logs import ENV, current
    from warrantbook.web.server import run

    level = current()
    os.environ[ENV] = level  # the worker processes configure their logs from it (web.app.app_from_env)
    log.info("serving %s on http://%s:%d/", address, host, port)
    run("warrantbook.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level=level.lower())


session_app = typer.Typer(help="Browser sessions of the web app and the key that signs them (kept outside the database).",
                          no_args_is_help=True, rich_markup_mode=None)


@session_app.command("rotate-key")
@handle_errors
def session_rotate_key(book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False) -> None:
    """Make a new session-signing key (0600 file beside the database, or $WARRANTBOOK_SESSION_KEY_FILE) and end every
    session. Restart the server afterwards so every worker reads the new key. With $WARRANTBOOK_SESSION_KEY set,
    change that variable instead.

    Example: warrantbook session rotate-key --db sqlite:///warrantbook.db
    """
    from warrantbook.web.auth import KEY_ENV, key_path, write_key

    if os.environ.get(KEY_ENV):
        raise BadInput(f"session key: ${KEY_ENV} is set, so the key is the variable's: change it there and restart", field="session_key")
    store = _store(book, db, users)
    path = key_path(store.engine.url)
    write_key(path, replace=True)
    ended = store.end_all_sessions()
    if as_json:
        emit({"key_file": str(path), "sessions_ended": ended})
    else:
        console.print(f"new session key in {path} (mode 600); {ended} session(s) ended; restart the server", markup=False,
                      highlight=False)


@session_app.command("end")
@handle_errors
def session_end(
    username: Annotated[str | None, typer.Argument(help="The user whose sessions end (default: everyone's).", show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, users: UsersOpt = None, as_json: JsonOpt = False,
) -> None:
    """End browser sessions at once: one user's, or everyone's.

    Example: warrantbook session end cfo
    """
    ended = _store(book, db, users).end_all_sessions(username)
    if as_json:
        emit({"sessions_ended": ended})
    else:
        console.print(f"{ended} session(s) ended", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(session_app, name="session")
