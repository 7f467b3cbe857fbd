"""Wire the adapters together: settings -> model -> regions and indexes -> store -> answer core."""

from __future__ import annotations

import logging

from bot.core import AnswerCore
from index.catalog import RegionCatalog
from index.embedder import load_embedder
from index.embedding_cache import EmbeddingCache
from infopoint.settings import Settings, load_settings
from signals.store import SignalStore

log = logging.getLogger(__name__)


def build_core(settings: Settings | None = None, progress: bool = False, embedder=None) -> AnswerCore:
    """A ready answer core (model loaded, every region indexed)."""
    settings = settings or load_settings()
    embedder = embedder or load_embedder(settings)
    if settings.batch_queries:
        from bot.batching import BatchingEmbedder

        embedder = BatchingEmbedder(embedder)
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite3")
    catalog = RegionCatalog(settings.content_dir, settings.index_dir, embedder, cache)
    catalog.load(progress=progress)
    store = SignalStore(settings.db_path)
    return AnswerCore(catalog, store)
