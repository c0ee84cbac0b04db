"""Attribution of quoted claims (spaCy tokenizer + rule Matcher; no model)."""

from __future__ import annotations

import json

import pytest

from assistant.language.attribution import attribute, classify
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "speaker", "kind", "anonymous"),
    [
        ("‘We were ready,’ said a Russian officer, speaking on condition of anonymity.",
         "a Russian officer", "described_person", True),
        ("According to a leaked military communication obtained by *The Global Times*, forces moved.",
         "The Global Times", "outlet", False),
        ("Ukrainian military sources confirmed that troops had begun retreating.",
         "Ukrainian military sources", "described_person", True),
        ("John Kirby, the White House spokesman, told reporters the strike was planned.",
         "John Kirby", "named_person", False),
        ("The Pentagon said on Tuesday that it had sent more air defence systems.",
         "The Pentagon", "institution", False),
        ("Cicilline stepped down this summer, according to the Associated Press.",
         "the Associated Press", "outlet", False),
        ("The bridge reopened on Sunday after an inspection.", None, "article", False),
    ],
)  # fmt: skip
def test_attribute(text: str, speaker, kind: str, anonymous: bool) -> None:
    got = attribute(text)
    assert (got.speaker, got.kind, got.anonymous) == (speaker, kind, anonymous)


def test_hedges_and_labels() -> None:
    got = attribute(
        "Ukrainian forces were reportedly low on ammunition, a claim that could not be verified."
    )
    assert {"reportedly", "could not be verified"} <= set(got.hedges)
    assert attribute("‘We left,’ said one villager.").label() == "one villager (anonymous)"
    assert classify("Zelensky") == "named_person" and classify("Russia") == "institution"


def test_labelled_set_is_read_right() -> None:
    """The benchmark's labelled sentences (studies/data): a floor, to catch regressions."""
    rows = [
        json.loads(x) for x in (ROOT / "studies/data/attribution.jsonl").read_text().splitlines()
    ]
    right = sum(attribute(r["text"]).kind == r["kind"] for r in rows)
    assert right / len(rows) >= 0.95


@pytest.mark.slow
def test_answers_carry_attribution(assistant, seed_dir) -> None:
    assistant.ingest(seed_dir)
    answer = assistant.ask("Who called the retreat a tactical withdrawal?")
    cite = next(c for c in answer.citations if "tactical withdrawal" in c.quote)
    assert cite.attribution.speaker == "a Ukrainian colonel" and cite.attribution.anonymous
    assert "(source: a Ukrainian colonel; anonymous)" in answer.text
