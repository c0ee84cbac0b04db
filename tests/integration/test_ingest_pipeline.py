"""Ingest at the speed of the model: no passage embedded twice, writes overlapped (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import Library, StoreError, ingest
from index.ingest import add_items
from index.types import ParsedArticle
from tests.integration.test_ingest import check_consistent, search, stored_passages, write_jsonl

pytestmark = pytest.mark.slow

PARAGRAPHS = [
    f"Paragraph {n}: the city council of Riverton met on day {n} of the budget talks. "
    f"Councillor {name} said the plan for district {n} would need {n * 3} more buses. "
    "The mayor's office declined to comment on the figures before the final vote."
    for n, name in enumerate(["Adams", "Baker", "Clarke", "Dunn", "Evans", "Fox"], 1)
]


def _article(text: str, url: str) -> ParsedArticle:
    return ParsedArticle(origin=url, key=url, url=url, title="Riverton budget", text=text)


class CountingEmbedder:
    """The real embedder, recording every text it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.inner.encode(texts)


@pytest.fixture
def counting(library: Library) -> CountingEmbedder:
    counter = CountingEmbedder(library.embedder)
    library.embedder = counter  # type: ignore[assignment]
    return counter


def test_update_embeds_only_the_changed_passages(
    library: Library, counting: CountingEmbedder
) -> None:
    url = "https://riverton.example/budget"
    first = add_items(library, [_article("\n\n".join(PARAGRAPHS), url)], _report(), max_tokens=40)
    old_id = library.catalog.article_for_key(url)
    old = {p.text: p.id for p in stored_passages(library.catalog, old_id, "\n\n".join(PARAGRAPHS))}
    old_vectors = library.store.vectors(list(old.values()))
    assert first.passages == len(old) >= 4
    counting.texts.clear()

    revised = [*PARAGRAPHS[:-1], PARAGRAPHS[-1].replace("declined", "refused")]
    report = add_items(library, [_article("\n\n".join(revised), url)], _report(), max_tokens=40)

    assert report.updated == 1
    new_id = library.catalog.article_for_key(url)
    new = stored_passages(library.catalog, new_id, "\n\n".join(revised))
    changed = [p for p in new if p.text not in old]
    assert 1 <= len(changed) < len(new)
    assert sorted(counting.texts) == sorted(p.text for p in changed)
    assert report.passages == len(changed)
    # the unchanged passages carry their old vectors under their new ids
    stored = library.store.vectors([p.id for p in new])
    for p in new:
        if p.text in old:
            np.testing.assert_allclose(stored[p.id], old_vectors[old[p.text]], atol=1e-6)
    check_consistent(library)


def test_identical_passages_in_one_batch_are_embedded_once(
    library: Library, counting: CountingEmbedder
) -> None:
    shared = "\n\n".join(PARAGRAPHS[:4])
    items = [
        _article(
            shared + "\n\nThe vote is on Friday, officials said at noon.", "https://a.example/1"
        ),
        _article(
            shared + "\n\nThe vote was postponed to March, officials said.", "https://b.example/2"
        ),
    ]
    report = add_items(library, items, _report(), max_tokens=40)
    stored = library.catalog.counts()["passages"]
    assert report.added == 2
    assert len(counting.texts) == len(set(counting.texts)) == report.passages < stored
    check_consistent(library)


def test_copy_in_a_later_batch_of_the_same_run_is_a_duplicate(
    library: Library, tmp_path: Path
) -> None:
    # batch_passages=1: every article is its own batch, written while the next is embedded
    rows = [
        {"title": "One", "text": PARAGRAPHS[0], "url": "https://a.example/one"},
        {"title": "Two", "text": PARAGRAPHS[1], "url": "https://a.example/two"},
        {"title": "One again", "text": PARAGRAPHS[0], "url": "https://b.example/one"},
    ]
    report = ingest(library, [write_jsonl(tmp_path / "r.jsonl", rows)], batch_passages=1)
    assert (report.added, report.duplicates, report.failed) == (2, 1, 0)
    (one,) = [a for a in library.catalog.list_articles() if a.title == "One"]
    assert one.outlets == ["a.example", "b.example"]
    assert search(library, "budget talks", k=5, outlets=["b.example"])
    check_consistent(library)


def test_a_failed_store_write_is_raised_and_nothing_is_committed(library: Library) -> None:
    def broken(*args, **kwargs):
        raise StoreError("disk full")

    library.store.add = broken  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk full"):
        add_items(library, [_article(PARAGRAPHS[0], "https://a.example/x")], _report())
    assert library.catalog.counts()["articles"] == 0
    assert library.catalog.pending()  # the next write lock's recovery removes any stray vectors


def _report():
    from index import IngestReport

    return IngestReport()


def test_a_passage_another_stored_article_holds_is_not_embedded_again(
    library: Library, counting: CountingEmbedder
) -> None:
    shared = "\n\n".join(PARAGRAPHS[:4])
    first = _article(shared + "\n\nThe vote is on Friday, officials said.", "https://a.example/1")
    add_items(library, [first], _report(), max_tokens=40)
    counting.texts.clear()
    # another outlet's edit of the same wire story: other text, so another article
    second = _article(shared + "\n\nThe vote was postponed, a spokesman said.", "https://b.example")
    report = add_items(library, [second], _report(), max_tokens=40)
    assert report.added == 1
    held = {p.text for p in stored_passages(library.catalog, library.catalog.article_for_key(
        "https://a.example/1") or "", first.text)}  # fmt: skip
    new = stored_passages(library.catalog, library.catalog.article_for_key("https://b.example")
                          or "", second.text)  # fmt: skip
    fresh = [p.text for p in new if p.text not in held]
    assert 1 <= len(fresh) < len(new)
    assert counting.texts == fresh and report.passages == len(fresh)
    # the shared passages of the second article carry the first one's vectors
    stored = library.store.vectors([p.id for p in new])
    firsts = {
        p.text: p.id
        for p in stored_passages(
            library.catalog,
            library.catalog.article_for_key("https://a.example/1") or "",
            first.text,
        )
    }
    old = library.store.vectors(list(firsts.values()))
    for p in new:
        if p.text in firsts:
            np.testing.assert_allclose(stored[p.id], old[firsts[p.text]], atol=1e-6)
    check_consistent(library)
