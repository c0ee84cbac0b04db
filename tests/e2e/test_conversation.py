"""Multi-turn conversations over short test reports: a plant fire, its cause, a council vote.

The same transcript runs through the Python API, POST /api/ask and the OpenAI-compatible route
of a real `newsdesk serve`: a pronoun follow-up ("What did they say caused it?") must be
answered with the cause, not with the previous answer again.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.question.followup import resolve_pronouns, rewrite, subjects
from assistant.types import Turn
from tests.conftest import ROOT, serve, stop

REPORTS = ROOT / "tests" / "data" / "reports"
FIRST = "How many residents were evacuated after the plant fire?"
FOLLOW_UP = "What did they say caused it?"
CAUSE = "caused by an electrical fault"
EVACUEES = "About 800 residents were evacuated"
VOTE = "When will the council vote?"
VOTE_DATE = "The vote is now expected on June 3."


def test_subjects_are_the_noun_phrases_and_names() -> None:
    assert subjects(FIRST) == ["residents", "the plant fire"]
    assert subjects("Fire chief Maria Lopez said the fire was caused by a fault.")[:2] == [
        "Maria Lopez", "the fire",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (FOLLOW_UP, "What did residents say caused the plant fire?"),
        ("What was its cause?", "What was the plant fire's cause?"),
        ("Where did they go?", "Where did residents go?"),
        ("Who said that?", "Who said the plant fire?"),
        ("What else did she tell reporters?", "What else did Maria Lopez tell reporters?"),
    ],
)
def test_pronouns_take_the_last_question_subjects(question: str, expected: str) -> None:
    history = [
        Turn(role="user", text=FIRST),
        Turn(role="assistant", text="Fire chief Maria Lopez said 800 residents left [1]."),
    ]
    assert resolve_pronouns(question, history) == expected
    assert rewrite(question, history) == expected


def test_a_chain_of_follow_ups_looks_back_to_a_question_with_subjects() -> None:
    history = [
        Turn(role="user", text=FIRST),
        Turn(role="assistant", text="About 800 [1]."),
        Turn(role="user", text=FOLLOW_UP),
        Turn(role="assistant", text="An electrical fault [1]."),
    ]
    assert rewrite("When was it put out?", history) == "When was the plant fire put out?"
    # no pronoun to resolve: the opener still joins the previous question
    assert rewrite("and what about Bakhmut?", history[:2]) == f"{FIRST} and what about Bakhmut?"


@pytest.fixture(scope="module")
def reports_home(tmp_path_factory, embedder) -> Path:
    from assistant import Assistant

    home = tmp_path_factory.mktemp("reports-home")
    bot = Assistant(home=home)
    bot.embedder = embedder
    assert bot.ingest(REPORTS).added == 3
    bot.library.close()
    return home


def _transcript(ask) -> list[str]:
    """Three turns through ``ask(question, history) -> body``; returns the bodies."""
    history: list[dict[str, str]] = []
    bodies = []
    for question in (FIRST, FOLLOW_UP, VOTE):
        body = ask(question, history)
        bodies.append(body)
        history += [{"role": "user", "text": question}, {"role": "assistant", "text": body}]
    return bodies


def _check(bodies: list[str]) -> None:
    first, follow_up, vote = bodies
    assert EVACUEES in first
    assert CAUSE in follow_up, follow_up
    assert EVACUEES not in follow_up, f"the follow-up repeats the previous answer: {follow_up}"
    assert VOTE_DATE in vote, vote
    assert "postponed" not in vote and "planned for Tuesday" not in vote, vote


@pytest.mark.slow
def test_transcript_in_python(reports_home: Path, embedder) -> None:
    from assistant import Assistant

    bot = Assistant(home=reports_home)
    bot.embedder = embedder
    _check(_transcript(lambda q, h: bot.ask(q, history=h, research=True).body))


@pytest.fixture(scope="module")
def server(reports_home: Path):
    url, proc = serve(reports_home, reports_home / "server.log")
    yield url
    stop(proc)


@pytest.mark.slow
@pytest.mark.server
def test_transcript_over_api_ask(server: str) -> None:
    with httpx.Client(base_url=server, timeout=120) as client:

        def ask(question: str, history: list[dict[str, str]]) -> str:
            reply = client.post("/api/ask", json={"question": question, "history": history})
            assert reply.status_code == 200, reply.text
            return reply.json()["body"]

        _check(_transcript(ask))


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.parametrize("stream", [False, True])
def test_transcript_over_the_openai_route(server: str, stream: bool) -> None:
    """The client sends back each reply whole (with its source list), as OpenAI clients do."""
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key="unused", timeout=120)
    messages: list[dict[str, str]] = []
    replies = []
    for question in (FIRST, FOLLOW_UP, VOTE):
        messages.append({"role": "user", "content": question})
        if stream:
            parts = client.chat.completions.create(
                model="newsdesk",
                messages=messages,
                stream=True,  # type: ignore[arg-type]
            )
            text = "".join(p.choices[0].delta.content or "" for p in parts if p.choices)
        else:
            reply = client.chat.completions.create(model="newsdesk", messages=messages)  # type: ignore[arg-type]
            text = reply.choices[0].message.content or ""
        assert "Sources:" in text
        replies.append(text.split("\n\nSources:")[0])
        messages.append({"role": "assistant", "content": text})
    _check(replies)
