"""The Assistant: newsdesk's Python API, and what the CLI, HTTP API and UI call."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.adding import Adding
from assistant.conversations import ConversationStore
from assistant.engines.chat import build_chat_model, describe
from assistant.errors import (
    AssistantError,
    BadRequest,
    NotFound,
    NotIndexed,
    StillAdding,
    translated,
)
from assistant.pipeline import Request, respond, understand
from assistant.question.checks import (
    MAX_QUESTION_CHARS,
    check_choices,
    check_engine,
    check_filters,
    check_k,
    check_question,
)
from assistant.question.history import check_history
from assistant.reader.reading import ReadStage, open_reader
from assistant.research.corroborate import corroborate
from assistant.research.timeline import Timeline, build_timeline
from assistant.retrieve import retrieve
from assistant.settings import Settings, get_settings
from assistant.types import Answer, Corroboration, Filters, Turn
from assistant.uploads import AddTracker
from index import Library, SentenceEmbedder
from index.limits import MAX_ARTICLE_CHARS, MAX_ARTICLES_PER_REQUEST
from index.types import Article, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger("newsdesk")

__all__ = [
    "MAX_ARTICLES_PER_REQUEST", "MAX_ARTICLE_CHARS", "MAX_QUESTION_CHARS", "Assistant", "Stats",
]  # fmt: skip


class Stats(BaseModel):
    """What the library holds (and, for its operator, where: ``home`` and ``store``)."""

    home: str | None
    store: str | None
    articles: int
    passages: int
    sources: int
    outlets: int
    first_published: str | None
    last_published: str | None
    model: str
    engine: str
    llm: str | None

    def anonymous(self) -> Stats:
        """These stats without the server's paths and addresses (for anonymous clients)."""
        model = self.model.replace("\\", "/").rsplit("/", 1)[-1]  # a local model: its name
        return self.model_copy(update={"home": None, "store": None, "model": model})


