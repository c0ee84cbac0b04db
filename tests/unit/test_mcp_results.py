"""The MCP edge's pure logic: an answer as sentences with citations, error texts, add reports."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.errors import NotFound, NotIndexed
from assistant.mcpserver.schemas import AddResult, AskResult, CheckedClaim, article_uri
from assistant.mcpserver.server import explain
from assistant.types import Answer, Citation, Claim, Corroboration, Filters
from index.types import IngestReport, ItemResult


def citation(n: int, quote: str, start: int) -> Citation:
    return Citation(
        n=n, quote=quote, start=start, end=start + len(quote), passage=quote,
        passage_id=f"a{n}#0", passage_start=start, passage_end=start + len(quote),
        article_id=f"a{n}", title=f"Article {n}", outlet="apnews.com", score=0.5,
    )  # fmt: skip


def test_extractive_answer_is_one_sentence_per_quote() -> None:
    cited = [citation(1, "The bridge reopened.", 10), citation(1, "Traffic resumed.", 31)]
    answer = Answer(
        question="q", text="t", body="b", abstained=False, citations=cited, engine="extractive"
    )
    result = AskResult.of(answer)
    assert [s.text for s in result.sentences] == ["The bridge reopened.", "Traffic resumed."]
    assert [s.citations for s in result.sentences] == [[cited[0]], [cited[1]]]
    assert result.citations == cited and result.leads == [] and result.answer == "b"


def test_llm_answer_keeps_each_claim_with_the_citations_it_names() -> None:
    cited = [citation(1, "The bridge reopened.", 10), citation(2, "It cost $4m.", 0)]
    claims = [
        Claim(text="The bridge reopened [1].", sources=[1], support="cited"),
        Claim(text="It cost four million [2].", sources=[2], support="matched"),
        Claim(text="Everyone was pleased.", support="none"),
    ]
    answer = Answer(
        question="q", text="t", body="b", abstained=False, citations=cited, claims=claims,
        engine="llm", model="openai:qwen",
    )  # fmt: skip
    sentences = AskResult.of(answer).sentences
    assert [(s.support, [c.n for c in s.citations]) for s in sentences] == [
        ("cited", [1]), ("matched", [2]), ("none", []),
    ]  # fmt: skip


def test_validation_errors_name_the_field_and_the_value() -> None:
    with pytest.raises(ValidationError) as bad_date:
        Filters.model_validate({"since": "2024-13-45"})
    text = explain("search", bad_date.value)
    assert text.startswith("Invalid arguments to search: since:") and "'2024-13-45'" in text
    with pytest.raises(ValidationError) as backwards:
        Filters.model_validate({"since": "2024-03-01", "until": "2024-02-01"})
    assert "since (2024-03-01) is after until (2024-02-01)" in explain("ask", backwards.value)
    assert "Value error" not in explain("ask", backwards.value)


def test_domain_errors_keep_their_hint_and_unexpected_ones_hide_details() -> None:
    assert explain("corroborate", NotFound("article_id: no article.", "List ids.")) == (
        "article_id: no article. List ids."
    )
    assert "add_articles tool" in explain("ask", NotIndexed("Nothing indexed."))
    assert explain("ask", KeyError("/secret/path")) == (
        "Internal error in ask: KeyError. See the server log."
    )


def test_add_result_sums_the_reports_and_links_each_article() -> None:
    objects = IngestReport(items=[ItemResult("article 0", "added", "abc", "Bridge")], passages=2)
    urls = IngestReport(items=[ItemResult("https://x.test/a", "failed", reason="HTTP 404")])
    result = AddResult.of([objects, urls])
    assert (result.ok, result.added, result.failed, result.passages) == (False, 1, 1, 2)
    assert [i.uri for i in result.items] == [article_uri("abc"), None]
    assert result.items[1].reason == "HTTP 404"


def test_checked_claim_spells_out_the_verdict() -> None:
    found = Corroboration(claim="c", article_id="a", independent_outlets=["apnews.com", "bbc"])
    assert CheckedClaim.of(found).verdict == "reported by 2 independent outlets"
