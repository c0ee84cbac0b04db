"""Request and response bodies of the HTTP API (pydantic; they double as its OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.service import MAX_QUESTION_CHARS
from assistant.types import Filters, Turn
from index.types import Hit

MAX_ARTICLE_CHARS = 2_000_000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchRequest(_Body):
    """A search: the question, how many passages, and optional filters."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(10, ge=1, le=100)
    filters: Filters = Field(default_factory=Filters)


class AskRequest(_Body):
    """A question, with optional conversation, filters, engine and choices."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    history: list[Turn] = Field(default_factory=list, max_length=50)
    filters: Filters = Field(default_factory=Filters)
    engine: Literal["extractive", "llm"] | None = None
    choices: list[str] | None = Field(None, min_length=2, max_length=20)
    research: bool = Field(
        False, description="Check each quote against the other articles (support, conflicts)."
    )


class CorroborateRequest(_Body):
    """A claim to check: a span of an article, or a sentence of it."""

    article_id: str = Field(min_length=1, max_length=64)
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=1)
    claim: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_CHARS)


class TimelineRequest(_Body):
    """A topic to lay out in time."""

    topic: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    filters: Filters = Field(default_factory=Filters)
    k: int = Field(30, ge=1, le=100)


class SearchResponse(BaseModel):
    """The passages found, best first."""

    question: str
    filters: Filters
    hits: list[Hit]


class ArticleSummary(BaseModel):
    """An article without its text."""

    id: str
    title: str
    url: str | None
    outlet: str | None
    outlets: list[str]
    author: str | None
    published_at: str | None
    ingested_at: str
    passages: int


class ArticleIn(_Body):
    """An article to add. Only ``text`` is required."""

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)
    outlet: str | None = Field(None, max_length=300)
    author: str | None = Field(None, max_length=1000)
    published_at: str | None = Field(None, max_length=100, description="ISO 8601 or a date")


class AddArticles(_Body):
    """One or many articles."""

    articles: list[ArticleIn] = Field(min_length=1)


class AddUrls(_Body):
    """Web pages, PDFs or RSS/Atom feeds to fetch and add."""

    urls: list[Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=4000)]] = (
        Field(min_length=1, max_length=100, description="http:// or https:// URLs")
    )


class ChatMessage(BaseModel):
    """An OpenAI chat message; ``content`` may be text or a list of text parts."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, object]] | None = None


class StreamOptions(BaseModel):
    """OpenAI's ``stream_options``."""

    model_config = ConfigDict(extra="allow")

    include_usage: bool = Field(False, description="End the stream with a chunk carrying usage.")


class ChatRequest(BaseModel):
    """An OpenAI chat completion request (other OpenAI fields are accepted and ignored)."""

    model_config = ConfigDict(extra="allow")

    model: str = "newsdesk"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
