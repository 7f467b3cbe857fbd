"""`infopoint-admin setup-model`: materialise the configured embedding model (idempotent)."""

from __future__ import annotations

import argparse

from index.model_setup import ensure_model, model_folder
from infopoint.settings import DEFAULT_MODEL, load_settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = subparsers.add_parser("setup-model", help="materialise the offline e5 model into the cache")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the model folder once; later runs only check its stamp."""
    settings = load_settings()
    if settings.model != DEFAULT_MODEL:
        print(f"INFOPOINT_MODEL={settings.model}: a sentence-transformers model, nothing to materialise")
        return 0
    already = (model_folder(settings.cache_dir) / "infopoint-model.json").exists()
    path = ensure_model(settings.cache_dir)
    print(f"model {'ready' if already else 'materialised'}: {path}")
    return 0
