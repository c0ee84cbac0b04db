"""What the MCP tools take and return, as pydantic models.

The SDK turns them into each tool's input schema, output schema and structured content.

Answers, citations, sources, filters, hits, timelines and corroborations are the types the rest
of newsdesk returns (``assistant.types``, ``index.types``); this module adds only what an agent
needs on top: the answer as sentences with their citations, a page of articles, an add report.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.question.checks import MAX_QUESTION_CHARS, MAX_URLS_PER_REQUEST
from assistant.types import Answer, Citation, Conflict, Corroboration, Evidence, Filters, Source
from index.limits import MAX_ARTICLE_CHARS, MAX_ARTICLES_PER_REQUEST
from index.types import Article, Hit, IngestReport, Status

ARTICLE_URI = "newsdesk://articles/{article_id}"

Question = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_QUESTION_CHARS),
    Field(description="The question, in plain words."),
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=4000)]
MAX_URLS = MAX_URLS_PER_REQUEST
MAX_ARTICLES = MAX_ARTICLES_PER_REQUEST


def article_uri(article_id: str) -> str:
    """The MCP resource URI of an article, e.g. ``newsdesk://articles/dc05bc534f4428f1``."""
    return ARTICLE_URI.format(article_id=article_id)


class AnswerSentence(BaseModel):
    """One sentence of the answer and the citations that back it."""

    text: str = Field(description="The sentence (with the extractive engine: the quote itself).")
    support: Literal["cited", "matched", "none"] = Field(
        description="cited: backed by its citations; matched: no valid citation, but it repeats "
        "a source sentence's words; none: unsupported, treat it as unverified."
    )
    citations: list[Citation] = Field(default_factory=list)


class AskResult(BaseModel):
    """An answer whose every sentence carries its citations, or a refusal with leads."""

    question: str
    answer: str = Field(description="The answer with [n] markers, without the source list.")
    text: str = Field(description="The answer as a person reads it: [n] markers and sources.")
    abstained: bool = Field(description="True when the articles do not answer the question.")
    sentences: list[AnswerSentence] = Field(default_factory=list)
    citations: list[Citation] = Field(
        default_factory=list, description="Every citation, in answer order (as POST /api/ask)."
    )
    sources: list[Source] = Field(default_factory=list)
    leads: list[Hit] = Field(
        default_factory=list, description="When abstaining: the closest passages, to read instead."
    )
    filters: Filters = Field(description="The filters applied (given, or read from the question).")
    engine: str
    model: str | None = None
    confidence: float
    standalone_question: str | None = None
    notes: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer) -> AskResult:
        """The tool's view of an ``Answer``."""
        if answer.claims:  # the llm engine: its sentences and the sources each one cites
            sentences = [
                AnswerSentence(
                    text=claim.text,
                    support=claim.support,
                    citations=[c for c in answer.citations if c.n in claim.sources],
                )
                for claim in answer.claims
            ]
        else:  # the extractive engine quotes: one sentence per citation
            sentences = [
                AnswerSentence(text=c.quote, support="cited", citations=[c])
                for c in answer.citations
            ]
        return cls(
            question=answer.question, answer=answer.body, text=answer.text,
            abstained=answer.abstained, sentences=sentences, citations=answer.citations,
            sources=answer.sources, leads=answer.hits[:3] if answer.abstained else [],
            filters=answer.filters, engine=answer.engine, model=answer.model,
            confidence=answer.confidence, standalone_question=answer.standalone_question,
            notes=answer.notes,
        )  # fmt: skip


class SearchResult(BaseModel):
    """The passages most relevant to a question, best first."""

    question: str
    filters: Filters
    hits: list[Hit]


class CheckedClaim(BaseModel):
    """What the other articles say about a claim (``Corroboration``), with its verdict."""

    claim: str
    article_id: str = Field(description="The article the claim comes from.")
    verdict: str = Field(description='"reported by N independent outlets" or "single source".')
    independent_outlets: list[str] = Field(default_factory=list)
    supporting: list[Evidence] = Field(default_factory=list)
    conflicting: list[Conflict] = Field(default_factory=list)
    related: list[Evidence] = Field(
        default_factory=list, description="Other reports on the same topic that take no position."
    )
    copies: list[str] = Field(default_factory=list, description="Articles set aside as copies.")

    @classmethod
    def of(cls, found: Corroboration) -> CheckedClaim:
        """The corroboration with its verdict spelled out."""
        return cls(**found.model_dump(), verdict=found.verdict)


class ArticleSummary(BaseModel):
    """An article without its text; read the text at ``uri``."""

    id: str
    uri: str = Field(description="The article as an MCP resource (text and metadata, JSON).")
    title: str
    url: str | None = None
    outlet: str | None = None
    outlets: list[str] = Field(default_factory=list, description="Every outlet that carried it.")
    author: str | None = None
    published_at: str | None = None
    ingested_at: str
    passages: int

    @classmethod
    def of(cls, article: Article) -> ArticleSummary:
        """The summary of a stored article."""
        fields = article.model_dump(exclude={"text", "sources"})
        return cls(**fields, uri=article_uri(article.id), outlets=article.outlets)


class ArticlePage(BaseModel):
    """A page of the library, most recently added first."""

    total: int = Field(description="Articles in the library.")
    offset: int
    articles: list[ArticleSummary]


class ArticleIn(BaseModel):
    """An article to add. Only ``text`` is required."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)
    outlet: str | None = Field(None, max_length=300, description="e.g. apnews.com")
    author: str | None = Field(None, max_length=1000)
    published_at: str | None = Field(None, max_length=100, description="YYYY-MM-DD or ISO 8601.")


class AddedItem(BaseModel):
    """What happened to one article or input."""

    origin: str = Field(description="The URL, or 'article N' for the N-th article object.")
    status: Status
    article_id: str | None = None
    uri: str | None = None
    title: str | None = None
    reason: str | None = Field(None, description="Why it failed, when it did.")


class AddResult(BaseModel):
    """Counts of each outcome, and one item per article or input."""

    ok: bool = Field(description="True when nothing failed.")
    added: int
    updated: int
    unchanged: int
    duplicates: int
    failed: int
    passages: int = Field(description="Passages embedded.")
    items: list[AddedItem]

    @classmethod
    def of(cls, reports: list[IngestReport]) -> AddResult:
        """One result for the reports of the article objects and of the URLs."""
        items = [item for report in reports for item in report.items]
        counts = {s: sum(r.count(s) for r in reports) for s in ("added", "updated", "unchanged")}
        return cls(
            ok=all(r.ok for r in reports),
            **counts,
            duplicates=sum(r.duplicates for r in reports),
            failed=sum(r.failed for r in reports),
            passages=sum(r.passages for r in reports),
            items=[
                AddedItem(
                    origin=i.origin, status=i.status, article_id=i.article_id, title=i.title,
                    reason=i.reason, uri=article_uri(i.article_id) if i.article_id else None,
                )
                for i in items
            ],
        )  # fmt: skip
