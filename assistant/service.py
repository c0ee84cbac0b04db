"""The Assistant: newsdesk's Python API, and what the CLI, HTTP API and UI call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from assistant.conversations import ConversationStore
from assistant.corroborate import corroborate
from assistant.errors import (
    AssistantError,
    BadRequest,
    Busy,
    NotFound,
    NotIndexed,
    StillAdding,
    TooLarge,
)
from assistant.history import check_history
from assistant.llm import build_chat_model, describe
from assistant.respond import Request, respond, understand
from assistant.retrieve import retrieve
from assistant.settings import Settings, get_settings
from assistant.timeline import Timeline, build_timeline
from assistant.types import Answer, Corroboration, Filters, Turn
from assistant.uploads import AddTracker, clean_stale_uploads, upload_folder, uploaded_items
from index import IngestReport, Library, LockedError, SentenceEmbedder, StoreError, ingest
from index.backup import read_export, write_export
from index.errors import TooManyArticles
from index.fetch import is_url
from index.ingest import add_items
from index.limits import MAX_ARTICLE_CHARS, MAX_ARTICLES_PER_REQUEST
from index.readers import read_object
from index.types import Article, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MAX_QUESTION_CHARS = 2000
MAX_URLS_PER_REQUEST = 100
__all__ = ["MAX_ARTICLES_PER_REQUEST", "MAX_ARTICLE_CHARS", "Assistant", "Stats"]


class Stats(BaseModel):
    """What the library holds."""

    home: str
    store: str
    articles: int
    passages: int
    sources: int
    outlets: int
    first_published: str | None
    last_published: str | None
    model: str
    engine: str
    llm: str | None


@contextmanager
def _translated() -> Iterator[None]:
    """Turn index errors into assistant errors with a status and a hint."""
    try:
        yield
    except LockedError as e:
        raise Busy(str(e)) from e
    except TooManyArticles as e:
        raise TooLarge(str(e)) from e
    except StoreError as e:
        raise AssistantError(str(e), status=503) from e


class Assistant:
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
        with _translated():
            ix = self.settings.index
            library = Library(
                self.settings.home, self.embedder, self.settings.chroma_url, ix.collection,
                catalog_url.get_secret_value() if catalog_url else None, ix.catalog_pool,
            )  # fmt: skip
            library.lock_wait = ix.lock_wait
            return library

    def open(self) -> None:
        """Open the library and repair what a dead writer left (servers: before listening)."""
        with _translated():
            self.library.repair()

    def ingest(
        self,
        paths_or_urls: Iterable[str | Path] | str | Path,
        progress: Callable[[str, int], None] | None = None,
        max_articles: int | None = None,
    ) -> IngestReport:
        """Add files, folders, globs, URLs or feeds. Bad inputs are reported, not raised.

        ``max_articles``: refuse (TooLarge) inputs holding more articles than this, storing none.
        """
        if isinstance(paths_or_urls, str | Path):
            paths_or_urls = [paths_or_urls]
        with _translated(), self._adds.running():
            return ingest(
                self.library, list(paths_or_urls), progress, *self._chunking(),
                self.settings.index.allow_private_urls, max_articles,
            )  # fmt: skip

    def add_urls(
        self, urls: Sequence[str], progress: Callable[[str, int], None] | None = None
    ) -> IngestReport:
        """Fetch and add web pages, PDFs or feeds: only http(s) URLs, never a server-side path.

        What a remote user may ask the server to read (the API's URL route, the UI's URL box).
        """
        if len(urls) > MAX_URLS_PER_REQUEST:
            raise TooLarge(f"{len(urls)} URLs in one request; the limit is {MAX_URLS_PER_REQUEST}.")
        for i, url in enumerate(urls):
            if not isinstance(url, str) or not is_url(url.strip()):
                raise BadRequest(
                    f"urls[{i}] is not an http:// or https:// URL: {str(url)[:80]!r}.",
                    "Give web addresses only; to add files, upload them.",
                    status=422,
                )
        return self.ingest([u.strip() for u in urls], progress, MAX_ARTICLES_PER_REQUEST)

    def _chunking(self) -> tuple[int, int, int]:
        ix = self.settings.index
        return ix.passage_tokens, ix.overlap_sentences, ix.ingest_batch

    def add_articles(
        self,
        articles: Sequence[dict[str, Any]],
        progress: Callable[[str, int], None] | None = None,
    ) -> IngestReport:
        """Add articles given as objects (``text``, and optionally more).

        Fields: ``text`` plus optional ``title``, ``url``, ``outlet``, ``author``,
        ``published_at``; the other field names of JSON dumps are accepted too.
        """
        items = [read_object(a, f"article {i}") for i, a in enumerate(articles)]
        with _translated(), self._adds.running():
            return add_items(
                self.library, items, IngestReport(), progress, *self._chunking(),
                MAX_ARTICLES_PER_REQUEST,
            )  # fmt: skip

    def add_files(
        self,
        files: Sequence[tuple[str, bytes]],
        progress: Callable[[str, int], None] | None = None,
    ) -> IngestReport:
        """Add uploaded files, given as (file name, content); any supported format.

        The files are written to a folder of their own under ``home/uploads`` that is removed
        afterwards (and at the next start of a server, if the process was killed meanwhile).
        Articles and messages keep the names the user knows (source ``upload:<file name>``),
        never the temporary paths, so uploading the same file again is ``unchanged``.
        """
        started = time.perf_counter()
        report = IngestReport()
        if progress:
            progress("inputs_total", len(files))
        with upload_folder(self.settings.home, files) as paths, self._adds.running():
            items = uploaded_items(files, paths, progress)
            with _translated():
                add_items(
                    self.library, items, report, progress, *self._chunking(),
                    MAX_ARTICLES_PER_REQUEST,
                )  # fmt: skip
        report.seconds = time.perf_counter() - started
        return report

    def clean_uploads(self) -> list[Path]:
        """Remove upload folders left by processes that no longer run (e.g. after kill -9)."""
        return clean_stale_uploads(self.settings.home)

    def export(self, out: IO[str]) -> int:
        """Write every article with its metadata and sources as JSON lines; returns the count."""
        return write_export(self.library.catalog, out)

    def restore(
        self, path: str | Path, progress: Callable[[str, int], None] | None = None
    ) -> IngestReport:
        """Add the articles of an export (``newsdesk export``), sources and ingest times kept."""
        source = Path(path).expanduser()
        if not source.is_file():
            raise NotFound(f"No export file at {source}.")
        with _translated():
            return add_items(
                self.library, read_export(source), IngestReport(), progress, *self._chunking()
            )

    def search(
        self, question: str, k: int | None = None, filters: Filters | dict[str, Any] | None = None
    ) -> list[Hit]:
        """The passages most relevant to ``question``, best first."""
        question = self._check_question(question)
        k = self.settings.retrieval.k if k is None else k
        if not 1 <= k <= 100:
            raise BadRequest(f"k must be between 1 and 100, got {k}")
        with _translated():
            self._require_articles()
            query = understand(question, question, None, self.library)
            return retrieve(
                self.library,
                query.search_text(),
                k,
                self._filters(filters),
                self.settings.retrieval,
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
            question=self._check_question(question),
            filters=self._filters(filters),
            choices=tuple(self._check_choices(choices)),
            history=tuple(check_history(history)),
            engine=self._check_engine(engine),
            abstain=abstain,
        )
        with _translated():
            self._require_articles()
            for item in respond(request, self.library, self.settings, lambda: self.chat_model):
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
        claim = self._check_question(claim)
        with _translated():
            return corroborate(self.library, claim, article_id, self.settings.retrieval)

    def timeline(
        self, topic: str, filters: Filters | dict[str, Any] | None = None, k: int = 30
    ) -> Timeline:
        """Passages about ``topic`` ordered by event date (when stated) and publication date."""
        topic = self._check_question(topic)
        if not 1 <= k <= 100:
            raise BadRequest(f"k must be between 1 and 100, got {k}")
        with _translated():
            self._require_articles()
            return build_timeline(
                self.library, topic, self._filters(filters), self.settings.retrieval, k
            )

    def articles(
        self, limit: int | None = None, offset: int = 0, title: str | None = None
    ) -> list[Article]:
        """Indexed articles, most recently ingested first; ``title``: words the title contains."""
        with _translated():
            return self.library.catalog.list_articles(limit, offset, title)

    def article(self, article_id: str) -> Article:
        """One article with its full text and sources."""
        with _translated():
            found = self.library.catalog.get_article(article_id)
        if found is None:
            raise NotFound(
                f"No article with id {article_id!r}.", "List ids with `newsdesk articles`."
            )
        return found

    def delete(self, article_id: str) -> None:
        """Remove an article and its passages from the index."""
        with _translated():
            if not self.library.delete(article_id):
                raise NotFound(f"No article with id {article_id!r}.")

    def outlets(self) -> list[tuple[str, int]]:
        """Each indexed outlet with its number of articles."""
        with _translated():
            return self.library.catalog.outlets()

    def stats(self) -> Stats:
        """Counts of articles, passages and outlets, and the publication date span."""
        with _translated():
            counts = self.library.catalog.counts()
            first, last = self.library.catalog.date_span()
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
        if self.library.catalog.counts()["articles"] == 0:
            if self.adding:
                raise StillAdding(
                    "No article is searchable yet: articles are being added right now.",
                    "Ask again when adding finishes.",
                )
            # No hint here: each edge says how to add articles in its own terms.
            raise NotIndexed(f"No articles are indexed in {self.settings.home} yet.")

    def _check_engine(self, engine: str | None) -> str:
        engine = engine or self.settings.answer.engine
        if engine not in ("extractive", "llm"):
            raise BadRequest(f"engine must be extractive or llm, got {engine!r}.")
        return engine

    @staticmethod
    def _check_choices(choices: Sequence[str] | None) -> list[str]:
        if choices is None:
            return []
        if len(choices) < 2 or any(not isinstance(c, str) or not c.strip() for c in choices):
            raise BadRequest("choices must hold at least two non-empty strings.")
        return [c.strip() for c in choices]

    @staticmethod
    def _check_question(question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise BadRequest("The question is empty.", "Ask something about the loaded articles.")
        if len(question) > MAX_QUESTION_CHARS:
            raise BadRequest(
                f"The question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}."
            )
        return question.strip()

    @staticmethod
    def _filters(filters: Filters | dict[str, Any] | None) -> Filters:
        if filters is None or isinstance(filters, Filters):
            return filters or Filters()
        try:
            return Filters.model_validate(filters)
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'filters'}: {err['msg']}"
                for err in e.errors()
            )
            raise BadRequest(
                f"Invalid filters: {problems}.",
                "Use outlets (list of names), since and until (YYYY-MM-DD).",
            ) from e
