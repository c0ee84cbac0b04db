"""Pure logic of retrieval: fusion, key terms, diversity, copies (no model)."""

from __future__ import annotations

from assistant.retrieve import _collapse_copies, _diversify, fuse
from index.lexical import or_query, words
from index.types import Hit, Match


def hit(pid: str, article: str, text: str = "x") -> Hit:
    return Hit(
        passage_id=pid, article_id=article, n=0, text=text, start=0, end=len(text),
        sentences=((0, len(text)),), score=0.0, title="t",
    )  # fmt: skip


def test_rrf_rewards_agreement_between_retrievers() -> None:
    dense = [Match("a", "A", 0.9), Match("b", "B", 0.8), Match("c", "C", 0.7)]
    lexical = [Match("c", "C", 12.0), Match("d", "D", 9.0)]
    fused = fuse([dense, lexical], rrf_k=60)
    assert fused[0].match.passage_id == "c"  # ranked by both lists
    c = next(x for x in fused if x.match.passage_id == "c")
    assert (c.dense, c.lexical) == (0.7, 12.0)
    assert abs(c.fused - (1 / 63 + 1 / 61)) < 1e-12
    d = next(x for x in fused if x.match.passage_id == "d")
    assert d.dense is None and d.lexical == 9.0


def test_diversify_caps_passages_per_article() -> None:
    hits = [hit("a1", "A"), hit("a2", "A"), hit("a3", "A"), hit("b1", "B"), hit("a4", "A")]
    assert [h.passage_id for h in _diversify(hits, 2)] == ["a1", "a2", "b1", "a3", "a4"]


def test_near_identical_copies_collapse() -> None:
    hits = [hit("a", "A", "Same  Text here."), hit("b", "B", "same text here."), hit("c", "C", "X")]
    assert [h.passage_id for h in _collapse_copies(hits)] == ["a", "c"]


def fts_query(question: str) -> str | None:
    return or_query(words(question))


def test_fts_query_quotes_content_words() -> None:
    assert fts_query("Where are the troops retreating?") == '"troops" OR "retreating"'
    assert fts_query("What is the?") is None
    assert fts_query('Say "hi" to O\'Brien') == '"hi" OR "o\'brien"'
    assert words("Kyiv’s 2024 budget") == ["kyiv", "2024", "budget"]
