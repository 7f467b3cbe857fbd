"""Admin accounts and their sessions, in the same SQLite file as the signals.

Passwords are hashed with scrypt and a per-user random salt, and compared in constant time. Session
tokens are random; only their SHA-256 is stored, with an expiry, so a copy of the database does not
hold a usable session. There is no default account: the first admin is made with
`infopoint-admin create-admin`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROLES: tuple[str, ...] = ("curator", "analyst", "admin")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 10
SESSION_HOURS = 12
# scrypt cost: 2**14 x 8 x 1 uses 16 MB and ~50 ms per check here (OWASP's minimum is 2**17 x 8 x 1
# with 128 MB; raise N on a machine with memory to spare: old hashes keep their own parameters).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class AccountError(ValueError):
    """A request about accounts that cannot be done (unknown user, weak password, bad role, ...)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=256 * n * r * (p + 1))


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` with a fresh random 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        given = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


# Checked when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> None:
    """Raise AccountError when a password is too weak to accept."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"The password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(set(password)) < 4:
        raise AccountError("The password is too repetitive.")


def new_password() -> str:
    """A random password to hand to a person once (they can change it after logging in)."""
    return secrets.token_urlsafe(12)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class Account:
    """A person who can log in to the admin."""

    username: str
    role: str
    active: bool
    created: str
    updated: str
    last_login: str | None = None


@dataclass(frozen=True)
class Session:
    """A logged-in browser: who, its CSRF token, until when."""

    account: Account
    csrf: str
    expires: str
    token_hash: str


class AccountStore:
    """Accounts and sessions (tables `admin_accounts` and `admin_sessions`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock, self.conn:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS admin_accounts (username TEXT PRIMARY KEY,"
                " password TEXT NOT NULL, role TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
                " created TEXT NOT NULL, updated TEXT NOT NULL, last_login TEXT)")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS admin_sessions (token_hash TEXT PRIMARY KEY,"
                " username TEXT NOT NULL, csrf TEXT NOT NULL, created TEXT NOT NULL, expires TEXT NOT NULL,"
                " flash TEXT)")
            self.conn.execute("CREATE INDEX IF NOT EXISTS admin_sessions_user ON admin_sessions (username)")

    # accounts ------------------------------------------------------------------------------------------

    @staticmethod
    def _account(row: sqlite3.Row) -> Account:
        return Account(row["username"], row["role"], bool(row["active"]), row["created"], row["updated"],
                       row["last_login"])

    def get(self, username: str) -> Account | None:
        """One account, or None."""
        row = self.conn.execute("SELECT * FROM admin_accounts WHERE username = ?", [username]).fetchone()
        return self._account(row) if row else None

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        rows = self.conn.execute("SELECT * FROM admin_accounts ORDER BY username").fetchall()
        return [self._account(r) for r in rows]

    def create(self, username: str, password: str, role: str) -> Account:
        """A new active account (AccountError on a bad name, role, weak password or an existing name)."""
        username = username.strip().lower()
        if not USERNAME_RE.match(username):
            raise AccountError("A username is 2-40 characters: lowercase letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise AccountError(f"Unknown role {role!r}; roles: {', '.join(ROLES)}.")
        check_password_strength(password)
        hashed = hash_password(password)
        now = _now().isoformat()
        try:
            with self._lock, self.conn:
                self.conn.execute("INSERT INTO admin_accounts (username, password, role, active, created,"
                                  " updated) VALUES (?, ?, ?, 1, ?, ?)", [username, hashed, role, now, now])
        except sqlite3.IntegrityError:
            raise AccountError(f"The account {username!r} already exists.") from None
        account = self.get(username)
        assert account is not None
        return account

    def _require(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise AccountError(f"No account {username!r}.")
        return account

    def set_password(self, username: str, password: str) -> None:
        """Replace a password; every session of the account ends."""
        self._require(username)
        check_password_strength(password)
        hashed = hash_password(password)
        with self._lock, self.conn:
            self.conn.execute("UPDATE admin_accounts SET password = ?, updated = ? WHERE username = ?",
                              [hashed, _now().isoformat(), username])
        self.end_sessions_of(username)

    def set_active(self, username: str, active: bool) -> None:
        """Disable (ending its sessions) or re-enable an account."""
        account = self._require(username)
        if not active and account.role == "admin" and account.active and self.active_admins() <= 1:
            raise AccountError("This is the last active admin account; it cannot be disabled.")
        with self._lock, self.conn:
            self.conn.execute("UPDATE admin_accounts SET active = ?, updated = ? WHERE username = ?",
                              [int(active), _now().isoformat(), username])
        if not active:
            self.end_sessions_of(username)

    def active_admins(self) -> int:
        """How many active admin accounts there are."""
        row = self.conn.execute("SELECT COUNT(*) FROM admin_accounts WHERE role = 'admin' AND active = 1")
        return int(row.fetchone()[0])

    def authenticate(self, username: str, password: str) -> Account | None:
        """The active account with this name and password, else None (same work either way)."""
        row = self.conn.execute("SELECT * FROM admin_accounts WHERE username = ?",
                                [username.strip().lower()]).fetchone()
        ok = verify_password(password, row["password"] if row else _DUMMY_HASH)
        if row is None or not ok or not row["active"]:
            return None
        with self._lock, self.conn:
            self.conn.execute("UPDATE admin_accounts SET last_login = ? WHERE username = ?",
                              [_now().isoformat(), row["username"]])
        return self.get(row["username"])

    # sessions ------------------------------------------------------------------------------------------

    def start_session(self, username: str, hours: float = SESSION_HOURS) -> str:
        """A new session; returns the token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM admin_sessions WHERE expires < ?", [now.isoformat()])
            self.conn.execute(
                "INSERT INTO admin_sessions (token_hash, username, csrf, created, expires)"
                " VALUES (?, ?, ?, ?, ?)",
                [_token_hash(token), username, secrets.token_urlsafe(32), now.isoformat(),
                 (now + timedelta(hours=hours)).isoformat()])
        return token

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie token (None when unknown, expired or the account is disabled)."""
        if not token or len(token) > 200:
            return None
        row = self.conn.execute("SELECT * FROM admin_sessions WHERE token_hash = ?",
                                [_token_hash(token)]).fetchone()
        if row is None or row["expires"] <= _now().isoformat():
            return None
        account = self.get(row["username"])
        if account is None or not account.active:
            return None
        return Session(account, row["csrf"], row["expires"], row["token_hash"])

    def end_session(self, token: str | None) -> None:
        """Log out: the token stops working at once."""
        if token:
            with self._lock, self.conn:
                self.conn.execute("DELETE FROM admin_sessions WHERE token_hash = ?", [_token_hash(token)])

    def end_sessions_of(self, username: str) -> None:
        """End every session of one account."""
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM admin_sessions WHERE username = ?", [username])

    def set_flash(self, session: Session, message: str) -> None:
        """A one-time message shown on the next page of this session."""
        with self._lock, self.conn:
            self.conn.execute("UPDATE admin_sessions SET flash = ? WHERE token_hash = ?",
                              [message[:2000], session.token_hash])

    def pop_flash(self, session: Session) -> str | None:
        """Take the one-time message, if any."""
        with self._lock, self.conn:
            row = self.conn.execute("SELECT flash FROM admin_sessions WHERE token_hash = ?",
                                    [session.token_hash]).fetchone()
            if row and row["flash"]:
                self.conn.execute("UPDATE admin_sessions SET flash = NULL WHERE token_hash = ?",
                                  [session.token_hash])
                return row["flash"]
        return None
