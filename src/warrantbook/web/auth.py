"""Who is asking: users with argon2 password hashes, API tokens kept as SHA-256 digests, signed sessions, CSRF.

- A user has a role (holder, company, agent, auditor) and a party: the holder id, the company id or the
  agent's name as appointed under §11 (an auditor has none). Passwords are kept only as argon2 hashes and
  checked only when someone signs in.
- An API token is a long random value shown once; only its SHA-256 digest is kept, and a request is
  checked by looking the digest up (one indexed read, cached for a few seconds), never by a slow hash.
- A browser session is kept on the server (table web_sessions: the SHA-256 of a random session id, the user,
  the session's CSRF token, its expiry). The cookie carries the session id signed with a key kept OUTSIDE the
  database (a 0600 key file beside it, or $WARRANTBOOK_SESSION_KEY), so a copy of the database can neither
  forge nor replay a session. Signing out, a password change and disabling the user end sessions at once;
  every request reads the session, the user and the token afresh (no cache), so a revocation holds from the
  next request on. Every form and every htmx request that changes something sends the CSRF token back;
  requests with a bearer token are exempt (no cookie, no CSRF).
- Sign-in is throttled per account and per client address (table web_throttle): past a few failures each
  further one doubles the wait (429 with Retry-After), and the password hash runs on its own small thread
  pool, so guessing slows nobody else.

Users and tokens live in the ledger's database (migration 0003 of store/migrations); web_sessions and
web_throttle are the web app's own and are created on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.engine import Engine

from warrantbook.core.errors import BadInput

ROLES = ("holder", "company", "agent", "auditor")
TOKEN_PREFIX = "wbt_"
SESSION_COOKIE = "wb_session"
LOGIN_COOKIE = "wb_login"
SESSION_MAX_AGE = 12 * 3600
KEY_ENV = "WARRANTBOOK_SESSION_KEY"
KEY_FILE_ENV = "WARRANTBOOK_SESSION_KEY_FILE"
ACCOUNT_FREE = 5  # failed sign-ins of one account before the waits begin
ADDRESS_FREE = 20  # failed sign-ins from one client address before the waits begin
FIRST_WAIT = 1.0  # seconds; doubled by each further failure  # float-ok: seconds
LONGEST_WAIT = 900.0  # float-ok: seconds
FORGET_AFTER = 3600.0  # a quiet hour forgets the failures  # float-ok: seconds
HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wb-argon2")  # password hashes never hold the request threads
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")

metadata = sa.MetaData()
users = sa.Table(
    "web_users", metadata,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("party", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
)
tokens = sa.Table(
    "web_tokens", metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
)
settings = sa.Table(
    "web_settings", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
own = sa.MetaData()  # the web app's own tables, created on first use (outside the ledger's migration chain)
sessions_table = sa.Table(
    "web_sessions", own,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the session id; the id itself is only in the cookie
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires", sa.Float, nullable=False),  # float-ok: epoch seconds
)
throttle = sa.Table(
    "web_throttle", own,
    sa.Column("key", sa.String(300), primary_key=True),  # "account:NAME" or "address:IP"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure", sa.Float, nullable=False),  # float-ok: epoch seconds
    sa.Column("blocked_until", sa.Float, nullable=False),  # float-ok: epoch seconds
)


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user: the role and the party it acts for."""

    username: str
    role: str
    party: str
    via: str = "session"  # "session" (browser cookie) or "token" (bearer)
    token: str = ""  # with a bearer token: the first 12 characters of its digest (as 'token list' shows it)

    @property
    def acted_by(self) -> str:
        """Who recorded an event, as the ledger keeps (and hashes) it: the user, and the token when one was used."""
        return f"user:{self.username} via " + (f"token:{self.token}" if self.via == "token" and self.token else self.via)

    @property
    def actor(self) -> str | None:
        """The actor this user records events as ("role:id"), or None for a read-only auditor."""
        return None if self.role == "auditor" else f"{self.role}:{self.party}"

    def as_json(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role, "party": self.party or None, "actor": self.actor, "via": self.via}


