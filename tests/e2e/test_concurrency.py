"""Two writers on one NEWSDESK_HOME: the second gets a clear message; readers keep working."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_interrupted_ingest import committed_articles, sample, start_ingest
from tests.integration.test_ingest import check_consistent

pytestmark = pytest.mark.slow


def test_second_ingest_is_refused_and_reads_go_on(
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
    other.write_text("# Other\\nA different article about the port of Odesa and grain exports.")
    second = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import main; main()", "--home", str(home), "ingest", str(other)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode == 1
    assert "Another newsdesk process is adding or deleting articles" in second.stderr
    assert "Traceback" not in second.stderr

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
    check_consistent(reader.library)
