"""newsdesk as an MCP server, driven by real clients.

The SDK's own client over stdio (spawning `newsdesk mcp`, as a desktop client does) and over
streamable HTTP (against `newsdesk serve` on 127.0.0.1), LangChain's `langchain-mcp-adapters`
in an agent loop, and the README's desktop snippet started as written. Every answer is compared
with the HTTP API's for the same question; every bad call must be a tool error naming its field.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import ROOT, seeded_home, serve, stop
from tests.integration.test_llm import llm_url  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTION = "Who analysed the satellite imagery?"
QUOTE = "According to satellite imagery analyzed by *The New York Times*"
TOKEN = "mcp-test-token"
TOOLS = {"ask", "search", "corroborate", "timeline", "list_articles", "add_articles"}
NEWSDESK = Path(sys.executable).with_name("newsdesk")  # the venv's console script
BRIDGE = {
    "title": "Vltava bridge reopens",
    "text": "The Vltava bridge in Prague reopened on Sunday after two years of repairs.",
    "outlet": "Valley Courier",
    "published_at": "2024-03-04",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder, seed_dir: Path):
    """`newsdesk serve` with an API token: reads open, writes need the token."""
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "mcp-served")
    url, proc = serve(home, home / "server.log", NEWSDESK_API_TOKEN=TOKEN)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def stdio_home(tmp_path_factory, embedder, seed_dir: Path) -> Path:
    return seeded_home(tmp_path_factory, embedder, seed_dir, "mcp-stdio")


@asynccontextmanager
async def over_stdio(
    command: str, args: list[str], env: dict[str, str], log: Path
) -> AsyncIterator[ClientSession]:
    """An initialized SDK client session with a server the client spawns (stderr to ``log``)."""
    params = StdioServerParameters(command=command, args=args, env={**os.environ, **env})
    with log.open("w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


@asynccontextmanager
async def over_http(url: str, token: str | None = None) -> AsyncIterator[ClientSession]:
    """An initialized SDK client session with ``url``/mcp over streamable HTTP."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx.AsyncClient(headers=headers, timeout=120) as http,
        streamable_http_client(url + "/mcp", http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def cited(citations: list[dict[str, Any]]) -> list[tuple]:
    return [(c["quote"], c["start"], c["end"], c["article_id"], c["passage_id"]) for c in citations]


async def call_ok(session: ClientSession, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


async def call_error(session: ClientSession, tool: str, arguments: dict[str, Any]) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.isError, (tool, arguments, result.structuredContent)
    return result.content[0].text


async def test_stdio_tools_resources_and_prompts(stdio_home: Path, tmp_path: Path) -> None:
    env = {"NEWSDESK_HOME": str(stdio_home), "NEWSDESK_API_TOKEN": TOKEN}
    async with over_stdio(str(NEWSDESK), ["mcp"], env, tmp_path / "mcp.log") as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():  # typed input, structured output
            assert tool.inputSchema["type"] == "object" and tool.description
            assert tool.outputSchema is not None and tool.outputSchema["type"] == "object"
        ask_input = tools["ask"].inputSchema
        assert {"question", "history", "filters", "research"} <= set(ask_input["properties"])
        assert ask_input["required"] == ["question"]
        since = ask_input["$defs"]["Filters"]["properties"]["since"]["anyOf"][0]
        assert since == {"format": "date", "type": "string"}
        assert (
            tools["ask"].annotations.readOnlyHint
            and not tools["add_articles"].annotations.readOnlyHint
        )

        result = await session.call_tool("ask", {"question": QUESTION})
        assert not result.isError and "[1]" in result.content[0].text  # the readable answer
        answer = result.structuredContent
        assert not answer["abstained"] and answer["engine"] == "extractive"
        sentence = answer["sentences"][0]
        citation = sentence["citations"][0]
        assert sentence["text"] == citation["quote"] and citation["quote"].startswith(QUOTE)
        assert citation["attribution"]["speaker"] == "The New York Times"
        assert {"outlet", "published_at", "url", "title", "passage_id"} <= set(citation)

        # the article as a resource: the quote is where the citation says
        uri = f"newsdesk://articles/{citation['article_id']}"
        templates = (await session.list_resource_templates()).resourceTemplates
        assert [t.uriTemplate for t in templates] == ["newsdesk://articles/{article_id}"]
        article = json.loads((await session.read_resource(uri)).contents[0].text)
        assert article["text"][citation["start"] : citation["end"]] == citation["quote"]
        listed = json.loads((await session.read_resource("newsdesk://articles")).contents[0].text)
        assert [a["uri"] for a in listed["articles"]] == [uri]

        prompts = {p.name for p in (await session.list_prompts()).prompts}
        assert prompts == {"check_claim", "brief_topic"}
        prompt = await session.get_prompt("check_claim", {"claim": "30 troops were killed"})
        assert '"30 troops were killed"' in prompt.messages[0].content.text
        assert "corroborate" in prompt.messages[0].content.text

        # an error is a tool error; the session goes on
        text = await call_error(session, "corroborate", {"article_id": "0" * 16, "claim": "x"})
        assert "article_id" in text and "0" * 16 in text and "list_articles" in text

        # over stdio the local user is trusted: no token needed, though the server has one
        added = await call_ok(session, "add_articles", {"articles": [BRIDGE]})
        assert added["added"] == 1 and added["items"][0]["uri"].startswith("newsdesk://articles/")
        page = await call_ok(session, "list_articles", {"limit": 1})
        assert page["total"] == 2 and page["articles"][0]["title"] == BRIDGE["title"]
        hits = await call_ok(session, "search", {"question": "Vltava bridge repairs", "k": 1})
        assert hits["hits"][0]["title"] == BRIDGE["title"]
    assert "Traceback" not in (tmp_path / "mcp.log").read_text()


async def test_http_answers_match_the_rest_api(served: str) -> None:
    async with over_http(served) as session:
        result = await session.call_tool("ask", {"question": QUESTION})
        search = await call_ok(session, "search", {"question": "satellite imagery", "k": 3})
    rest = httpx.post(served + "/api/ask", json={"question": QUESTION}, timeout=120).json()
    answer = result.structuredContent
    assert not result.isError and not answer["abstained"] and not rest["abstained"]
    assert cited(answer["citations"]) == cited(rest["citations"])
    assert cited(answer["citations"])[0][0].startswith(QUOTE)
    assert answer["citations"] == rest["citations"]  # every field, attribution included
    assert [c for s in answer["sentences"] for c in s["citations"]] == rest["citations"]
    assert answer["answer"] == rest["body"] and result.content[0].text == rest["text"]
    assert answer["sources"] == rest["sources"] and answer["filters"] == rest["filters"]
    hits = httpx.post(
        served + "/api/search", json={"question": "satellite imagery", "k": 3}, timeout=120
    ).json()["hits"]
    assert search["hits"] == hits
    page = httpx.get(served + "/", timeout=30)  # the UI, mounted after /mcp, is still there
    assert page.status_code == 200 and "gradio" in page.text.lower()


@pytest.mark.parametrize(
    ("tool", "arguments", "named"),
    [
        ("corroborate", {"article_id": "f" * 16, "claim": "x"}, ["article_id", "f" * 16]),
        (
            "search",
            {"question": "x", "filters": {"since": "2024-03-01", "until": "2024-02-01"}},
            ["filters", "since (2024-03-01) is after until (2024-02-01)"],
        ),
        ("ask", {"question": QUESTION, "filters": {"since": "2024-13-45"}}, ["filters.since"]),
        ("timeline", {"topic": "x", "filters": {"as_of": "last week"}}, ["filters.as_of"]),
        ("ask", {"question": ""}, ["question"]),
        ("search", {"question": "x", "k": 0}, ["k", "greater than or equal to 1"]),
        ("ask", {"question": QUESTION, "filters": {"outlet": "x"}}, ["filters.outlet"]),
        ("list_articles", {"limit": "many"}, ["limit"]),
        ("add_articles", {"articles": [BRIDGE]}, ["NEWSDESK_API_TOKEN", "Authorization: Bearer"]),
        ("no_such_tool", {}, ["Unknown tool", "no_such_tool"]),
    ],
)
async def test_http_errors_are_tool_errors(
    served: str, tool: str, arguments: dict[str, Any], named: list[str]
) -> None:
    async with over_http(served) as session:
        text = await call_error(session, tool, arguments)
        for words in named:
            assert words in text, text
        assert "Traceback" not in text and "/tmp" not in text
        page = await call_ok(session, "list_articles", {})  # the session goes on
        assert page["total"] == 1


async def test_http_writes_need_the_token(served: str) -> None:
    async with over_http(served, token="wrong") as session:
        text = await call_error(session, "add_articles", {"articles": [BRIDGE]})
        assert "NEWSDESK_API_TOKEN" in text
        await call_ok(session, "ask", {"question": QUESTION})  # reading needs no token
    async with over_http(served, token=TOKEN) as session:
        text = await call_error(session, "add_articles", {"urls": ["file:///etc/passwd"]})
        assert "urls.0" in text and "should match pattern" in text
        text = await call_error(session, "add_articles", {})
        assert "urls, articles" in text
        added = await call_ok(session, "add_articles", {"articles": [BRIDGE]})
        assert added["ok"] and added["added"] == 1
        article_id = added["items"][0]["article_id"]
        resource = await session.read_resource(f"newsdesk://articles/{article_id}")
        assert json.loads(resource.contents[0].text)["text"] == BRIDGE["text"]
    stored = httpx.get(f"{served}/api/articles/{article_id}", timeout=30).json()
    assert stored["title"] == BRIDGE["title"] and stored["outlet"] == BRIDGE["outlet"]
    auth = {"Authorization": f"Bearer {TOKEN}"}  # leave the library as the other tests expect
    assert httpx.delete(f"{served}/api/articles/{article_id}", headers=auth).status_code == 200


async def test_langchain_agent_loop(served: str) -> None:
    """LangChain's adapter loads the tools; an agent loop calls them and reads the results.

    The model is scripted (the tool calls an LLM would make), so the loop is deterministic:
    a call with a bad date comes back as an error message the agent can read, then a good call.
    """
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
    from langchain_core.utils.function_calling import convert_to_openai_tool
    from langchain_mcp_adapters.client import MultiServerMCPClient

    bound: list[dict[str, Any]] = []  # the tools as a chat model's API receives them

    class ScriptedModel(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            bound.extend(convert_to_openai_tool(t) for t in tools)
            return self

    client = MultiServerMCPClient(
        {"newsdesk": {"transport": "streamable_http", "url": served + "/mcp"}}
    )
    tools = {t.name: t for t in await client.get_tools()}
    assert set(tools) == TOOLS

    def call(n: int, **args: Any) -> AIMessage:
        return AIMessage("", tool_calls=[{"name": "ask", "args": args, "id": f"c{n}"}])

    script = [
        call(1, question=QUESTION, filters={"since": "2024-02-30"}),
        call(2, question=QUESTION),
        AIMessage("The New York Times analysed the satellite imagery [1]."),
    ]
    agent = ScriptedModel(messages=iter(script)).bind_tools(list(tools.values()))
    schema = next(t for t in bound if t["function"]["name"] == "ask")
    assert "question" in schema["function"]["parameters"]["properties"]

    messages: list[Any] = [HumanMessage(QUESTION)]
    for _ in range(5):
        reply = await agent.ainvoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            break
        for tool_call in reply.tool_calls:
            messages.append(await tools[tool_call["name"]].ainvoke(tool_call))
    failed, answered = (m for m in messages if isinstance(m, ToolMessage))
    assert failed.status == "error" and "filters.since" in str(failed.content)
    assert answered.status == "success" and QUOTE in str(answered.content)
    citations = answered.artifact["structured_content"]["citations"]
    assert citations[0]["quote"].startswith(QUOTE)
    assert messages[-1].content.startswith("The New York Times")

    found = await tools["search"].ainvoke({"question": "satellite imagery", "k": 1})
    assert "Kleban-Byka" in str(found)


@pytest.mark.llm
async def test_langchain_agent_loop_with_the_test_chat_model(served: str, llm_url: str) -> None:  # noqa: F811
    """A real chat model (the llama.cpp fixture) calls newsdesk's `ask` through the adapter.

    The tool choice is forced (a 0.5B model does not reliably choose on its own); the model
    writes the arguments, the adapter's MCP tool answers with its citations, and the model
    reads them.
    """
    from langchain_core.messages import HumanMessage
    from langchain_mcp_adapters.client import MultiServerMCPClient
    from langchain_openai import ChatOpenAI

    client = MultiServerMCPClient(
        {"newsdesk": {"transport": "streamable_http", "url": served + "/mcp"}}
    )
    tools = {t.name: t for t in await client.get_tools()}
    model = ChatOpenAI(
        base_url=llm_url, api_key="unused", model="qwen-test", temperature=0, max_tokens=120
    )
    # llama.cpp turns a tool's schema into a grammar and cannot parse the one of `ask` with its
    # optional filters and history: the model is shown the tool with its required argument only
    ask = {"type": "function", "function": {
        "name": "ask", "description": tools["ask"].description,
        "parameters": {"type": "object", "required": ["question"],
                       "properties": {"question": {"type": "string"}}}}}  # fmt: skip
    messages: list[Any] = [HumanMessage(f"{QUESTION} Use the ask tool.")]
    reply = await model.bind_tools([ask], tool_choice="ask").ainvoke(messages)
    assert [c["name"] for c in reply.tool_calls] == ["ask"], reply
    assert reply.tool_calls[0]["args"]["question"].strip()
    result = await tools["ask"].ainvoke(reply.tool_calls[0])
    text = "".join(b["text"] for b in result.content if b.get("type") == "text")
    assert result.status == "success", result.content
    answer = result.artifact["structured_content"]
    for citation in answer["citations"]:
        assert {"quote", "start", "end", "article_id", "passage_id"} <= set(citation)
    assert answer["citations"] or answer["abstained"]
    # llama-cpp-python's server refuses tool-role messages, so the result goes back as text
    final = await model.ainvoke(
        [HumanMessage(f"{QUESTION}\n\nThe ask tool returned:\n{text}\n\nAnswer in one sentence.")]
    )
    assert final.content.strip()


def readme() -> str:
    return (ROOT / "README.md").read_text()


async def test_readme_desktop_snippet_starts_the_server(stdio_home: Path, tmp_path: Path) -> None:
    """The README's mcpServers entry, started as a desktop client would (the venv's newsdesk)."""
    (snippet,) = [b for b in re.findall(r"```json\n(.*?)```", readme(), re.S) if "mcpServers" in b]
    entry = json.loads(snippet)["mcpServers"]["newsdesk"]
    assert entry["command"] == "newsdesk" and entry["args"] == ["mcp"]
    env = entry["env"] | {"NEWSDESK_HOME": str(stdio_home)}
    async with over_stdio(str(NEWSDESK), entry["args"], env, tmp_path / "mcp.log") as session:
        assert {t.name for t in (await session.list_tools()).tools} == TOOLS


def test_readme_http_example_runs(served: str) -> None:
    """The README's curl call to /mcp, and the URL it gives for streamable HTTP."""
    text = readme()
    assert "http://127.0.0.1:7860/mcp" in text and "newsdesk mcp" in text
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "/mcp" in b)
    command = block.replace("\\\n", " ").strip().replace("http://127.0.0.1:7860", served)
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    reply = json.loads(done.stdout)
    assert not reply["result"]["isError"], reply
    assert reply["result"]["structuredContent"]["citations"][0]["quote"].startswith(QUOTE)
