"""Ingest end to end: real readers, the real model, a real Chroma store in a temp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant
from index import Hit, Library, Passage, ingest
from index.catalog import Catalog, SqliteCatalog

pytestmark = pytest.mark.slow

ARTICLE_A = (
    "Kyiv officials said on Monday that the new air defence systems had arrived. "
    "The deliveries were confirmed by the defence ministry. "
    "Analysts at the Institute for the Study of War said the systems would protect the capital."
)
ARTICLE_B = (
    "Farmers in Poland blocked border crossings for a third day on Wednesday. "
    "They protest against imports of cheap grain. "
    "The government in Warsaw promised talks with the farmers' unions next week."
)
ARTICLE_C = (
    "The central bank raised its key interest rate by half a point to 5.5 percent. "
    "Inflation has stayed above the target for two years. "
    "Economists had expected a smaller increase."
)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def search(library: Library, question: str, k: int = 10, **filters: object) -> list[Hit]:
    """``Assistant.search`` (the public retrieval path) over this library."""
    bot = Assistant(home=library.home)
    bot.embedder = library.embedder
    bot.library = library
    return bot.search(question, k=k, filters=filters or None)


def stored_passages(catalog: Catalog, article_id: str, text: str) -> list[Passage]:
    """The passages of one article as the catalog holds them, in order."""
    article = catalog.get_article(article_id)
    ids = [f"{article_id}#{n}" for n in range(article.passages if article else 0)]
    spans = sorted(catalog.passage_spans(ids).items(), key=lambda item: item[1][1])
    return [
        Passage(id=pid, article_id=aid, n=n, start=start, end=end, text=text[start:end],
                sentences=tuple(tuple(s) for s in sentences))
        for pid, (aid, n, start, end, sentences) in spans
    ]  # fmt: skip


def vector_article_ids(library: Library) -> set[str]:
    """Every article id that has vectors in the store (a full scan)."""
    found = library.store._collection.get(include=["metadatas"])["metadatas"]
    return {str(meta["article_id"]) for meta in found}


def check_consistent(library: Library) -> None:
    """Catalog and vector store agree: same articles, every passage once, offsets exact."""
    catalog_ids = {a.id for a in library.catalog.list_articles()}
    assert vector_article_ids(library) == catalog_ids
    assert library.store.count() == library.catalog.counts()["passages"]
    # the lexical index covers exactly the stored passages (SQLite: with their current text)
    lexical = library.catalog.lexical_passages()
    texts = library.catalog.lexical_texts() if isinstance(library.catalog, SqliteCatalog) else None
    stored: set[str] = set()
    for article in library.catalog.list_articles():
        passages = stored_passages(library.catalog, article.id, article.text)
        assert len(passages) == article.passages > 0
        for p in passages:
            assert article.text[p.start : p.end] == p.text
            assert texts is None or texts[p.id] == p.text
            for s, e in p.sentences:
                assert p.start <= s < e <= p.end
        stored |= {p.id for p in passages}
    assert lexical == stored and len(stored) == library.catalog.counts()["passages"]


def test_every_format_in_a_folder(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.txt").write_text("Air defence arrives in Kyiv\n" + ARTICLE_A)
    (folder / "nested" / "b.md").write_text(
        "---\ntitle: Farmers block the border\nurl: https://news.example.pl/farmers\n"
        "outlet: Example PL\ndate: 2024-01-10\n---\n" + ARTICLE_B
    )
    (folder / "c.html").write_text(
        "<html><head><title>Rates up</title><meta property='og:site_name' content='Money Daily'>"
        "<meta property='article:published_time' content='2024-01-12'></head><body><article>"
        f"<h1>Central bank raises rates</h1><p>{ARTICLE_C}</p></article></body></html>"
    )
    quake = "A strong earthquake struck Japan on New Year's Day. Hundreds of buildings collapsed."
    write_jsonl(
        folder / "d.jsonl",
        [{"title": "Quake", "text": quake, "url": "https://apnews.example/quake",
          "published_at": "2024-01-01"}],
    )  # fmt: skip
    (folder / "e.json").write_text(
        json.dumps([{"headline": "Storm", "body": "A winter storm closed schools across Ohio. "
                     "Snow is expected to continue through Friday.", "link": "https://w.example/s"}])
    )  # fmt: skip
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(folder / "f.pdf"))
    pdf.drawString(72, 720, "The city council approved a new budget on Tuesday.")
    pdf.drawString(72, 700, "The budget includes more money for public transport.")
    pdf.save()
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not supported")
    (folder / ".hidden.txt").write_text("Hidden files are skipped.")

    report = ingest(library, [folder])
    assert report.failed == 0, [i for i in report.items if i.status == "failed"]
    assert report.added == 6
    assert report.ignored == [str(folder / "notes.docx")]
    titles = {a.title for a in library.catalog.list_articles()}
    assert {"Air defence arrives in Kyiv", "Farmers block the border", "Quake", "Storm"} <= titles
    md = next(a for a in library.catalog.list_articles() if a.title == "Farmers block the border")
    assert (md.outlet, md.published_at, md.url) == (
        "Example PL",
        "2024-01-10",
        "https://news.example.pl/farmers",
    )
    check_consistent(library)
    hits = search(library, "Why are farmers blocking the border?", k=3)
    assert hits[0].title == "Farmers block the border"
    assert "Poland" in hits[0].text


def test_reingest_is_idempotent(library: Library, tmp_path: Path) -> None:
    data = write_jsonl(
        tmp_path / "a.jsonl",
        [{"title": "A", "text": ARTICLE_A, "url": "https://x.example/a"},
         {"title": "B", "text": ARTICLE_B, "url": "https://x.example/b"}],
    )  # fmt: skip
    first = ingest(library, [data])
    vectors = library.store.count()
    second = ingest(library, [data])
    assert (first.added, second.added, second.unchanged, second.passages) == (2, 0, 2, 0)
    assert library.store.count() == vectors
    check_consistent(library)


def test_update_by_url_replaces_old_passages(library: Library, tmp_path: Path) -> None:
    url = "https://x.example/rates"
    ingest(
        library,
        [write_jsonl(tmp_path / "v1.jsonl", [{"title": "Rates", "text": ARTICLE_C, "url": url}])],
    )
    old_id = library.catalog.article_for_key(url)
    revised = ARTICLE_C.replace("5.5 percent", "5.75 percent") + " Markets fell after the decision."
    report = ingest(
        library,
        [write_jsonl(tmp_path / "v2.jsonl", [{"title": "Rates", "text": revised, "url": url}])],
    )
    assert report.updated == 1 and report.added == 0
    new_id = library.catalog.article_for_key(url)
    assert new_id != old_id
    assert library.catalog.get_article(old_id) is None
    assert library.catalog.counts()["articles"] == 1
    hits = search(library, "key interest rate raised", k=5)
    assert {h.article_id for h in hits} == {new_id}
    assert all("5.5 percent" not in h.text for h in hits)
    lexical = library.hits(library.lexical("key interest rate 5.5 percent", 5))
    assert {h.article_id for h in lexical} == {new_id}
    check_consistent(library)


def test_a_url_held_twice_is_not_updated_back_and_forth(library: Library, tmp_path: Path) -> None:
    """A dump holding one URL twice (a page crawled twice): ingesting it again changes nothing."""
    url = "https://x.example/rates"
    revised = ARTICLE_C.replace("5.5 percent", "5.75 percent") + " Markets fell after the decision."
    older = write_jsonl(
        tmp_path / "week1.jsonl", [{"title": "Rates", "text": ARTICLE_C, "url": url}]
    )
    newer = write_jsonl(tmp_path / "week2.jsonl", [{"title": "Rates", "text": revised, "url": url}])
    first = ingest(library, [older, newer])
    assert (first.added, first.updated) == (1, 1)
    current = library.catalog.article_for_key(url)
    vectors = library.store.count()
    generation = library.catalog.generation()
    again = ingest(library, [older, newer])
    assert (again.added, again.updated, again.unchanged, again.passages) == (0, 0, 2, 0)
    skipped = next(i for i in again.items if i.article_id != current)
    assert skipped.status == "unchanged" and "earlier version" in (skipped.reason or "")
    assert library.catalog.article_for_key(url) == current
    assert library.store.count() == vectors and library.catalog.generation() == generation
    # a version not seen before still updates; deleting the article forgets the history
    third = ARTICLE_C.replace("5.5 percent", "6 percent")
    ingest(
        library,
        [write_jsonl(tmp_path / "week3.jsonl", [{"title": "Rates", "text": third, "url": url}])],
    )
    assert library.catalog.article_for_key(url) not in (None, current)
    assert library.delete(library.catalog.article_for_key(url) or "")
    assert ingest(library, [older]).added == 1
    check_consistent(library)


def test_syndicated_copies_are_embedded_once(library: Library, tmp_path: Path) -> None:
    rows = [
        {"title": "Farmers protest", "text": ARTICLE_B, "url": "https://apnews.com/farmers"},
        {"title": "Farmers protest (AP)", "text": ARTICLE_B, "url": "https://www.wtop.com/farmers"},
    ]
    report = ingest(library, [write_jsonl(tmp_path / "s.jsonl", rows)])
    assert (report.added, report.duplicates) == (1, 1)
    assert library.catalog.counts() == {"articles": 1, "passages": 1, "sources": 2, "outlets": 2}
    (article,) = library.catalog.list_articles()
    assert article.outlets == ["apnews.com", "wtop.com"]
    assert {s.url for s in article.sources} == {r["url"] for r in rows}
    # the copy's outlet is searchable as a filter, though its text was embedded once
    hits = search(library, "grain imports protest", k=3, outlets=["wtop.com"])
    assert hits and hits[0].outlets == ("apnews.com", "wtop.com")
    # a third copy arriving later is attached without embedding anything
    later = ingest(
        library, [write_jsonl(tmp_path / "t.jsonl", [{**rows[0], "url": "https://abc.example/f"}])]
    )
    assert (later.duplicates, later.passages) == (1, 0)
    assert search(library, "grain imports protest", k=3, outlets=["abc.example"])
    check_consistent(library)


def test_corrupt_file_among_good_ones(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good1.txt").write_text("Good one\n" + ARTICLE_A)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 10)
    write_jsonl(folder / "lines.jsonl", [{"title": "ok", "text": ARTICLE_B}])
    with (folder / "lines.jsonl").open("a") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"title": "no text"}) + "\n")
    (folder / "good2.md").write_text("# Good two\n" + ARTICLE_C)

    report = ingest(library, [folder, tmp_path / "missing.txt"])
    assert report.added == 3
    failed = {(Path(i.origin).name, i.line) for i in report.items if i.status == "failed"}
    assert failed == {
        ("broken.pdf", None), ("binary.txt", None), ("lines.jsonl", 2), ("lines.jsonl", 3),
        ("missing.txt", None),
    }  # fmt: skip
    reasons = {Path(i.origin).name: i.reason for i in report.items if i.status == "failed"}
    assert "PDF" in reasons["broken.pdf"] and "binary" in reasons["binary.txt"]
    assert not report.ok
    check_consistent(library)


def test_delete_removes_passages(library: Library, tmp_path: Path) -> None:
    rows = [{"title": "A", "text": ARTICLE_A}, {"title": "C", "text": ARTICLE_C}]
    ingest(library, [write_jsonl(tmp_path / "x.jsonl", rows)])
    target = next(a for a in library.catalog.list_articles() if a.title == "C")
    assert library.delete(target.id)
    assert not library.delete(target.id)
    assert all(h.article_id != target.id for h in search(library, "interest rate", k=5))
    assert library.lexical("central bank interest rate inflation", 5) == []
    check_consistent(library)


def test_embedding_model_mismatch_is_refused(library: Library, tmp_path: Path) -> None:
    from index import SentenceEmbedder, StoreError

    ingest(library, [write_jsonl(tmp_path / "x.jsonl", [{"title": "A", "text": ARTICLE_A}])])
    with pytest.raises(StoreError, match="NEWSDESK_INDEX__MODEL"):
        Library(
            library.home, SentenceEmbedder(model="/some/other/model"),
            catalog_url=library.catalog_url,
        )  # fmt: skip


def test_summary_is_read_again_after_another_process_writes(
    library: Library, tmp_path: Path
) -> None:
    ingest(library, [write_jsonl(tmp_path / "a.jsonl", [
        {"title": "A", "text": ARTICLE_A, "url": "https://apnews.com/a", "date": "2024-01-05"},
    ])])  # fmt: skip
    first = library.summary()
    assert library.summary() is first  # nothing written: the remembered summary
    assert first.counts["articles"] == 1 and first.outlets == [("apnews.com", 1)]
    writer = Library(library.home, library.embedder, catalog_url=library.catalog_url)
    ingest(writer, [write_jsonl(tmp_path / "b.jsonl", [
        {"title": "B", "text": ARTICLE_B, "url": "https://bbc.co.uk/b", "date": "2024-02-07"},
    ])])  # fmt: skip
    writer.close()
    now = library.summary()
    assert now.counts["articles"] == 2
    assert dict(now.outlets) == {"apnews.com": 1, "bbc.co.uk": 1}
    assert now.date_span == ("2024-01-05", "2024-02-07")


def test_lexical_search_can_leave_out_common_words(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        {"title": "A", "text": ARTICLE_A + " Officials met on Monday."},
        {"title": "B", "text": ARTICLE_B + " Officials met on Monday."},
        {"title": "C", "text": ARTICLE_C + " Officials met on Monday."},
    ]
    ingest(library, [write_jsonl(tmp_path / "c.jsonl", rows)])
    question = "What did officials say about grain imports on Monday?"
    assert library.query_words(question) == ["officials", "grain", "imports", "monday"]
    # "officials" and "monday" are in all three passages: left out above 2
    assert library.query_words(question, max_df=2) == ["grain", "imports"]
    (only,) = library.hits(library.lexical(question, 3, max_df=2))
    assert "grain" in only.text
    assert len(library.lexical(question, 3)) == 3
    # the two rarest words stay even when every word is too common (ties: question order)
    assert library.query_words("officials met on monday", max_df=1) == ["officials", "met"]
    # search with the cut finds it first; reranking scores every word of every candidate
    monkeypatch.setenv("NEWSDESK_RETRIEVAL__LEXICAL_MAX_DF", "2")
    hits = search(library, question, k=3)
    assert hits[0].text == only.text and len(hits) == 3


def test_outlet_and_date_filters(assistant, tmp_path: Path) -> None:
    rows = [
        {"title": "Rates Jan", "text": ARTICLE_C, "url": "https://apnews.com/r1",
         "date": "2024-01-10"},
        {"title": "Rates Feb", "text": ARTICLE_C.replace("5.5", "5.75"),
         "url": "https://reuters.com/r2", "date": "2024-02-10T09:00:00Z"},
        {"title": "Rates undated", "text": ARTICLE_C.replace("5.5", "6"), "url": "https://x.org/r3"},
    ]  # fmt: skip
    assistant.ingest(write_jsonl(tmp_path / "rates.jsonl", rows))
    question = "key interest rate increase"

    def titles(**filters) -> set[str]:
        return {h.title for h in assistant.search(question, k=10, filters=filters)}

    assert titles() == {"Rates Jan", "Rates Feb", "Rates undated"}
    assert titles(outlets=["reuters.com"]) == {"Rates Feb"}
    assert titles(outlets=["reuters.com", "apnews.com"]) == {"Rates Jan", "Rates Feb"}
    assert titles(since="2024-02-01") == {"Rates Feb"}
    assert titles(until="2024-01-31") == {"Rates Jan"}
    assert titles(since="2024-02-10", until="2024-02-10") == {"Rates Feb"}  # whole days
    assert titles(outlets=["apnews.com"], since="2024-02-01") == set()
    answer = assistant.ask(
        "By how much did the central bank raise its rate?", {"since": "2024-02-01"}
    )
    assert answer.citations and {c.title for c in answer.citations} == {"Rates Feb"}
    assert "Filters applied: since 2024-02-01." in answer.text

    from assistant.errors import BadRequest

    with pytest.raises(BadRequest, match="since"):
        assistant.search(question, filters={"since": "2024-03-01", "until": "2024-01-01"})
    with pytest.raises(BadRequest, match="outletz"):
        assistant.search(question, filters={"outletz": ["x"]})
