"""The live regions: content plus index, reloaded when the content changes, never stale.

A folder whose new content has errors keeps serving its last good version (the errors are kept
for the admin to see). At start-up, a folder with errors serves its valid entries.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.embedder import Embedder
from index.embedding_cache import EmbeddingCache
from index.search_index import RegionIndex, ensure_index
from knowledge.loader import ContentError, RegionContent, folder_hash, load_region, region_folders

log = logging.getLogger(__name__)


class UnknownRegion(KeyError):
    """A region id that is not in the content directory."""


@dataclass
class LiveRegion:
    """What is being served for one region."""

    content: RegionContent
    index: RegionIndex
    pending_errors: list[ContentError] = field(default_factory=list)


class RegionCatalog:
    """All regions of a content directory, each with its index."""

    def __init__(self, content_dir: Path, index_dir: Path, embedder: Embedder,
                 cache: EmbeddingCache, check_every: float = 5.0) -> None:
        self.content_dir = content_dir
        self.index_dir = index_dir
        self.embedder = embedder
        self.cache = cache
        self.check_every = check_every
        self.regions: dict[str, LiveRegion] = {}
        self._last_check = 0.0
        self._lock = threading.RLock()

    def load(self, progress: bool = False) -> None:
        """Load every region folder and make sure its index is current."""
        for folder in region_folders(self.content_dir):
            self._load_folder(folder, progress=progress, initial=True)

    @property
    def region_ids(self) -> list[str]:
        """The regions being served."""
        return sorted(self.regions)

    def get(self, region_id: str) -> LiveRegion:
        """The served region, or UnknownRegion."""
        self.maybe_refresh()
        try:
            return self.regions[region_id]
        except KeyError:
            raise UnknownRegion(region_id) from None

    def maybe_refresh(self) -> None:
        """Refresh at most every `check_every` seconds."""
        if time.monotonic() - self._last_check >= self.check_every:
            self.refresh()

    def refresh(self) -> dict[str, list[ContentError]]:
        """Reload the folders whose files changed; returns the errors per region that were refused."""
        self._last_check = time.monotonic()
        refused: dict[str, list[ContentError]] = {}
        for folder in region_folders(self.content_dir):
            live = self.regions.get(folder.name)
            if live is None or folder_hash(folder) != live.content.content_hash:
                errors = self._load_folder(folder)
                if errors:
                    refused[folder.name] = errors
        return refused

    def _load_folder(self, folder: Path, progress: bool = False, initial: bool = False) -> list[ContentError]:
        with self._lock:
            content = load_region(folder)
            live = self.regions.get(folder.name)
            if content.region is None or (content.errors and live is not None and not initial):
                if live is not None:
                    live.pending_errors = content.errors
                    # Remember the hash so that the same broken files are not re-read every check.
                    live.content.content_hash = content.content_hash
                for err in content.errors:
                    log.error("content refused, still serving the last good version: %s", err)
                return content.errors
            for err in content.errors:
                log.error("skipped at start-up: %s", err)
            index = ensure_index(folder.name, content.entries, content.content_hash, self.embedder,
                                 self.cache, self.index_dir, progress=progress)
            self.regions[folder.name] = LiveRegion(content, index)
            return content.errors if not initial else []
