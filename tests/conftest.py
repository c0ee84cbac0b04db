"""Shared fixtures: isolated NEWSDESK_HOME, the real embedding model, and the shared data sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
SEED_DIR = SHARED / "seed"
REALTIMEQA_DIR = SHARED / "data" / "realtimeqa"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point NEWSDESK_HOME at a temp dir and clear every other NEWSDESK_ variable."""
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") and name != "NEWSDESK_SHARED":
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("NEWSDESK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 model, loaded once per test session."""
    from index.embed import SentenceEmbedder

    model = SentenceEmbedder()
    model.encode(["load"])
    return model


@pytest.fixture
def library(tmp_path: Path, embedder):
    """A real Library (SQLite catalog + embedded Chroma) in a temp dir."""
    from index.library import Library

    lib = Library(tmp_path / "library", embedder)
    yield lib
    lib.close()


@pytest.fixture
def assistant(isolated_env: Path, embedder):
    """An Assistant on the temp NEWSDESK_HOME that shares the session's loaded model."""
    from assistant import Assistant

    bot = Assistant()
    bot.embedder = embedder  # reuse the session model instead of loading it again
    return bot


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The seed article folder from ../shared, or skip."""
    if not any(SEED_DIR.glob("*.txt")):
        pytest.skip(f"seed article not found in {SEED_DIR} (put the shared material beside the repo)")
    return SEED_DIR


@pytest.fixture(scope="session")
def realtimeqa_dir() -> Path:
    """The RealTimeQA weeks from ../shared, or skip."""
    if not any(REALTIMEQA_DIR.glob("*_gcs.jsonl")):
        pytest.skip(f"RealTimeQA data not found in {REALTIMEQA_DIR} (needs ../shared beside the repo)")
    return REALTIMEQA_DIR
