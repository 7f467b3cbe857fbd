"""Keyed pseudonyms: a Telegram id is never stored, only HMAC-SHA256(key, channel:id)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path


def load_or_create_key(data_dir: Path, configured: str | None = None) -> bytes:
    """The HMAC key: INFOPOINT_HMAC_KEY when set, else a random key kept in the data directory."""
    if configured:
        return configured.encode()
    path = data_dir / "hmac.key"
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class Pseudonymizer:
    """Turns an outside identity (channel + id) into a stable pseudonym."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, channel: str, external_id: str | int) -> str:
        message = f"{channel}:{external_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
