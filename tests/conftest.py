"""Shared fixtures: the real model is loaded once per test session; data goes to temporary folders."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core import AnswerCore
from bot.services import build_core
from index.embedder import Embedder, load_embedder
from infopoint.settings import REPO_ROOT, Settings, load_settings

CONTENT = REPO_ROOT / "knowledge" / "regions"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Real content and the real model cache; a fresh data directory."""
    return replace(load_settings(), content_dir=CONTENT, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def embedder(settings: Settings) -> Embedder:
    """The real embedding model, loaded once."""
    return load_embedder(settings)


@pytest.fixture(scope="session")
def core(settings: Settings, embedder: Embedder) -> AnswerCore:
    """An answer core over the real content, shared by the session (do not modify its content)."""
    return build_core(settings, embedder=embedder)


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the content directory, for tests that edit or break files."""
    target = tmp_path / "regions"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture()
def private_core(settings: Settings, embedder: Embedder, content_copy: Path, tmp_path: Path) -> AnswerCore:
    """An answer core over a private content copy and data directory (fast: embeddings are cached)."""
    own = replace(settings, content_dir=content_copy, data_dir=tmp_path / "data")
    return build_core(own, embedder=embedder)
