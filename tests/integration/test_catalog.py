"""The catalog's named queries, the same tests on SQLite and on PostgreSQL (no model needed)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index.catalog import Catalog, open_catalog
from index.errors import LockedError
from index.types import Article, Passage, Source


@pytest.fixture
def catalog(tmp_path: Path, catalog_backend: str | None):
    cat = open_catalog(tmp_path / "home", catalog_backend)
    yield cat
    cat.close()


def article(
    key: str, text: str, title: str = "Title", outlet: str | None = None,
    published: str | None = None, ingested: str = "2024-01-01T00:00:00",
) -> tuple[Article, list[Passage], int | None]:  # fmt: skip
    art = Article(
        id=f"id-{key}", title=title, url=f"https://example.com/{key}", outlet=outlet,
        published_at=published, text=text, ingested_at=ingested,
    )  # fmt: skip
    half = len(text) // 2
    spans = [(0, half), (half, len(text))]
    passages = [
        Passage(id=f"{art.id}#{n}", article_id=art.id, n=n, start=s, end=e, text=text[s:e],
                sentences=((s, e),))
        for n, (s, e) in enumerate(spans)
    ]  # fmt: skip
    ts = int(time.mktime(time.strptime(published, "%Y-%m-%d"))) if published else None
    return art, passages, ts


def source(art: Article, key: str | None = None, outlet: str | None = None) -> tuple:
    return (art.id, Source(key=key or art.url or "", url=art.url, outlet=outlet or art.outlet,
                           title=art.title, published_at=art.published_at), art.ingested_at)  # fmt: skip


GRAIN = article(
    "grain", "Farmers blocked the border crossings near Dorohusk. Grain imports fell sharply.",
    title="Farmers block the border", outlet="reuters.com", published="2024-01-10",
    ingested="2024-01-02T00:00:00",
)  # fmt: skip
RATES = article(
    "rates", "The central bank raised interest rates. Inflation in Warsaw stayed high.",
    title="Bank raises rates", outlet="apnews.com", published="2024-02-20",
    ingested="2024-01-03T00:00:00",
)  # fmt: skip


def fill(catalog: Catalog) -> None:
    catalog.mark_pending([GRAIN[0].id, RATES[0].id])
    assert catalog.commit([GRAIN, RATES], [source(GRAIN[0]), source(RATES[0])]) == []


def test_commit_and_read_back(catalog: Catalog) -> None:
    fill(catalog)
    assert catalog.pending() == []  # the commit cleared the intents in the same transaction
    assert catalog.counts() == {"articles": 2, "passages": 4, "sources": 2, "outlets": 2}
    assert catalog.has_article(GRAIN[0].id) and not catalog.has_article("nope")
    assert catalog.committed([GRAIN[0].id, "nope"]) == {GRAIN[0].id}
    assert catalog.article_for_key(GRAIN[0].url or "") == GRAIN[0].id
    got = catalog.get_article(GRAIN[0].id)
    assert got is not None and got.text == GRAIN[0].text and got.passages == 2
    assert got.sources[0].outlet == "reuters.com"
    assert [a.id for a in catalog.list_articles()] == [RATES[0].id, GRAIN[0].id]
    assert [a.id for a in catalog.list_articles(limit=1, offset=1)] == [GRAIN[0].id]
    assert [a.id for a in catalog.list_articles(title="BORDER farmers")] == [GRAIN[0].id]
    assert catalog.list_articles(title="100%_") == []
    assert catalog.passage_spans(p.id for p in GRAIN[1]) == {
        p.id: (p.article_id, p.n, p.start, p.end, [list(s) for s in p.sentences]) for p in GRAIN[1]
    }
    spans = catalog.passage_spans([RATES[1][1].id, "missing#0"])
    assert list(spans) == [RATES[1][1].id]
    assert spans[RATES[1][1].id][:4] == (RATES[0].id, 1, RATES[1][1].start, RATES[1][1].end)
    assert catalog.date_span() == ("2024-01-10", "2024-02-20")
    assert catalog.outlets() == [("apnews.com", 1), ("reuters.com", 1)]
    assert {"Dorohusk", "Warsaw"} <= catalog.names()
    assert catalog.lexical_passages() == {p.id for _, ps, _ in (GRAIN, RATES) for p in ps}


def test_meta(catalog: Catalog) -> None:
    assert catalog.get_meta("model") is None
    catalog.set_meta("model", "a")
    catalog.set_meta("model", "b")
    assert catalog.get_meta("model") == "b"


def test_generation_changes_with_every_write_seen_by_another_connection(
    catalog: Catalog, tmp_path: Path, catalog_backend: str | None
) -> None:
    other = open_catalog(tmp_path / "home", catalog_backend)  # another process's view
    try:
        assert catalog.generation() == other.generation() == 0
        fill(catalog)
        after_commit = other.generation()
        assert after_commit > 0
        copy = source(GRAIN[0], key="https://other.example/copy", outlet="apnews.com")
        catalog.commit([], [copy])  # a new source only: the outlets change
        assert other.generation() > after_commit
        before_delete = other.generation()
        catalog.delete_article(RATES[0].id)
        assert other.generation() > before_delete
        unchanged = other.generation()
        catalog.set_meta("model", "x")
        catalog.lexical_search(["grain"], 5)
        assert other.generation() == unchanged
    finally:
        other.close()


def test_lexical_search_ranks_and_filters(catalog: Catalog) -> None:
    fill(catalog)
    grain_0, grain_1 = (p.id for p in GRAIN[1])
    found = catalog.lexical_search(["grain", "imports"], 5)
    assert [m.passage_id for m in found] == [grain_1]
    assert found[0].article_id == GRAIN[0].id and found[0].score > 0
    # stemming: "crossing" finds "crossings", "blocking" finds "blocked" (and the title's "block")
    assert [m.passage_id for m in catalog.lexical_search(["crossing"], 5)] == [grain_0]
    assert catalog.lexical_search(["blocking"], 5)[0].passage_id == grain_0
    # the title counts, less than the text: "border" is in both passages' title
    ranked = catalog.lexical_search(["border"], 5)
    assert [m.passage_id for m in ranked] == [grain_0, grain_1]
    assert catalog.lexical_search(["grain"], 5, outlets=["apnews.com"]) == []
    assert len(catalog.lexical_search(["grain"], 5, outlets=["reuters.com", "x"])) == 1
    feb = int(time.mktime(time.strptime("2024-02-01", "%Y-%m-%d")))
    assert catalog.lexical_search(["grain", "inflation"], 5, since_ts=feb)[0].article_id == (
        RATES[0].id
    )
    assert {
        m.article_id for m in catalog.lexical_search(["grain", "inflation"], 5, until_ts=feb)
    } == {GRAIN[0].id}
    assert catalog.lexical_search([], 5) == []
    assert catalog.lexical_search(['"quoted', "o'brien"], 5) == []  # odd words are not syntax
    scores = catalog.lexical_scores(["inflation", "grain"], [grain_1, RATES[1][1].id, "x#0"])
    assert set(scores) == {grain_1, RATES[1][1].id} and all(v > 0 for v in scores.values())


def test_term_frequencies_count_passage_text_with_the_search_tokenizer(catalog: Catalog) -> None:
    fill(catalog)
    # "border" is in every GRAIN passage's title but in one passage's text; "crossing" is stemmed
    assert catalog.term_frequencies(["grain", "border", "crossing", "zebra"]) == (
        4, {"grain": 1, "border": 1, "crossing": 1, "zebra": 0},
    )  # fmt: skip
    assert catalog.document_frequencies(["zebra", "grain"]) == {"zebra": 0, "grain": 1}


def test_update_orphans_the_old_text_and_delete_cascades(catalog: Catalog) -> None:
    fill(catalog)
    new = article("grain2", "Farmers ended the blockade after talks.", title="Blockade ends")
    # the same key (URL) now carries new text: the old article loses its only source
    catalog.mark_pending([new[0].id])
    orphans = catalog.commit([new], [source(new[0], key=GRAIN[0].url)])
    assert orphans == [GRAIN[0].id]
    assert not catalog.has_article(GRAIN[0].id)
    assert catalog.pending() == [GRAIN[0].id]  # left for the caller to remove its vectors
    assert GRAIN[1][0].id not in catalog.passage_spans([GRAIN[1][0].id])
    catalog.clear_pending(orphans)
    assert catalog.delete_article(RATES[0].id) is True
    assert catalog.delete_article(RATES[0].id) is False
    assert catalog.pending() == [RATES[0].id]
    assert catalog.counts() == {"articles": 1, "passages": 2, "sources": 1, "outlets": 0}
    assert catalog.lexical_search(["inflation"], 5) == []


def test_syndicated_copy_adds_a_source(catalog: Catalog) -> None:
    fill(catalog)
    copy = source(GRAIN[0], key="https://other.example/copy", outlet="apnews.com")
    assert catalog.commit([], [copy]) == []
    got = catalog.get_article(GRAIN[0].id)
    assert got is not None and [s.outlet for s in got.sources] == ["reuters.com", "apnews.com"]
    assert catalog.outlets() == [("apnews.com", 2), ("reuters.com", 1)]
    assert len(catalog.lexical_search(["grain"], 5, outlets=["apnews.com"])) == 1


def test_a_second_writer_waits_then_gets_a_clear_message(
    tmp_path: Path, catalog_backend: str | None
) -> None:
    first = open_catalog(tmp_path / "home", catalog_backend)
    second = open_catalog(tmp_path / "home", catalog_backend)  # another process or server
    queued: list[str] = []
    try:
        with first.writer(0, lambda: queued.append("first")):
            assert queued == []  # the lock was free: nothing to wait for
            started = time.monotonic()
            with (
                pytest.raises(LockedError, match=r"adding or deleting articles.*LOCK_WAIT"),
                second.writer(0.5, lambda: queued.append("second")),
            ):
                pass
            assert time.monotonic() - started >= 0.4
            assert queued == ["second"]  # said once, before waiting
        for waiter in (second, first):  # another process or server; a thread of this one
            queued.clear()
            released = threading.Event()
            holding = threading.Event()

            def hold(holding: threading.Event, released: threading.Event) -> None:
                with first.writer(0):
                    holding.set()
                    released.wait(5)

            thread = threading.Thread(target=hold, args=(holding, released))
            thread.start()
            assert holding.wait(5)
            threading.Timer(0.5, released.set).start()
            with waiter.writer(10, lambda: queued.append("waiting")):  # waits its turn
                assert released.is_set()
            assert queued == ["waiting"]
            thread.join()
    finally:
        first.close()
        second.close()
