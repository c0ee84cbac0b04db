"""NewsdeskRetriever and NewsdeskChain: LangChain's standard tests, on real homes and a real server.

The retriever runs `langchain_tests`' RetrieversIntegrationTests twice: on a seeded home on disk
and against a seeded `newsdesk serve` on 127.0.0.1. The chain has no suite of its own in
langchain-tests; as an agent tool (`NewsdeskChain.as_answer_tool()`) it runs the tool suites.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests, ToolsIntegrationTests
from langchain_tests.unit_tests import ToolsUnitTests

from assistant import Answer, Assistant, AssistantError, NewsdeskChain, NewsdeskRetriever
from assistant.errors import BadRequest, NotIndexed
from tests.conftest import free_port, seeded_home, serve, stop
from tests.integration.test_llm import llm_url  # noqa: F401  (fixture: the real llama-cpp server)

pytestmark = [pytest.mark.slow]

QUERY = "satellite imagery"


@pytest.fixture(scope="module")
def home(tmp_path_factory, embedder, seed_dir: Path) -> Path:
    return seeded_home(tmp_path_factory, embedder, seed_dir, "langchain-home")


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, embedder) -> None:
    """Every Assistant these tests build reuses the session's loaded model."""
    monkeypatch.setattr(Assistant, "embedder", embedder)


class TestRetrieverOnAHome(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _home(self, home: Path) -> None:
        type(self).home = home

    @property
    def retriever_constructor(self) -> type[NewsdeskRetriever]:
        return NewsdeskRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"home": self.home}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


@pytest.mark.server
class TestRetrieverOnAServer(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _server(self, seeded_server: str) -> None:
        type(self).url = seeded_server

    @property
    def retriever_constructor(self) -> type[NewsdeskRetriever]:
        return NewsdeskRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"url": self.url, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def check_documents(docs: list[Document], text_of: dict[str, str]) -> None:
    assert docs and all(isinstance(d, Document) for d in docs)
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)
    for doc in docs:
        meta = doc.metadata
        assert set(meta) >= {
            "article_id",
            "title",
            "url",
            "outlet",
            "published_at",
            "start",
            "end",
            "score",
        }
        assert text_of[meta["article_id"]][meta["start"] : meta["end"]] == doc.page_content
        assert doc.id == meta["passage_id"] and meta["passage_id"].startswith(meta["article_id"])


@pytest.mark.server
def test_documents_carry_article_fields_and_offsets(home: Path, seeded_server: str) -> None:
    bot = Assistant(home=home)
    text_of = {a.id: bot.article(a.id).text for a in bot.articles()}
    local = NewsdeskRetriever(home=home, k=3).invoke(QUERY)
    check_documents(local, text_of)
    assert "satellite imagery" in local[0].page_content
    assert local[0].metadata["title"].startswith("The Russian military")
    remote = NewsdeskRetriever(url=seeded_server, k=3).invoke(QUERY)
    check_documents(remote, text_of)
    # the same library behind a server gives the same passages, offsets and scores
    assert [d.metadata for d in remote] == [d.metadata for d in local]


async def both(retriever: NewsdeskRetriever) -> list[list[Document]]:
    return await asyncio.gather(retriever.ainvoke(QUERY), retriever.ainvoke("Kleban-Byka"))


@pytest.mark.server
def test_filters_and_async(home: Path, seeded_server: str) -> None:
    for source in ({"home": home}, {"url": seeded_server}):
        # the seed article has no outlet and no date: any outlet or date filter excludes it
        assert NewsdeskRetriever(**source, filters={"outlets": ["apnews.com"]}).invoke(QUERY) == []
        retriever = NewsdeskRetriever(**source, k=2)
        assert retriever.invoke(QUERY, filters={"since": "2024-01-01"}) == []
        assert len(retriever.invoke(QUERY, filters={})) == 2

        first, second = asyncio.run(both(retriever))
        assert [d.id for d in first] == [d.id for d in retriever.invoke(QUERY)]
        assert "Kleban-Byka" in second[0].page_content


@pytest.mark.server
def test_clear_errors(home: Path, seeded_server: str, tmp_path: Path) -> None:
    for source in ({"home": home}, {"url": seeded_server}):
        retriever = NewsdeskRetriever(**source)
        with pytest.raises(BadRequest, match="The question is empty") as raised:
            retriever.invoke("   ")
        assert raised.value.hint
        with pytest.raises(BadRequest, match="k must be"):
            retriever.invoke(QUERY, k=0)
        with pytest.raises(BadRequest, match="since"):
            retriever.invoke(QUERY, filters={"since": "yesterday-ish"})
    with pytest.raises(BadRequest, match="exactly one of home, url or assistant"):
        NewsdeskRetriever(home=home, url=seeded_server)
    with pytest.raises(NotIndexed, match="No articles are indexed") as raised:
        NewsdeskRetriever(home=tmp_path / "empty").invoke(QUERY)
    assert "newsdesk ingest" in str(raised.value)
    url, proc = serve(tmp_path / "empty-served", tmp_path / "server.log")
    try:
        with pytest.raises(NotIndexed, match="No articles are indexed") as raised:
            NewsdeskRetriever(url=url).invoke(QUERY)
        assert raised.value.status == 409 and "/api/articles" in str(raised.value)
    finally:
        stop(proc)
    with pytest.raises(AssistantError, match="did not answer") as raised:
        NewsdeskRetriever(url=f"http://127.0.0.1:{free_port()}", timeout=5).invoke(QUERY)
    assert raised.value.status == 503