def _clock() -> float:  # float-ok: epoch seconds (tests move it)
    return time.time()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class UserStore:
    """Users, tokens and the session secret in a database that has the ledger's migrations applied."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.hasher = PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_hex(8))
        for table in own.sorted_tables:
            try:
                table.create(engine, checkfirst=True)
            except sa.exc.DBAPIError:  # pragma: no cover - another worker made it at the same moment
                if not sa.inspect(engine).has_table(table.name):
                    raise
        with engine.begin() as conn:  # a session key kept in the database (before issue 10) is no key at all: drop it
            conn.execute(settings.delete().where(settings.c.name == "session_secret"))

    @classmethod
    def open(cls, url: str) -> UserStore:
        """A user store at `url`, creating or upgrading the schema (the ledger's migration chain) as needed."""
        from warrantbook.store.engine import make_engine
        from warrantbook.store.migrate import current_revision, head_revision, upgrade

        engine = make_engine(url)
        if current_revision(engine) != head_revision():
            upgrade(engine)
        return cls(engine)

    # ------------------------------------------------------------------ users

    def add_user(self, username: str, password: str, role: str, party: str = "") -> Principal:
        if not _USERNAME.match(username):
            raise BadInput(f"username: {username!r} is not usable (letters, digits, . _ @ -; at most 100)", field="username")
        if role not in ROLES:
            raise BadInput(f"role: {role!r} is not one of {', '.join(ROLES)}", field="role")
        party = party.strip()
        if role == "auditor":
            party = ""
        elif not party:
            what = {"holder": "the holder id", "company": "the company id", "agent": "the agent's name as the company appoints it (§11)"}
            raise BadInput(f"party: a {role} user acts for a party: give {what[role]}", field="party")
        if len(password) < 8:
            raise BadInput("password: at least 8 characters", field="password")
        with self.engine.begin() as conn:
            if conn.execute(sa.select(users.c.username).where(users.c.username == username)).first():
                raise BadInput(f"username: {username!r} already exists", field="username")
            conn.execute(users.insert().values(username=username, password_hash=self.hasher.hash(password), role=role, party=party,
                                               created_at=_now(), disabled=False))
        self.forget()
        return Principal(username, role, party)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < 8:
            raise BadInput("password: at least 8 characters", field="password")
        with self.engine.begin() as conn:
            done = conn.execute(users.update().where(users.c.username == username).values(password_hash=self.hasher.hash(password)))
            conn.execute(sessions_table.delete().where(sessions_table.c.username == username))  # every session of the old password ends
        if not done.rowcount:
            raise BadInput(f"username: no user {username!r}", field="username")

    def set_disabled(self, username: str, disabled: bool = True) -> None:
        """Disable (or enable again) a user: its sessions end at once and its tokens stop working from the next request."""
        with self.engine.begin() as conn:
            done = conn.execute(users.update().where(users.c.username == username).values(disabled=disabled))
            if disabled:
                conn.execute(sessions_table.delete().where(sessions_table.c.username == username))
        if not done.rowcount:
            raise BadInput(f"username: no user {username!r}", field="username")

    def list_users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users.c.username, users.c.role, users.c.party, users.c.created_at, users.c.disabled)
                                .order_by(users.c.username)).all()
        return [{"username": r.username, "role": r.role, "party": r.party or None, "created_at": r.created_at,
                 "disabled": bool(r.disabled)} for r in rows]

    def user(self, username: str, via: str = "session") -> Principal | None:
        """The user by name, or None when gone or disabled (read afresh: a disabled user is refused at once)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.role, users.c.party, users.c.disabled).where(users.c.username == username)).first()
        return None if row is None or row.disabled else Principal(username, row.role, row.party, via)

    def authenticate(self, username: str, password: str) -> Principal | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.password_hash, users.c.role, users.c.party, users.c.disabled)
                               .where(users.c.username == username)).first()
        stored = row.password_hash if row is not None else self._dummy
        ok: bool
        try:
            ok = bool(self.hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or row.disabled:
            return None
        return Principal(username, row.role, row.party, "session")

    # ------------------------------------------------------------------ tokens

    def new_token(self, username: str, label: str = "") -> str:
        """A new API token for `username`: returned once, kept only as its SHA-256 digest."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            if not conn.execute(sa.select(users.c.username).where(users.c.username == username)).first():
                raise BadInput(f"username: no user {username!r}; add one with 'warrantbook user add'", field="username")
            conn.execute(tokens.insert().values(digest=digest(token), username=username, label=label, created_at=_now(), revoked=False))
        return token

    def revoke_token(self, token_or_digest: str) -> bool:
        """Revoke by the token, its digest, or the first 12 or more characters of the digest (as `token list` shows it)."""
        text = token_or_digest.strip().lower()
        with self.engine.begin() as conn:
            if re.fullmatch(r"[0-9a-f]{12,64}", text):
                found = [r.digest for r in conn.execute(sa.select(tokens.c.digest).where(tokens.c.digest.startswith(text)))]
                if len(found) > 1:
                    raise BadInput(f"token: {text!r} matches {len(found)} tokens: give more of the digest", field="token")
                d = found[0] if found else text
            else:
                d = digest(token_or_digest.strip())
            done = conn.execute(tokens.update().where(tokens.c.digest == d).values(revoked=True))
        return bool(done.rowcount)

    def list_tokens(self, username: str | None = None) -> list[dict[str, Any]]:
        """Every token (never its value): the digest's first 16 characters, the user, the label, when made, revoked or not."""
        q = sa.select(tokens.c.digest, tokens.c.username, tokens.c.label, tokens.c.created_at, tokens.c.revoked).order_by(
            tokens.c.username, tokens.c.created_at)
        if username:
            q = q.where(tokens.c.username == username)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [{"digest": r.digest[:16], "username": r.username, "label": r.label, "created_at": r.created_at,
                 "revoked": bool(r.revoked)} for r in rows]

    def by_token(self, token: str) -> Principal | None:
        """The user a bearer token belongs to: one look-up by digest on every request (no cache), no password hash."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        d = digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.username, users.c.role, users.c.party, users.c.disabled, tokens.c.revoked)
                               .select_from(tokens.join(users, tokens.c.username == users.c.username))
                               .where(tokens.c.digest == d)).first()
        return None if row is None or row.revoked or row.disabled else Principal(row.username, row.role, row.party, "token", d[:12])

    # ------------------------------------------------------------------ server-side sessions

    def start_session(self, username: str) -> tuple[str, str]:
        """A new session: its id (for the cookie only) and its CSRF token."""
        sid = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(sessions_table.insert().values(digest=digest(sid), username=username, csrf=csrf, created_at=_now(),
                                                        expires=_clock() + SESSION_MAX_AGE))
            if secrets.randbelow(50) == 0:  # now and then, forget the expired ones
                conn.execute(sessions_table.delete().where(sessions_table.c.expires < _clock()))
        return sid, csrf

    def session(self, sid: str) -> tuple[Principal, str] | None:
        """The signed-in user and the session's CSRF token: one read joining the session and its user, on every request."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.username, users.c.role, users.c.party, users.c.disabled, sessions_table.c.csrf,
                                         sessions_table.c.expires)
                               .select_from(sessions_table.join(users, sessions_table.c.username == users.c.username))
                               .where(sessions_table.c.digest == digest(sid))).first()
        if row is None or row.disabled or row.expires < _clock():
            return None
        return Principal(row.username, row.role, row.party, "session"), str(row.csrf)

    def end_session(self, sid: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions_table.delete().where(sessions_table.c.digest == digest(sid)))

    def end_all_sessions(self, username: str | None = None) -> int:
        with self.engine.begin() as conn:
            q = sessions_table.delete()
            done = conn.execute(q.where(sessions_table.c.username == username) if username else q)
        return int(done.rowcount or 0)

    def count_sessions(self, username: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(sessions_table).where(
                sessions_table.c.username == username, sessions_table.c.expires >= _clock())).scalar_one())

    # ------------------------------------------------------------------ sign-in throttling

    def wait(self, keys: list[str]) -> float:  # float-ok: seconds
        """Seconds until another sign-in attempt for these keys (account, address) is heard; 0 when it may go ahead."""
        now = _clock()
        with self.engine.connect() as conn:
            until = conn.execute(sa.select(sa.func.max(throttle.c.blocked_until)).where(throttle.c.key.in_(keys))).scalar()
        return max(0.0, float(until or 0) - now)  # float-ok: seconds

    def failed(self, keys: list[tuple[str, int]]) -> None:
        """One more failure for each (key, free attempts): past the free ones, each doubles the wait, up to LONGEST_WAIT."""
        now = _clock()
        with self.engine.begin() as conn:
            for key, free in keys:
                row = conn.execute(sa.select(throttle.c.failures, throttle.c.last_failure).where(throttle.c.key == key)).first()
                failures = 1 if row is None or now - row.last_failure > FORGET_AFTER else row.failures + 1
                blocked = now + min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - free - 1, 20)) if failures > free else 0.0
                values = {"failures": failures, "last_failure": now, "blocked_until": blocked}
                if row is None:
                    try:
                        with conn.begin_nested():
                            conn.execute(throttle.insert().values(key=key, **values))
                        continue
                    except sa.exc.IntegrityError:  # pragma: no cover - a concurrent failure made the row
                        pass
                conn.execute(throttle.update().where(throttle.c.key == key).values(**values))
            if secrets.randbelow(100) == 0:
                conn.execute(throttle.delete().where(throttle.c.last_failure < now - FORGET_AFTER, throttle.c.blocked_until < now))

    def succeeded(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(throttle.delete().where(throttle.c.key == key))

    def forget(self) -> None:
        """Kept for callers of the old short cache: nothing is cached any more."""


# ---------------------------------------------------------------- the session-signing key, outside the database


def key_path(url: Any) -> Path:
    """Where the key file is: $WARRANTBOOK_SESSION_KEY_FILE, else beside a SQLite database file (DB.session-key), else
    (PostgreSQL) warrantbook/session.key under $XDG_CONFIG_HOME (~/.config) of the user running the server."""
    explicit = os.environ.get(KEY_FILE_ENV)
    if explicit:
        return Path(explicit)
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" and not u.database.startswith("file:"):
        db = Path(u.database)
        return db.with_name(db.name + ".session-key")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "warrantbook" / "session.key"


def _read_key(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & 0o077:
        raise BadInput(f"session key: {path} may be read by others (mode {oct(mode & 0o777)}); chmod 600 it", field="session_key")
    text = path.read_text(encoding="utf-8").strip()
    if len(text) < 32:
        raise BadInput(f"session key: {path} holds fewer than 32 characters; rotate it (warrantbook session rotate-key)", field="session_key")
    return text


def write_key(path: Path, *, replace: bool) -> str:
    """A new random key in a 0600 file: written aside, then linked (first creation: never over another worker's) or moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    fd, tmp = tempfile.mkstemp(prefix=".session-key.", dir=str(path.parent))  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return value


def session_key(url: Any) -> str:
    """The key that signs session cookies: $WARRANTBOOK_SESSION_KEY, else the key file (made on first use, mode 0600)."""
    env = os.environ.get(KEY_ENV)
    if env:
        if len(env) < 32:
            raise BadInput(f"session key: ${KEY_ENV} must hold at least 32 characters", field="session_key")
        return env
    path = key_path(url)
    if not path.exists():
        write_key(path, replace=False)
    return _read_key(path)


class Sessions:
    """Session cookies: a server-side session's id, signed with the key kept outside the database."""

    def __init__(self, secret: str, store: UserStore | None = None):
        self.serializer = URLSafeTimedSerializer(secret, salt="warrantbook-session")
        self.login_serializer = URLSafeTimedSerializer(secret, salt="warrantbook-login")
        self.store = store

    def issue(self, username: str) -> tuple[str, str]:
        """A new session for `username`: the cookie value and the session's CSRF token."""
        assert self.store is not None
        sid, csrf = self.store.start_session(username)
        return self.serializer.dumps({"s": sid}), csrf

    def sid(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 400:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data["s"] if isinstance(data, dict) and isinstance(data.get("s"), str) else None

    def read(self, cookie: str | None) -> tuple[Principal, str] | None:
        """The user and CSRF token of a live session, or None (bad signature, ended, expired, user disabled)."""
        sid = self.sid(cookie)
        if sid is None or self.store is None:
            return None
        return self.store.session(sid)

    def end(self, cookie: str | None) -> None:
        sid = self.sid(cookie)
        if sid is not None and self.store is not None:
            self.store.end_session(sid)

    def login_token(self) -> tuple[str, str]:
        """A CSRF token for the sign-in form (no session yet): kept in its own signed cookie."""
        csrf = secrets.token_urlsafe(24)
        return self.login_serializer.dumps(csrf), csrf

    def read_login(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 400:
            return None
        try:
            data = self.login_serializer.loads(cookie, max_age=3600)
        except BadSignature:
            return None
        return data if isinstance(data, str) else None


def retry_after(seconds: float) -> str:  # float-ok: seconds
    return str(max(1, math.ceil(seconds)))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
