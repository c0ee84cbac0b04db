"""Kill -9 an ingest mid-run: no partial article, no duplicate passage, and a re-run completes."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import Library, ingest
from index.fields import clean_text, content_id
from tests.integration.test_ingest import (
    check_consistent,
    search,
    stored_passages,
    vector_article_ids,
)

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


def sample(realtimeqa_dir: Path, tmp_path: Path, count: int = 80) -> tuple[Path, list[dict]]:
    rows = []
    with (realtimeqa_dir / "20240112_gcs.jsonl").open() as handle:
        for line in handle:
            rows += json.loads(line)["search_result"]
    rows = list({r["url"]: r for r in rows}.values())[:count]
    data = tmp_path / "articles.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return data, rows


def check_after_crash(library: Library) -> None:
    """What must hold right after a kill -9, before anything repairs the index."""
    committed = library.catalog.list_articles()
    ids = [p.id for a in committed for p in stored_passages(library.catalog, a.id, a.text)]
    # every committed article is whole: all its passages have vectors, each exactly once
    found = library.store._collection.get(ids=ids, include=[])["ids"] if ids else []
    assert sorted(found) == sorted(ids) and len(set(found)) == len(found)
    # the lexical index is written in the catalog's own transactions: always in step
    assert library.catalog.lexical_passages() == set(ids)
    assert len(ids) == library.catalog.counts()["passages"]
    # vectors beyond the committed ones can only belong to the batch that was cut off
    stray = vector_article_ids(library) - {a.id for a in committed}
    assert stray <= set(library.catalog.pending())
    # and they never show up in results
    if committed:
        hits = search(library, "election results", k=20)
        assert {h.article_id for h in hits} <= {a.id for a in committed}


def test_kill_at_random_points_then_rerun(tmp_path: Path, embedder, realtimeqa_dir: Path) -> None:
    data, rows = sample(realtimeqa_dir, tmp_path)
    home = tmp_path / "home"
    rng = random.Random(int(os.environ.get("NEWSDESK_TEST_SEED", "20240112")))
    kills = 0
    for _ in range(5):
        proc = start_ingest(home, data)
        time.sleep(rng.uniform(3.0, 12.0))  # the model loads in ~5 s: some kills land before
        if proc.poll() is not None:
            break  # finished before this kill: the last round
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
        library = Library(home, embedder)
        check_after_crash(library)
        library.close()
    assert kills >= 3, "the ingest finished too early to be interrupted: use more articles"

    library = Library(home, embedder)
    report = ingest(library, [data])
    assert report.failed == 0
    distinct = {content_id(clean_text(r["text"])) for r in rows}
    assert library.catalog.counts()["articles"] == len(distinct)
    assert library.catalog.pending() == []
    check_consistent(library)
    library.close()
