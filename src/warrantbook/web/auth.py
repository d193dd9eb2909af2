"""Who is asking: users with argon2 password hashes, API tokens kept as SHA-256 digests, signed sessions, CSRF.

- A user has a role (holder, company, agent, auditor) and a party: the holder id, the company id or the
  agent's name as appointed under §11 (an auditor has none). Passwords are kept only as argon2 hashes and
  checked only when someone signs in.
- An API token is a long random value shown once; only its SHA-256 digest is kept, and a request is
  checked by looking the digest up (one indexed read, cached for a few seconds), never by a slow hash.
- A browser session is a cookie signed with a secret kept in the database (so every worker process shares
  it) that names the user and carries the session's CSRF token. Every form and every htmx request that
  changes something sends that token back; requests with a bearer token are exempt (no cookie, no CSRF).

The tables live in the ledger's database (migration 0003 of store/migrations).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
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
CACHE_SECONDS = 5.0
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


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user: the role and the party it acts for."""

    username: str
    role: str
    party: str
    via: str = "session"  # "session" (browser cookie) or "token" (bearer)

    @property
    def actor(self) -> str | None:
        """The actor this user records events as ("role:id"), or None for a read-only auditor."""
        return None if self.role == "auditor" else f"{self.role}:{self.party}"

    def as_json(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role, "party": self.party or None, "actor": self.actor, "via": self.via}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class UserStore:
    """Users, tokens and the session secret in a database that has the ledger's migrations applied."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.hasher = PasswordHasher()
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()
        self._dummy = self.hasher.hash(secrets.token_hex(8))

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
        if not done.rowcount:
            raise BadInput(f"username: no user {username!r}", field="username")

    def list_users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users.c.username, users.c.role, users.c.party, users.c.created_at, users.c.disabled)
                                .order_by(users.c.username)).all()
        return [{"username": r.username, "role": r.role, "party": r.party or None, "created_at": r.created_at,
                 "disabled": bool(r.disabled)} for r in rows]

    def user(self, username: str, via: str = "session") -> Principal | None:
        """The user behind a session (cached for a few seconds), or None when gone or disabled."""
        key = f"u:{username}"
        hit = self._cached(key)
        if hit is not False:
            return hit  # type: ignore[return-value]
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.role, users.c.party, users.c.disabled).where(users.c.username == username)).first()
        found = None if row is None or row.disabled else Principal(username, row.role, row.party, via)
        self._remember(key, found)
        return found

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
        d = token_or_digest if re.fullmatch(r"[0-9a-f]{64}", token_or_digest) else digest(token_or_digest)
        with self.engine.begin() as conn:
            done = conn.execute(tokens.update().where(tokens.c.digest == d).values(revoked=True))
        self.forget()
        return bool(done.rowcount)

    def by_token(self, token: str) -> Principal | None:
        """The user a bearer token belongs to: one look-up by digest (cached a few seconds), no password hash."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        d = digest(token)
        key = f"t:{d}"
        hit = self._cached(key)
        if hit is not False:
            return hit  # type: ignore[return-value]
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users.c.username, users.c.role, users.c.party, users.c.disabled, tokens.c.revoked)
                               .select_from(tokens.join(users, tokens.c.username == users.c.username))
                               .where(tokens.c.digest == d)).first()
        found = None if row is None or row.revoked or row.disabled else Principal(row.username, row.role, row.party, "token")
        self._remember(key, found)
        return found

    # ------------------------------------------------------------------ the session secret

    def secret(self) -> str:
        """The key that signs session cookies: made once, kept in the database, shared by every worker."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(settings.c.value).where(settings.c.name == "session_secret")).first()
            if row is not None:
                return str(row.value)
            value = secrets.token_hex(32)
            try:
                conn.execute(settings.insert().values(name="session_secret", value=value))
            except sa.exc.IntegrityError:  # pragma: no cover - another worker made it first
                pass
        with self.engine.connect() as conn:
            return str(conn.execute(sa.select(settings.c.value).where(settings.c.name == "session_secret")).scalar_one())

    # ------------------------------------------------------------------ a short cache

    def _cached(self, key: str) -> Principal | None | bool:
        with self._lock:
            hit = self._cache.get(key)
        if hit is None or hit[0] < time.monotonic():
            return False
        return hit[1]

    def _remember(self, key: str, value: Principal | None) -> None:
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (time.monotonic() + CACHE_SECONDS, value)

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


class Sessions:
    """Signed session cookies carrying the user name and the session's CSRF token."""

    def __init__(self, secret: str):
        self.serializer = URLSafeTimedSerializer(secret, salt="warrantbook-session")
        self.login_serializer = URLSafeTimedSerializer(secret, salt="warrantbook-login")

    def issue(self, username: str) -> tuple[str, str]:
        csrf = secrets.token_urlsafe(24)
        return self.serializer.dumps({"u": username, "c": csrf}), csrf

    def read(self, cookie: str | None) -> tuple[str, str] | None:
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("c"), str):
            return None
        return data["u"], data["c"]

    def login_token(self) -> tuple[str, str]:
        """A CSRF token for the sign-in form (no session yet): kept in its own signed cookie."""
        csrf = secrets.token_urlsafe(24)
        return self.login_serializer.dumps(csrf), csrf

    def read_login(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            data = self.login_serializer.loads(cookie, max_age=3600)
        except BadSignature:
            return None
        return data if isinstance(data, str) else None


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
