"""Values the assistant returns: filters, citations and answers (all JSON-serialisable)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from assistant.language.attribution import Attribution
from index.types import Hit


class Filters(BaseModel):
    """Limits on which articles are searched. Dates are inclusive, by publication date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outlets: tuple[Annotated[str, StringConstraints(max_length=300)], ...] = Field(
        (), max_length=100, description="Only these outlets (e.g. apnews.com); at most 100."
    )
    since: date | None = Field(None, description="Published on or after this date.")
    until: date | None = Field(None, description="Published on or before this date.")
    as_of: date | None = Field(
        None,
        description='Ask as of this date: the question\'s relative times ("this week", '
        '"last month", "recently") count back from it instead of from the newest '
        "article's date. Not a limit: later articles are still searched.",
    )

    @field_validator("outlets", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if isinstance(value, str):
            return (value,)
        return value or ()

    @model_validator(mode="after")
    def _ordered(self) -> Filters:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.outlets or self.since or self.until)

    def describe(self) -> str:
        """A short human description, e.g. ``outlets: cnn.com; since 2024-01-01``."""
        parts = []
        if self.outlets:
            parts.append("outlets: " + ", ".join(self.outlets))
        if self.since:
            parts.append(f"since {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        return "; ".join(parts)


class Evidence(BaseModel):
    """A sentence of another article that bears on a claim."""

    article_id: str
    passage_id: str
    title: str
    outlet: str | None = None
    outlets: list[str] = Field(default_factory=list)
    published_at: str | None = None
    url: str | None = None
    quote: str
    start: int
    end: int
    similarity: float


class Conflict(BaseModel):
    """Evidence that reports the same point differently, and how."""

    evidence: Evidence
    reason: str


class Corroboration(BaseModel):
    """What the other articles say about one claim."""

    claim: str
    article_id: str
    supporting: list[Evidence] = Field(default_factory=list)
    conflicting: list[Conflict] = Field(default_factory=list)
    related: list[Evidence] = Field(
        default_factory=list, description="Other reports on the same topic that take no position."
    )
    independent_outlets: list[str] = Field(default_factory=list)
    copies: list[str] = Field(default_factory=list, description="Articles set aside as copies.")

    @property
    def verdict(self) -> str:
        """``reported by N independent outlets`` or ``single source``."""
        n = len(self.independent_outlets)
        return f"reported by {n} independent outlet{'s' * (n != 1)}" if n else "single source"


class Citation(BaseModel):
    """One quoted sentence and the passage and article it comes from.

    ``n`` is the number of the source in the answer (``[n]``); several quotes from one passage
    share it. ``start``/``end`` are character offsets of ``quote`` in the article text.
    """

    n: int
    quote: str
    start: int
    end: int
    passage: str
    passage_id: str
    passage_start: int
    passage_end: int
    article_id: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published_at: str | None = None
    score: float = Field(description="Relevance of the quoted sentence to the question.")
    attribution: Attribution | None = Field(
        None, description="Whose claim the quote is, whether anonymous, and its hedges."
    )
    corroboration: Corroboration | None = Field(
        None, description="Other articles supporting or contradicting the quote (research=True)."
    )


class Source(BaseModel):
    """A numbered entry of an answer's source list."""

    n: int
    article_id: str
    passage_id: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published_at: str | None = None

    def line(self) -> str:
        """``[n] Title — outlet, date — url``."""
        meta = ", ".join(x for x in (self.outlet or "unknown outlet", self.published_at) if x)
        text = f"[{self.n}] {self.title} — {meta}"
        return f"{text} — {self.url}" if self.url else text


class Claim(BaseModel):
    """One sentence of a written (LLM) answer and the sources that back it.

    ``support`` says how: ``cited`` (the model cited valid sources), ``matched`` (no valid
    citation, but the sentence repeats the words of a source sentence, which we checked), or
    ``none`` (unsupported: show it as unverified).
    """

    text: str
    sources: list[int] = Field(default_factory=list)
    support: Literal["cited", "matched", "none"] = "none"

    @property
    def supported(self) -> bool:
        """Whether some source backs the sentence."""
        return self.support != "none"


class Turn(BaseModel):
    """One message of a conversation, for follow-up questions."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    text: str


class Answer(BaseModel):
    """An answer with its citations, or a refusal (``abstained``) with leads to read instead."""

    question: str
    text: str = Field(description="The answer with [n] markers, followed by the source list.")
    body: str = Field(description="The answer sentences with [n] markers, without sources.")
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    hits: list[Hit] = Field(
        default_factory=list, description="The passages retrieved; the leads when abstaining."
    )
    filters: Filters = Field(default_factory=Filters)
    engine: str = "extractive"
    confidence: float = Field(0.0, description="Relevance of the best sentence found.")
    choices: list[str] = Field(default_factory=list, description="The choices, if any were given.")
    choice: int | None = Field(None, description="Index of the chosen choice, or None.")
    model: str | None = Field(None, description="The chat model that wrote it (llm engine).")
    claims: list[Claim] = Field(
        default_factory=list, description="llm engine: each sentence and whether a source backs it."
    )
    invalid_citations: int = Field(
        0, description="llm engine: markers that pointed to no source and were removed."
    )
    standalone_question: str | None = Field(
        None, description="The follow-up question rewritten to stand alone, when it was."
    )
    notes: list[str] = Field(
        default_factory=list, description="What the assistant read from the question (filters)."
    )

    @property
    def choice_text(self) -> str | None:
        """The chosen choice's text."""
        return None if self.choice is None else self.choices[self.choice]
