"""newsdesk's answer pipeline as a LangChain ``Runnable``: a question in, a cited ``Answer`` out.

``NewsdeskChain`` takes a question (a string), a conversation (chat messages, the last one the
question) or ``{"question": ..., "history": [...], "filters": {...}}``, and returns newsdesk's
``Answer``: the text with ``[n]`` markers, and the checked citations as data. ``.stream()``
yields the text as it is written (``str``), then the ``Answer``. With a LangChain chat model
(``llm=``) the model writes the answer from the retrieved passages and every citation is
checked; without one the extractive engine quotes the passages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, convert_to_messages
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from langchain_core.runnables.config import run_in_executor
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.errors import BadRequest
from assistant.question.checks import CheckedFilters, check_filters
from assistant.question.history import check_history
from assistant.service import Assistant
from assistant.types import Answer, Filters, Turn

ChainInput = str | PromptValue | Sequence[Any] | dict[str, Any]


class NewsdeskChain(RunnableSerializable[ChainInput, Answer]):
    """Answer questions from the articles, with citations, as a LangChain runnable.

    Give ``home`` (a library on disk) or ``assistant`` (an ``Assistant`` you hold).

    Args:
        home: the NEWSDESK_HOME to answer from.
        assistant: an ``Assistant`` to use instead (pass a model with ``Assistant(model=...)``).
        llm: any LangChain chat model, to write the answer (llm engine); with ``home`` only.
        engine: ``extractive`` or ``llm``; by default ``llm`` when a model is given, else the
            configured engine.
        filters: outlets and a publication date window for every question.
        research: also check each quote against the other articles.

    Example:
        >>> from assistant import NewsdeskChain
        >>> chain = NewsdeskChain(home="/tmp/newsdesk-demo")  # doctest: +SKIP
        >>> answer = chain.invoke("Who analysed the satellite imagery?")  # doctest: +SKIP
        >>> answer.citations[0].quote  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    home: Path | None = None
    assistant: Assistant | None = Field(None, exclude=True)
    llm: BaseChatModel | None = Field(None, exclude=True)
    engine: Literal["extractive", "llm"] | None = None
    filters: CheckedFilters = Field(default_factory=Filters)
    research: bool = False

    @model_validator(mode="after")
    def _one_library(self) -> NewsdeskChain:
        if (self.home is None) == (self.assistant is None):
            raise BadRequest(
                "NewsdeskChain needs exactly one of home or assistant.",
                "Pass home=PATH, or assistant=Assistant(...).",
            )
        if self.llm is not None and self.assistant is not None:
            raise BadRequest(
                "Give the chat model to the Assistant when you pass one.",
                "Use NewsdeskChain(assistant=Assistant(home, model=llm)).",
            )
        if self.assistant is None:
            self.assistant = Assistant(home=self.home, model=self.llm)
        return self

    @property
    def bot(self) -> Assistant:
        """The ``Assistant`` that answers."""
        assert self.assistant is not None  # set by the validator
        return self.assistant

    @property
    def OutputType(self) -> type[Answer]:
        """The type of ``invoke``'s result."""
        return Answer

    def invoke(
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        """The ``Answer`` to a question or conversation."""
        answer = None
        for item in self.stream(input, config, **kwargs):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    async def ainvoke(
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        """``invoke`` without blocking the event loop."""
        answer = None
        async for item in self.astream(input, config, **kwargs):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(  # type: ignore[override]
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is written, then the ``Answer``."""
        yield from self._transform_stream_with_config(
            iter([input]),
            self._answer,  # type: ignore[arg-type]  # tokens, then the Answer
            config,
            run_type="chain",
        )

    async def astream(  # type: ignore[override]
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[str | Answer]:
        """``stream`` without blocking the event loop (the work runs in a worker thread)."""
        items = self.stream(input, config, **kwargs)
        done = object()
        while (item := await run_in_executor(config, next, items, done)) is not done:
            yield item  # type: ignore[misc]

    def _answer(self, inputs: Iterator[ChainInput]) -> Iterator[str | Answer]:
        question, history, filters = read_input(list(inputs)[-1])
        engine = self.engine or ("llm" if self.bot.model is not None else None)
        yield from self.bot.stream(
            question,
            filters=self.filters if filters is None else filters,
            history=history,
            engine=engine,
            research=self.research,
        )

    def as_answer_tool(self) -> BaseTool:
        """This chain as a tool for agents: the answer text, with the ``Answer`` as artifact."""
        return answer_tool(self)


class AskArgs(BaseModel):
    """What the answer tool takes."""

    question: str = Field(description="A question about the news articles in the library.")


def answer_tool(chain: NewsdeskChain) -> BaseTool:
    """A tool that answers from the articles (``response_format="content_and_artifact"``)."""

    def ask(question: str) -> tuple[str, Answer]:
        answer = chain.invoke(question)
        return answer.text, answer

    async def aask(question: str) -> tuple[str, Answer]:
        answer = await chain.ainvoke(question)
        return answer.text, answer

    return StructuredTool.from_function(
        func=ask,
        coroutine=aask,
        name="newsdesk_answer",
        description=(
            "Answer a question from the user's news library. The answer quotes the articles "
            "and cites them with [n]; it says so when the articles do not answer."
        ),
        args_schema=AskArgs,
        response_format="content_and_artifact",
    )


def read_input(value: ChainInput) -> tuple[str, list[Turn], Filters | None]:
    """(question, history, filters) from a string, a prompt value, messages or a dict."""
    if isinstance(value, str):
        return value, [], None
    if isinstance(value, dict):
        if "question" not in value:
            raise BadRequest(
                "A dict input needs a 'question' key.",
                "Pass {'question': ..., 'history': [...], 'filters': {...}}.",
            )
        history = value.get("history") or []
        if not all(isinstance(t, Turn) or (isinstance(t, dict) and "text" in t) for t in history):
            history = _conversation(history)
        filters = value.get("filters")
        return (
            value["question"],
            check_history(history),
            None if filters is None else check_filters(filters),
        )
    turns = _conversation(value.to_messages() if isinstance(value, PromptValue) else value)
    if not turns or turns[-1].role != "user":
        raise BadRequest(
            "The last message must be the user's question.",
            "End the messages with a human (user) message.",
        )
    return turns[-1].text, turns[:-1], None


def _conversation(messages: Sequence[Any]) -> list[Turn]:
    """The user and assistant turns of chat messages (system and tool messages are skipped)."""
    try:
        converted = convert_to_messages(messages)
    except (ValueError, NotImplementedError) as e:
        raise BadRequest(
            f"Cannot read the messages: {e}",
            "Pass strings, (role, text) pairs, {'role', 'content'} dicts or LangChain messages.",
        ) from e
    return [
        Turn(role="user" if isinstance(m, HumanMessage) else "assistant", text=m.text)
        for m in converted
        if isinstance(m, HumanMessage | AIMessage) and m.text.strip()
    ]
