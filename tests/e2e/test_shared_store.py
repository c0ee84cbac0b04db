"""Several servers, one library: two `newsdesk serve` on a real PostgreSQL and a real `chroma run`.

Ingest through one server and ask through the other; ingest through both at once; kill -9 one in
the middle of an ingest, then check that the catalog and the vectors agree, and that a restarted
server repairs what the dead one left.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from index import Library
from index.fields import clean_text, content_id
from tests.conftest import serve, stop
from tests.integration.test_ingest import check_consistent, stored_passages, vector_article_ids

# Each test starts three or four servers that load the model: allow for a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.postgres, pytest.mark.timeout(1800)]


def rows(realtimeqa_dir: Path, count: int) -> list[dict]:
    """``count`` distinct RealTimeQA articles as /api/articles objects."""
    found: dict[str, dict] = {}
    with (realtimeqa_dir / "20240112_gcs.jsonl").open() as handle:
        for line in handle:
            for r in json.loads(line)["search_result"]:
                found.setdefault(r["url"], {
                    "text": r["text"], "title": r["title"], "url": r["url"],
                    "published_at": r["publish_date"].replace("/", "-"),
                })  # fmt: skip
    return list(found.values())[:count]


def distinct_ids(articles: list[dict]) -> set[str]:
    return {content_id(clean_text(a["text"])) for a in articles}


@pytest.fixture
def shared(tmp_path: Path, catalog_url: str, chroma_server: str) -> dict[str, str]:
    """The environment of a server on the shared stores (each server gets its own home)."""
    return {
        "NEWSDESK_CATALOG_URL": catalog_url,
        "NEWSDESK_CHROMA_URL": chroma_server,
        # no NEWSDESK_INDEX__LOCK_WAIT: writes must wait for each other at the default
        "NEWSDESK_INDEX__INGEST_BATCH": "48",
    }


@pytest.fixture
def checker(tmp_path: Path, embedder, shared: dict[str, str]):
    """A Library on the shared stores, opened in the test process to inspect both."""
    opened: list[Library] = []

    def open_library() -> Library:
        library = Library(
            tmp_path / "inspect", embedder, shared["NEWSDESK_CHROMA_URL"],
            catalog_url=shared["NEWSDESK_CATALOG_URL"],
        )  # fmt: skip
        opened.append(library)
        return library

    yield open_library
    for library in opened:
        library.close()


def start(tmp_path: Path, name: str, env: dict[str, str]):
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    return serve(home, tmp_path / f"{name}.log", **env)


def post(base: str, articles: list[dict], timeout: float = 600) -> dict:
    response = httpx.post(f"{base}/api/articles", json={"articles": articles}, timeout=timeout)
    assert response.status_code == 201, response.text
    return response.json()


def upload(base: str, name: str, articles: list[dict], timeout: float = 900) -> dict:
    """Upload ``articles`` as one JSON-lines file; the report of a 201."""
    body = "".join(json.dumps(a) + "\n" for a in articles).encode()
    response = httpx.post(
        f"{base}/api/articles/upload", files={"files": (name, body)}, timeout=timeout
    )
    assert response.status_code == 201, response.text
    return response.json()


def lock_waiters(catalog_url: str) -> int:
    """Sessions queued for the catalog's advisory write lock."""
    with psycopg.connect(catalog_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
        return row[0] if row else 0


def wait_for(condition, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def ingest_until_first_commit(base: str, articles: list[dict], library: Library) -> None:
    """Start adding ``articles`` through a server that will die; return once a batch is in."""

    def doomed_ingest() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under this request
            httpx.post(f"{base}/api/articles", json={"articles": articles}, timeout=600)

    threading.Thread(target=doomed_ingest, daemon=True).start()
    wait_for(lambda: library.catalog.counts()["articles"] >= 1, "the ingest made no progress")


def in_thread(reports: list[dict], call, *args) -> threading.Thread:
    thread = threading.Thread(target=lambda: reports.append(call(*args)), daemon=True)
    thread.start()
    return thread


def test_uploads_through_two_servers_at_once_queue_and_all_land_once(
    tmp_path: Path, shared: dict[str, str], checker, realtimeqa_dir: Path
) -> None:
    articles = rows(realtimeqa_dir, 42)
    halves = [articles[:24], articles[18:]]  # six articles in both uploads
    expected = distinct_ids(articles)
    a, proc_a = start(tmp_path, "a", shared)
    b, proc_b = start(tmp_path, "b", shared)
    try:
        library = checker()
        reports: list[dict] = []
        with library.catalog.writer(0):  # a third writer holds the lock: both uploads queue
            threads = [
                in_thread(reports, upload, base, f"{name}.jsonl", half)
                for base, name, half in zip((a, b), "ab", halves, strict=True)
            ]
            wait_for(
                lambda: lock_waiters(shared["NEWSDESK_CATALOG_URL"]) == 2, "uploads not queued"
            )
        for thread in threads:
            thread.join(timeout=900)
        assert len(reports) == 2, "an upload did not finish"
        assert all(r["failed"] == 0 and r["queued_seconds"] > 0 for r in reports), reports
        assert sum(r["added"] for r in reports) == len(expected)
        assert sum(len(r["items"]) for r in reports) == len(articles) + 6

        assert {x.id for x in library.catalog.list_articles()} == expected
        assert vector_article_ids(library) == expected
        assert library.catalog.pending() == []
        check_consistent(library)  # every passage once in the vectors and the lexical index
        print(  # the counts of this run, for the record (-s)
            f"\ntwo servers: uploaded {len(articles) + 6}, distinct {len(expected)}, added "
            f"{[r['added'] for r in reports]}, catalog {library.catalog.counts()['articles']}, "
            f"vector articles {len(vector_article_ids(library))}, passages "
            f"{library.catalog.counts()['passages']} = vectors {library.store.count()}"
        )
    finally:
        stop(proc_a)
        stop(proc_b)


def test_kill_the_writer_while_the_other_waits_then_it_proceeds_and_repairs(
    tmp_path: Path, shared: dict[str, str], checker, realtimeqa_dir: Path
) -> None:
    articles = rows(realtimeqa_dir, 60)
    doomed, waiting = articles[:40], articles[40:]
    a, proc_a = start(tmp_path, "a", shared)
    b, proc_b = start(tmp_path, "b", shared)
    try:
        library = checker()
        ingest_until_first_commit(a, doomed, library)
        reports: list[dict] = []
        thread = in_thread(reports, upload, b, "waiting.jsonl", waiting)
        wait_for(lambda: lock_waiters(shared["NEWSDESK_CATALOG_URL"]) == 1, "b did not queue")
        os.kill(proc_a.pid, signal.SIGKILL)
        proc_a.wait(timeout=30)

        thread.join(timeout=900)
        assert len(reports) == 1, "the waiting upload did not finish"
        assert reports[0]["added"] == len(waiting) and reports[0]["queued_seconds"] > 0
        committed = {x.id for x in library.catalog.list_articles()}
        assert distinct_ids(waiting) <= committed
        from_doomed = committed - distinct_ids(waiting)
        assert 0 < len(from_doomed) < len(distinct_ids(doomed)), "the kill did not land mid-ingest"
        # b repaired what a left: no pending log, no vectors of a's cut batch
        assert library.catalog.pending() == []
        assert vector_article_ids(library) == committed
        check_consistent(library)
    finally:
        stop(proc_a)
        stop(proc_b)


def test_ingest_through_one_ask_through_the_other_and_both_at_once(
    tmp_path: Path, shared: dict[str, str], checker, seed_dir: Path, realtimeqa_dir: Path
) -> None:
    a, proc_a = start(tmp_path, "a", shared)
    b, proc_b = start(tmp_path, "b", shared)
    try:
        seed = next(seed_dir.glob("*.txt"))
        response = httpx.post(
            f"{a}/api/articles/upload", files={"files": (seed.name, seed.read_bytes())},
            timeout=300,
        )  # fmt: skip
        assert response.status_code == 201 and response.json()["added"] == 1, response.text
        answer = httpx.post(
            f"{b}/api/ask", json={"question": "Who analysed the satellite imagery?"}, timeout=300
        ).json()
        assert "The New York Times" in answer["citations"][0]["quote"], answer
        assert httpx.get(f"{b}/api/stats", timeout=60).json()["articles"] == 1

        # both servers ingest at once; five articles go to both (one stores them, once)
        articles = rows(realtimeqa_dir, 30)
        halves = [articles[:17], articles[12:]]
        reports: list[dict] = []
        threads = [
            threading.Thread(target=lambda u=u, h=h: reports.append(post(u, h)))
            for u, h in zip((a, b), halves, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=900)
        assert len(reports) == 2, "an ingest did not finish"
        expected = distinct_ids(articles)
        assert sum(r["added"] for r in reports) == len(expected)
        assert all(r["failed"] == 0 for r in reports)

        library = checker()
        assert {x.id for x in library.catalog.list_articles()} >= expected
        assert library.catalog.counts()["articles"] == len(expected) + 1
        assert library.catalog.pending() == []
        check_consistent(library)
        for base in (a, b):  # each server sees what the other wrote
            assert (
                httpx.get(f"{base}/api/stats", timeout=60).json()["articles"] == len(expected) + 1
            )
    finally:
        stop(proc_a)
        stop(proc_b)


def test_kill_one_server_mid_ingest_then_restart_repairs(
    tmp_path: Path, shared: dict[str, str], checker, realtimeqa_dir: Path
) -> None:
    articles = rows(realtimeqa_dir, 40)
    expected = distinct_ids(articles)
    a, proc_a = start(tmp_path, "a", shared)
    b, proc_b = start(tmp_path, "b", shared)
    try:
        library = checker()
        ingest_until_first_commit(a, articles, library)
        os.kill(proc_a.pid, signal.SIGKILL)
        proc_a.wait(timeout=30)

        committed = {x.id for x in library.catalog.list_articles()}
        assert 0 < len(committed) < len(expected), "the kill did not land mid-ingest"
        # every committed article is whole in both stores, each passage vector once
        ids = [p.id for x in library.catalog.list_articles() for p in
               stored_passages(library.catalog, x.id, x.text)]  # fmt: skip
        found = library.store._collection.get(ids=ids, include=[])["ids"]
        assert sorted(found) == sorted(ids) and len(set(found)) == len(found)
        assert library.catalog.lexical_passages() == set(ids)
        # vectors beyond the committed articles belong to the cut batch, logged as pending
        stray = vector_article_ids(library) - committed
        assert stray <= set(library.catalog.pending())
        # and the other server never shows them
        hits = httpx.post(
            f"{b}/api/search", json={"question": "election", "k": 20}, timeout=300
        ).json()
        assert {h["article_id"] for h in hits["hits"]} <= committed

        # the dead server comes back: it repairs before it serves
        a, proc_a = start(tmp_path, "a", shared)
        assert library.catalog.pending() == []
        assert vector_article_ids(library) == committed

        # the rest goes in through the other server; nothing is missing or doubled
        report = post(b, articles)
        assert report["failed"] == 0 and report["added"] == len(expected) - len(committed)
        assert library.catalog.counts()["articles"] == len(expected)
        assert library.catalog.pending() == []
        check_consistent(library)
    finally:
        stop(proc_a)
        stop(proc_b)
