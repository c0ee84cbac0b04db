"""Two writers on one NEWSDESK_HOME: the second waits its turn (past the wait: a clear 503 that
adds nothing); readers keep working."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import NEWSDESK, serve, stop
from tests.e2e.test_interrupted_ingest import committed_articles, sample, start_ingest
from tests.integration.test_ingest import check_consistent

pytestmark = pytest.mark.slow


def test_second_ingest_waits_its_turn_and_reads_go_on(
    tmp_path: Path, embedder, realtimeqa_dir: Path
) -> None:
    from assistant import Assistant

    data, _ = sample(realtimeqa_dir, tmp_path, count=40)
    home = tmp_path / "home"
    first = start_ingest(home, data)
    deadline = time.monotonic() + 120
    while committed_articles(home) < 1:
        assert first.poll() is None and time.monotonic() < deadline, "first ingest made no progress"
        time.sleep(0.1)

    other = tmp_path / "other.md"
    other.write_text("# Other\nA different article about the port of Odesa and grain exports.")
    second = subprocess.Popen(
        [*NEWSDESK, "--home", str(home), "ingest", "--json", str(other)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    reader = Assistant(home=home)
    reader.embedder = embedder
    seen = 0
    while first.poll() is None:  # searching and asking work while the ingest writes
        assert reader.search("election", k=5)
        answer = reader.ask("Who won the election?")
        assert answer.hits
        seen += 1
    assert first.returncode == 0, first.stderr.read().decode() if first.stderr else ""
    assert seen >= 2
    out, err = second.communicate(timeout=600)  # it waited its turn, then added its article
    assert second.returncode == 0, err
    report = json.loads(out)
    assert report["added"] == 1 and report["queued_seconds"] > 0, report
    assert "Traceback" not in err
    assert reader.library.catalog.counts()["articles"] == committed_articles(home) == 41
    check_consistent(reader.library)


def test_a_write_past_the_wait_is_503_with_retry_after_and_adds_nothing(tmp_path: Path) -> None:
    from index.catalog import open_catalog

    home = tmp_path / "home"
    url, proc = serve(home, tmp_path / "server.log", NEWSDESK_INDEX__LOCK_WAIT="1")
    catalog = open_catalog(home, None)  # another process on the same home
    articles = {"articles": [{"text": "Grain left Odesa."}, {"text": "Ships sailed at dawn."}]}
    try:
        with catalog.writer(0):
            busy = httpx.post(f"{url}/api/articles", json=articles, timeout=120)
            upload = httpx.post(
                f"{url}/api/articles/upload",
                files={"files": ("story.md", b"# Story\nThe port reopened.")}, timeout=120,
            )  # fmt: skip
        assert busy.status_code == upload.status_code == 503, busy.text
        assert busy.headers["Retry-After"] == upload.headers["Retry-After"] == "60"
        message = busy.json()["error"]
        assert "kept at it for 1 s" in message and "NEWSDESK_INDEX__LOCK_WAIT" in message
        assert "Not added: the 2 articles of this request" in message
        assert "Not added: the 1 uploaded file of this request" in upload.json()["error"]
        assert str(home) not in message
        assert catalog.counts()["articles"] == 0
        # the same request again, once the other writer is done
        again = httpx.post(f"{url}/api/articles", json=articles, timeout=120)
        assert again.status_code == 201 and again.json()["added"] == 2
        assert again.json()["queued_seconds"] == 0
    finally:
        catalog.close()
        stop(proc)
