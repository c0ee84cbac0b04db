"""Server mode: a real `chroma run` on 127.0.0.1, reached through NEWSDESK_CHROMA_URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_ingest_and_ask_through_a_chroma_server(
    chroma_server: str, monkeypatch: pytest.MonkeyPatch, embedder, seed_dir: Path, tmp_path: Path
) -> None:
    from assistant import Assistant

    monkeypatch.setenv("NEWSDESK_CHROMA_URL", chroma_server)
    bot = Assistant()
    bot.embedder = embedder
    assert bot.settings.chroma_url == chroma_server
    report = bot.ingest(seed_dir)
    assert report.added == 1
    # nothing went to the embedded store: the vectors live in the server
    assert not (bot.settings.home / "chroma").exists()
    assert bot.library.store.location == chroma_server
    assert bot.library.store.count() == bot.stats().passages > 0

    answer = bot.ask("Who analysed the satellite imagery?")
    assert "The New York Times" in answer.citations[0].quote

    # a second client (another process would see the same) finds the same vectors
    again = Assistant()
    again.embedder = embedder
    assert (
        again.search("leaked military communication", k=1)[0].article_id
        == answer.citations[0].article_id
    )
    assert bot.stats().store == chroma_server


def test_unreachable_server_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, embedder, seed_dir: Path
) -> None:
    from assistant import Assistant, AssistantError

    monkeypatch.setenv("NEWSDESK_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    bot = Assistant()
    bot.embedder = embedder
    with pytest.raises(AssistantError, match="Chroma server"):
        bot.ingest(seed_dir)
