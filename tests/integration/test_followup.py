from __future__ import annotations

import pytest

from assistant.question.followup import is_followup, rewrite
from assistant.types import Turn


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("and what about Bakhmut?", True),
        ("What about the Russian side?", True),
        ("Who said that?", True),
        ("Where did they go?", True),
        ("Who analysed the satellite imagery near Kleban-Byka?", False),
        ("How many troops were killed in the evacuation attempt?", False),
    ],
)
def test_followup_detection(question: str, expected: bool) -> None:
    assert is_followup(question) is expected


def test_rule_joins_the_previous_question() -> None:
    history = [Turn(role="user", text="Where are Ukrainian troops retreating?"),
               Turn(role="assistant", text="Toward Konstantinovka [1].")]  # fmt: skip
    assert rewrite("and what about Bakhmut?", history) == (
        "Where are Ukrainian troops retreating? and what about Bakhmut?"
    )
    assert rewrite("Who won the election in Taiwan?", history) is None
    assert rewrite("and what about Bakhmut?", []) is None


@pytest.mark.slow
def test_followup_on_the_seed(assistant, seed_dir) -> None:
    assistant.ingest(seed_dir)
    first = assistant.ask("Where are the Ukrainian troops retreating to?")
    history = [{"role": "user", "text": first.question}, {"role": "assistant", "text": first.body}]
    answer = assistant.ask("And what about Kleban-Byka?", history=history)
    assert answer.standalone_question.startswith("Where are the Ukrainian troops retreating to?")
    assert any("Kleban-Byka" in c.quote for c in answer.citations)
    with pytest.raises(Exception, match="history"):
        assistant.ask("and?", history=[{"who": "me"}])
