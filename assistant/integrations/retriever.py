"""newsdesk as a LangChain retriever: passages as ``Document``s, from a home or a running server.

``NewsdeskRetriever(home=PATH)`` searches a library on disk through ``Assistant.search``;
``NewsdeskRetriever(url=..., token=...)`` asks a running ``newsdesk serve`` (``POST
/api/search``), with a real async client for ``ainvoke``. Both give the same documents: the
passage text, and as metadata the article's fields, the passage's character offsets in the
article text (``start``, ``end``) and its relevance ``score``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from assistant.errors import (
    AssistantError,
    BadRequest,
    ModelUnavailable,
    NotFound,
    NotIndexed,
    TooLarge,
    Unauthorized,
)
from assistant.question.checks import CheckedFilters, check_filters, check_question
from assistant.service import Assistant
from assistant.types import Filters
from index.types import Hit

_BY_STATUS: dict[int, type[AssistantError]] = {
    400: BadRequest, 401: Unauthorized, 404: NotFound, 409: NotIndexed, 413: TooLarge,
    422: BadRequest, 503: ModelUnavailable,
}  # fmt: skip


def to_document(hit: Hit) -> Document:
    """A passage as a LangChain ``Document`` (``id`` is the passage id)."""
    return Document(
        id=hit.passage_id,
        page_content=hit.text,
        metadata={
            "article_id": hit.article_id,
            "passage_id": hit.passage_id,
            "title": hit.title,
            "url": hit.url,
            "outlet": hit.outlet,
            "outlets": list(hit.outlets),
            "author": hit.author,
            "published_at": hit.published_at,
            "start": hit.start,
            "end": hit.end,
            "score": hit.score,
        },
    )


class NewsdeskRetriever(BaseRetriever):
    """Passages of news articles relevant to a query, best first, as LangChain documents.

    Give exactly one of ``home`` (a library on disk), ``url`` (a running ``newsdesk serve``)
    or ``assistant`` (an ``Assistant`` you already hold).

    Args:
        home: the NEWSDESK_HOME to search.
        url: base URL of a newsdesk server, e.g. ``http://127.0.0.1:7860``.
        token: bearer token for that server (only needed if it requires one for reads).
        k: how many passages to return (1-100); ``invoke(query, k=...)`` overrides it.
        filters: outlets and a publication date window, as ``Filters`` or a dict
            (``{"outlets": [...], "since": "YYYY-MM-DD", "until": "YYYY-MM-DD"}``);
            ``invoke(query, filters=...)`` overrides them.
        timeout: seconds to wait for the server (url mode).

    Example:
        >>> from assistant import NewsdeskRetriever
        >>> retriever = NewsdeskRetriever(home="/tmp/newsdesk-demo", k=3)  # doctest: +SKIP
        >>> docs = retriever.invoke("satellite imagery")  # doctest: +SKIP
        >>> docs[0].metadata["title"], docs[0].metadata["start"]  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    home: Path | None = None
    url: str | None = None
    token: SecretStr | None = None
    assistant: Assistant | None = Field(None, exclude=True)
    k: int = Field(4, ge=1, le=100)
    filters: CheckedFilters = Field(default_factory=Filters)
    timeout: float = 120.0
    _bot: Assistant | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _one_source(self) -> NewsdeskRetriever:
        given = [name for name in ("home", "url", "assistant") if getattr(self, name) is not None]
        if len(given) != 1:
            raise BadRequest(
                f"NewsdeskRetriever needs exactly one of home, url or assistant; got "
                f"{', '.join(given) or 'none'}.",
                "Pass home=PATH for a library on disk or url=... for a running newsdesk serve.",
            )
        if self.url is not None:
            self.url = self.url.rstrip("/")
        self._bot = self.assistant or (Assistant(home=self.home) if self.home else None)
        return self

    def _request(self, query: str, k: int | None, filters: Any) -> tuple[str, int, Filters]:
        query = check_question(query)
        k = self.k if k is None else k
        if not isinstance(k, int) or not 1 <= k <= 100:
            raise BadRequest(f"k must be an integer between 1 and 100, got {k!r}.")
        return query, k, self.filters if filters is None else check_filters(filters)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
    ) -> list[Document]:
        query, k, chosen = self._request(query, k, filters)
        if self._bot is not None:
            try:
                hits = self._bot.search(query, k=k, filters=chosen)
            except NotIndexed as e:
                e.hint = e.hint or "Add some first: newsdesk ingest PATH|URL, or .ingest()."
                raise
            return [to_document(h) for h in hits]
        with httpx.Client(timeout=self.timeout, headers=self._headers()) as client:
            try:
                response = client.post(f"{self.url}/api/search", json=_body(query, k, chosen))
            except httpx.HTTPError as e:
                raise self._unreachable(e) from e
        return self._documents(response)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
    ) -> list[Document]:
        if self._bot is not None:  # the library is local: search in a worker thread
            return await run_in_executor(
                None, self._get_relevant_documents, query,
                run_manager=run_manager.get_sync(), k=k, filters=filters,
            )  # fmt: skip
        query, k, chosen = self._request(query, k, filters)
        async with httpx.AsyncClient(timeout=self.timeout, headers=self._headers()) as client:
            try:
                response = await client.post(f"{self.url}/api/search", json=_body(query, k, chosen))
            except httpx.HTTPError as e:
                raise self._unreachable(e) from e
        return self._documents(response)

    def _headers(self) -> dict[str, str]:
        if self.token is None or not self.token.get_secret_value():
            return {}
        return {"Authorization": f"Bearer {self.token.get_secret_value()}"}

    def _unreachable(self, error: httpx.HTTPError) -> AssistantError:
        return AssistantError(
            f"The newsdesk server at {self.url} did not answer: {type(error).__name__}: {error}",
            "Check that `newsdesk serve` runs there, or pass home=PATH to search a library "
            "on disk.",
            status=503,
        )

    def _documents(self, response: httpx.Response) -> list[Document]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            message = body.get("error") if isinstance(body, dict) else None
            status = response.status_code
            raise _BY_STATUS.get(status, AssistantError)(
                message or f"The newsdesk server at {self.url} answered HTTP {status}.",
                f"(from {self.url}/api/search)",
                status=status,
            )
        return [to_document(Hit.model_validate(h)) for h in body["hits"]]


def _body(query: str, k: int, filters: Filters) -> dict[str, Any]:
    return {"question": query, "k": k, "filters": filters.model_dump(mode="json")}
