"""The evaluation's stores: one per split (or half), built once and reused across runs.

Ingest is idempotent and vectors are remembered across stores (``MemoEmbedder``), so a store
holding weeks another one holds costs no model time.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from assistant.evaluation.memo import MemoEmbedder
from assistant.service import Assistant
from assistant.settings import Settings

Log = Callable[[str], None]


def store_key(settings: Settings, weeks: list[str]) -> str:
    """A short hash naming a store by the model, passage settings and weeks it holds."""
    ix = settings.index
    spec = f"{ix.model}|{ix.passage_tokens}|{ix.overlap_sentences}|{','.join(weeks)}"
    return hashlib.sha256(spec.encode()).hexdigest()[:10]


def open_store(
    work: Path,
    name: str,
    settings: Settings,
    embedder: MemoEmbedder,
    files: list[Path],
    log: Log,
) -> Assistant:
    """The store ``name`` holding ``files`` under ``work`` (ingested now if it is not yet)."""
    home = work / f"{name}-{store_key(settings, [f.name for f in files])}"
    bot = Assistant(home=home, settings=settings)
    bot.embedder = embedder
    started = time.perf_counter()
    embedder.remember = True
    try:
        report = bot.ingest(files)
    finally:
        embedder.remember = False
    log(f"{name}: {report.summary()} ({time.perf_counter() - started:.0f}s) in {home}")
    return bot
