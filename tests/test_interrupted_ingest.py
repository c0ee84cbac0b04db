"""Kill -9 an ingest mid-run: no partial article, no duplicate passage, and a re-run completes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import Library, ingest
from index.fields import clean_text, content_id
from tests.test_ingest import check_consistent

pytestmark = pytest.mark.slow


def committed_articles(home: Path) -> int:
    db = home / "catalog.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def start_ingest(home: Path, data: Path) -> subprocess.Popen:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_INDEX__INGEST_BATCH": "48"}
    return subprocess.Popen(
        [sys.executable, "-c", "from assistant.cli import main; main()", "ingest", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_after(proc: subprocess.Popen, home: Path, at_least: int, extra_s: float) -> None:
    deadline = time.monotonic() + 240
    while committed_articles(home) < at_least:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "ingest made no progress"
        time.sleep(0.05)
    time.sleep(extra_s)  # land somewhere inside the next batch
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_mid_ingest_then_rerun(tmp_path: Path, embedder, realtimeqa_dir: Path) -> None:
    rows = []
    with (realtimeqa_dir / "20240112_gcs.jsonl").open() as handle:
        for line in handle:
            rows += json.loads(line)["search_result"]
    rows = list({r["url"]: r for r in rows}.values())[:60]
    data = tmp_path / "articles.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    home = tmp_path / "home"

    for at_least, extra in ((3, 0.7), (20, 1.3)):
        proc = start_ingest(home, data)
        kill_after(proc, home, at_least, extra)
        assert proc.returncode == -signal.SIGKILL

        library = Library(home, embedder)
        committed = library.catalog.list_articles()
        assert 0 < len(committed) < len(rows)
        # every committed article is whole: all its passages are in the vector store
        ids = [p.id for a in committed for p in library.catalog.passages_of(a.id, a.text)]
        found = library.store._collection.get(ids=ids, include=[])["ids"]
        assert sorted(found) == sorted(ids)
        # vectors of the batch that was cut off never show up in results
        hits = library.search("election results", k=20)
        assert {h.article_id for h in hits} <= {a.id for a in committed}
        library.close()

    library = Library(home, embedder)
    before = library.catalog.counts()["articles"]
    report = ingest(library, [data])
    assert report.failed == 0
    assert report.unchanged >= before
    distinct = {content_id(clean_text(r["text"])) for r in rows}
    assert library.catalog.counts()["articles"] == len(distinct)
    assert library.catalog.pending() == []
    check_consistent(library)
    library.close()