class Assistant(Adding):
    """Load news articles, search them and ask questions answered with cited passages.

    Args:
        home: where the index lives; defaults to ``NEWSDESK_HOME`` or the per-user data dir.
        settings: a ``Settings`` object or a dict of overrides; the environment fills the rest.
        model: a LangChain chat model for the llm engine, used instead of the configured one
            (``NEWSDESK_LLM__*``).

    Example:
        >>> from assistant import Assistant
        >>> bot = Assistant(home="/tmp/newsdesk-doc")  # doctest: +SKIP
        >>> bot.ingest(["articles/"]).summary()  # doctest: +SKIP
        >>> print(bot.ask("Who analysed the satellite imagery?").text)  # doctest: +SKIP
    """

    def __init__(
        self,
        home: str | Path | None = None,
        settings: Settings | dict[str, Any] | None = None,
        model: BaseChatModel | None = None,
    ) -> None:
        self.settings = get_settings(settings)
        self._adds = AddTracker()
        if home is not None:
            self.settings = self.settings.model_copy(update={"home": Path(home).expanduser()})
        self.model = model

    @cached_property
    def embedder(self) -> SentenceEmbedder:
        """The embedding model (loaded on first use)."""
        ix = self.settings.index
        return SentenceEmbedder(ix.model, ix.device, ix.precision, ix.batch_size)

    @cached_property
    def library(self) -> Library:
        """The catalog and vector store (under ``settings.home``, or the configured servers)."""
        catalog_url = self.settings.catalog_url
        if catalog_url is not None and not self.settings.chroma_url:
            raise AssistantError(
                "NEWSDESK_CATALOG_URL is set but NEWSDESK_CHROMA_URL is not: a shared catalog "
                "needs shared vectors. Set NEWSDESK_CHROMA_URL to a Chroma server.", status=503,
            )  # fmt: skip
        with translated():
            ix = self.settings.index
            library = Library(
                self.settings.home, self.embedder, self.settings.chroma_url, ix.collection,
                catalog_url.get_secret_value() if catalog_url else None, ix.catalog_pool,
            )  # fmt: skip
            library.lock_wait = ix.lock_wait
            return library

    @cached_property
    def reader(self) -> ReadStage | None:
        """The reader (``settings.reader``), its weights checked; None when it is off.

        Raises ``ReaderUnavailable`` naming the file and the fix when the weights are missing
        or corrupt, unless ``reader.if_missing`` is ``fallback`` (then it logs and is None).
        """
        return open_reader(self.settings.reader, lambda message: logger.warning(message))

    def open(self) -> None:
        """Open the library, repair what a dead writer left and load the reader (servers)."""
        with translated():
            self.library.repair()
        if self.reader is not None and self.reader.active:  # loaded now, not at the first ask
            self.reader.reader.model.load()

    def search(
        self, question: str, k: int | None = None, filters: Filters | dict[str, Any] | None = None
    ) -> list[Hit]:
        """The passages most relevant to ``question``, best first."""
        question = check_question(question)
        k = check_k(self.settings.retrieval.k if k is None else k)
        with translated():
            self._require_articles()
            query = understand(question, question, None, self.library)
            return retrieve(
                self.library,
                query.search_text(),
                k,
                check_filters(filters),
                self.settings.retrieval,
                reader=self.reader,
            )

    @cached_property
    def chat_model(self) -> BaseChatModel:
        """The chat model given, else the configured one (ModelUnavailable when there is none)."""
        return self.model if self.model is not None else build_chat_model(self.settings.llm)

    def ask(
        self,
        question: str,
        filters: Filters | dict[str, Any] | None = None,
        choices: list[str] | None = None,
        history: Sequence[Turn | dict[str, str]] | None = None,
        engine: str | None = None,
        abstain: bool = True,
        research: bool = False,
    ) -> Answer:
        """Answer ``question`` from the indexed articles, citing the sentences it rests on.

        Args:
            question: the question.
            filters: outlets and a publication date window to search within.
            choices: for a multiple-choice question, the candidate answers; the answer is the
                one the evidence supports best (``Answer.choice``), or a refusal.
            history: earlier turns of the conversation, oldest first, so that a follow-up
                ("and what about Bakhmut?") is understood.
            engine: ``extractive`` or ``llm``; defaults to ``settings.answer.engine``.
            abstain: set False to always answer; ``Answer.confidence`` still says how well
                the evidence fits (used to calibrate the refusal thresholds).
            research: also check each quote against the other articles: supporting passages,
                independent outlets and conflicts (``Citation.corroboration``).
        """
        answer = None
        for item in self.stream(question, filters, choices, history, engine, abstain, research):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        filters: Filters | dict[str, Any] | None = None,
        choices: list[str] | None = None,
        history: Sequence[Turn | dict[str, str]] | None = None,
        engine: str | None = None,
        abstain: bool = True,
        research: bool = False,
    ) -> Iterator[str | Answer]:
        """Like ``ask``, but yields the answer text as it is written, then the ``Answer``."""
        request = Request(
            question=check_question(question),
            filters=check_filters(filters),
            choices=tuple(check_choices(choices)),
            history=tuple(check_history(history)),
            engine=check_engine(engine, self.settings.answer.engine),
            abstain=abstain,
        )
        with translated():
            self._require_articles()
            reader = self.reader
            chat = lambda: self.chat_model  # noqa: E731
            for item in respond(request, self.library, self.settings, chat, reader):
                if isinstance(item, Answer) and research:
                    item = self._research(item)
                yield item

    def _research(self, answer: Answer) -> Answer:
        checked = [
            c.model_copy(
                update={
                    "corroboration": corroborate(
                        self.library, c.quote, c.article_id, self.settings.retrieval
                    )
                }
            )
            for c in answer.citations
        ]
        return answer.model_copy(update={"citations": checked})

    def corroborate(
        self, article_id: str, start: int | None = None, end: int | None = None,
        claim: str | None = None,
    ) -> Corroboration:  # fmt: skip
        """What other articles say about a claim: support, independent outlets, conflicts.

        The claim is the span ``start:end`` of the article, or the text ``claim``.
        """
        article = self.article(article_id)
        if claim is None:
            if start is None or end is None or not 0 <= start < end <= len(article.text):
                raise BadRequest(
                    "Give the claim's span (start < end, within the article) or its text."
                )
            claim = article.text[start:end]
        claim = check_question(claim)
        with translated():
            return corroborate(self.library, claim, article_id, self.settings.retrieval)

    def timeline(
        self, topic: str, filters: Filters | dict[str, Any] | None = None, k: int = 30
    ) -> Timeline:
        """Passages about ``topic`` ordered by event date (when stated) and publication date."""
        topic, k = check_question(topic), check_k(k)
        with translated():
            self._require_articles()
            return build_timeline(
                self.library, topic, check_filters(filters), self.settings.retrieval, k
            )

    def articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Indexed articles, most recently ingested first; ``title``: words the title contains."""
        with translated():
            return self.library.catalog.list_articles(limit, offset, title)

    def article(self, article_id: str) -> Article:
        """One article with its full text and sources."""
        with translated():
            found = self.library.catalog.get_article(article_id)
        if found is None:
            raise NotFound(
                f"No article with id {article_id!r}.", "List ids with `newsdesk articles`."
            )
        return found

    def delete(self, article_id: str) -> None:
        """Remove an article and its passages from the index."""
        with translated(f"The article {article_id} was not deleted."):
            if not self.library.delete(article_id):
                raise NotFound(f"No article with id {article_id!r}.")

    def outlets(self) -> list[tuple[str, int]]:
        """Each indexed outlet with its number of articles."""
        with translated():
            return self.library.summary().outlets

    def stats(self) -> Stats:
        """Counts of articles, passages and outlets, and the publication date span."""
        with translated():
            summary = self.library.summary()
        counts = summary.counts
        first, last = summary.date_span
        return Stats(
            home=str(self.settings.home),
            store=self.settings.chroma_url or str(self.settings.home / "chroma"),
            first_published=first,
            last_published=last,
            model=self.settings.index.model,
            engine=self.settings.answer.engine,
            llm=describe(self.settings.llm),
            **counts,
        )

    @property
    def adding(self) -> bool:
        """Whether articles are being added by this process right now."""
        return self._adds.active

    @cached_property
    def conversations(self) -> ConversationStore:
        """The conversations saved under ``settings.home`` (used by the web UI)."""
        return ConversationStore(self.settings.home / "conversations")

    def _require_articles(self) -> None:
        if self.library.summary().counts["articles"] == 0:
            if self.adding:
                raise StillAdding(
                    "No article is searchable yet: articles are being added right now.",
                    "Ask again when adding finishes.",
                )
            # No hint here: each edge says how to add articles in its own terms.
            raise NotIndexed(f"No articles are indexed in {self.settings.home} yet.")