def test_retriever_in_an_lcel_chain(home: Path) -> None:
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnablePassthrough

    def numbered(docs: list[Document]) -> str:
        return "\n".join(
            f"[{i}] {d.metadata['title'][:30]}: {d.page_content[:60]}"
            for i, d in enumerate(docs, 1)
        )

    prompt = ChatPromptTemplate.from_messages(
        [("human", "Sources:\n{sources}\n\nQuestion: {question}")]
    )
    retriever = NewsdeskRetriever(home=home, k=2)
    rag = {"sources": retriever | numbered, "question": RunnablePassthrough()} | prompt
    value = rag.invoke("Who analysed the satellite imagery?")
    text = value.to_messages()[0].content
    assert text.count("\n[") == 2 and "Question: Who analysed" in text


# --- the answer pipeline as a Runnable ---------------------------------------------------------


def test_chain_extractive_invoke_stream_and_inputs(home: Path) -> None:
    from langchain_core.prompts import ChatPromptTemplate

    chain = NewsdeskChain(home=home)
    answer = chain.invoke("Who analysed the satellite imagery?")
    assert isinstance(answer, Answer) and not answer.abstained and answer.engine == "extractive"
    assert "The New York Times" in answer.citations[0].quote
    parts = list(chain.stream("Who analysed the satellite imagery?"))
    assert all(isinstance(p, str) for p in parts[:-1]) and parts[:-1]
    assert isinstance(parts[-1], Answer) and parts[-1].citations == answer.citations
    follow = chain.invoke(
        [("human", "Where are Ukrainian troops retreating to?"), ("ai", "Toward Konstantinovka [1]."),
         ("human", "And what about Kleban-Byk?")]
    )  # fmt: skip
    assert follow.standalone_question and any("Kleban-Byka" in c.quote for c in follow.citations)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "ignored"), ("human", "Who analysed the {what}?")]
    )
    assert (prompt | chain).invoke({"what": "satellite imagery"}).citations == answer.citations
    filtered = chain.invoke(
        {"question": "Who analysed the satellite imagery?", "filters": {"since": "2024-01-01"}}
    )
    assert filtered.abstained and filtered.filters.since is not None
    assert [a.citations for a in chain.batch(["Who analysed the satellite imagery?"] * 2)] == [
        answer.citations
    ] * 2
    with pytest.raises(BadRequest, match="last message"):
        chain.invoke([("human", "hi"), ("ai", "hello")])
    with pytest.raises(BadRequest, match="empty"):
        chain.invoke("")


async def test_chain_async(home: Path) -> None:
    chain = NewsdeskChain(home=home)
    parts = [p async for p in chain.astream("What did the UN official say?")]
    assert isinstance(parts[-1], Answer) and "humanitarian crisis" in parts[-1].body
    assert (await chain.ainvoke("What did the UN official say?")).citations == parts[-1].citations


class AnswerTool:
    """The chain's answer tool on the seeded home, for LangChain's standard tool tests."""

    home: Path

    @pytest.fixture(autouse=True)
    def _home(self, home: Path) -> None:
        type(self).home = home

    @property
    def tool_constructor(self):
        return NewsdeskChain(home=self.home).as_answer_tool()

    @property
    def tool_invoke_params_example(self) -> dict:
        return {"question": "Who analysed the satellite imagery?"}


class TestAnswerToolUnit(AnswerTool, ToolsUnitTests):
    pass


class TestAnswerToolIntegration(AnswerTool, ToolsIntegrationTests):
    pass


def test_answer_tool_gives_the_answer_as_artifact(home: Path) -> None:
    tool = NewsdeskChain(home=home).as_answer_tool()
    message = tool.invoke(
        {
            "name": tool.name,
            "args": {"question": "Who analysed the satellite imagery?"},
            "id": "1",
            "type": "tool_call",
        }
    )
    assert "The New York Times" in message.content and "[1]" in message.content
    assert isinstance(message.artifact, Answer) and message.artifact.citations


@pytest.mark.llm
@pytest.mark.server
def test_chain_with_a_langchain_chat_model(home: Path, llm_url: str) -> None:  # noqa: F811
    """The llm engine through any LangChain chat model: here ChatOpenAI on the real llama server."""
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=llm_url, api_key="unused", model="qwen-test", temperature=0,
        max_completion_tokens=120,
    )  # fmt: skip
    chain = NewsdeskChain(home=home, llm=llm)
    parts = list(chain.stream("Who analysed the satellite imagery?"))
    deltas, answer = parts[:-1], parts[-1]
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)  # the model's tokens
    assert isinstance(answer, Answer) and answer.engine == "llm"
    assert answer.model == "openai-chat:qwen-test" and answer.claims and not answer.abstained
    text = Assistant(home=home).article(answer.hits[0].article_id).text
    for cite in answer.citations:
        assert text[cite.start : cite.end] == cite.quote
    extractive = NewsdeskChain(home=home, llm=llm, engine="extractive").invoke(
        "Who analysed the satellite imagery?"
    )
    assert extractive.engine == "extractive" and extractive.model is None
