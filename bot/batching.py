"""Embed the questions of concurrent requests together: one model call for all that are waiting.

`BatchingEmbedder` wraps an embedder. Callers (the web and Telegram handlers' worker threads) block on
`encode_queries`; one worker thread takes every request waiting at that moment (up to `max_batch` texts)
and embeds them in one call. Under no load a request is embedded alone, at once (nothing waits for a
batch to fill); under load the requests that arrive while the model is busy form the next batch, which
costs little more than one question. Passages (index builds) go straight to the wrapped model.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future

import numpy as np

from index.embedder import Embedder

log = logging.getLogger(__name__)
_Request = tuple[list[str], Future]


class BatchingEmbedder:
    """An Embedder that coalesces concurrent `encode_queries` calls into batched model calls."""

    def __init__(self, inner: Embedder, max_batch: int = 32, max_wait: float = 0.0) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batches = 0  # model calls made, and texts embedded through them (for the benchmark)
        self.texts = 0
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="query-batcher", daemon=True)
        self._worker.start()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of questions, embedded together with whatever else is waiting."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        future: Future[np.ndarray] = Future()
        self._queue.put((list(texts), future))
        return future.result()

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of answer texts (not batched: index builds send them in bulk already)."""
        return self.inner.encode_passages(texts)

    def close(self) -> None:
        """Stop the worker thread (requests already queued are answered first)."""
        self._queue.put(None)
        self._worker.join(timeout=5)

    def _take_batch(self, first: _Request) -> list[_Request]:
        batch, size = [first], len(first[0])
        deadline = time.monotonic() + self.max_wait
        while size < self.max_batch:
            left = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:  # keep the stop mark for the main loop
                self._queue.put(None)
                break
            batch.append(item)
            size += len(item[0])
        return batch

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = self._take_batch(first)
            texts = [text for item, _ in batch for text in item]
            try:
                vectors = self.inner.encode_queries(texts)
            except Exception as exc:  # every waiting caller gets the error, the worker lives on
                log.exception("embedding a batch of %d questions failed", len(texts))
                for _, future in batch:
                    future.set_exception(exc)
                continue
            self.batches += 1
            self.texts += len(texts)
            start = 0
            for item, future in batch:
                future.set_result(vectors[start : start + len(item)])
                start += len(item)
