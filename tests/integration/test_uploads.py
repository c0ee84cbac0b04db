"""Uploads keep the names their owner knows; asking while the first articles are added says so."""

from __future__ import annotations

import threading

import pytest

from assistant.errors import NotIndexed, StillAdding
from tests.conftest import ROOT

REPORT = (ROOT / "tests" / "data" / "reports" / "herald-plant-fire.md").read_bytes()

pytestmark = pytest.mark.slow


def test_reupload_is_unchanged_and_no_source_names_a_temp_path(assistant) -> None:
    first = assistant.add_files([("plant-fire.md", REPORT)])
    assert [(i.origin, i.status) for i in first.items] == [("plant-fire.md", "added")]
    again = assistant.add_files([("plant-fire.md", REPORT)])
    assert [(i.origin, i.status) for i in again.items] == [("plant-fire.md", "unchanged")]
    assert again.summary().startswith("added 0, updated 0, unchanged 1, duplicates 0")
    (article,) = assistant.articles()
    keys = [s.key for s in assistant.article(article.id).sources]
    assert keys == ["upload:plant-fire.md"], keys
    changed = REPORT.replace(b"1,200 people", b"1,300 people")
    update = assistant.add_files([("plant-fire.md", changed)])
    assert [i.status for i in update.items] == ["updated"]
    assert len(assistant.articles()) == 1


def test_broken_upload_reason_names_the_file_not_the_temp_path(assistant) -> None:
    report = assistant.add_files([("dump.json", b'{"title": "A" "text": "B"}')])
    (item,) = report.items
    assert item.status == "failed" and item.origin == "dump.json"
    assert "newsdesk-upload-" not in item.reason and "invalid JSON at line 1" in item.reason


def test_asking_during_the_first_upload_says_articles_are_being_added(assistant) -> None:
    with pytest.raises(NotIndexed) as empty:
        assistant.ask("How many residents were evacuated?")
    assert type(empty.value) is NotIndexed and empty.value.hint is None  # each edge adds its own
    started, release = threading.Event(), threading.Event()

    def progress(kind: str, n: int) -> None:
        if kind == "inputs":
            started.set()
            release.wait(60)

    worker = threading.Thread(
        target=assistant.add_files, args=([("plant-fire.md", REPORT)], progress)
    )
    worker.start()
    try:
        assert started.wait(60)
        with pytest.raises(StillAdding, match="being added right now"):
            assistant.ask("How many residents were evacuated?")
    finally:
        release.set()
        worker.join(120)
    assert assistant.ask("How many residents were evacuated?").citations
