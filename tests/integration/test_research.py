"""Corroboration, conflicts and timelines on real text: the seed article and reports about it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.language.dates import event_date
from assistant.research.corroborate import disagreement, overlap
from assistant.retrieve import shingles

SEED_CLAIM_DEAD = "ended in disaster, with at least 30 troops killed"
SEED_CLAIM_RETREAT = (
    "Ukrainian military sources confirmed that troops had begun retreating toward Konstantinovka"
)


def test_disagreement_on_figures_and_negation() -> None:
    a = "The evacuation ended in disaster, with at least 30 troops killed."
    assert disagreement(
        a, "An evacuation ended in disaster with 45 troops killed, officials said."
    ) == ("different figures: 30 here, 45 there")
    assert disagreement(a, "At least 30 troops were killed when the evacuation failed.") is None
    assert (
        disagreement(a, "In 2023 the army had 30 battalions in the region.") is None
    )  # other point
    assert disagreement(
        "Troops retreated toward the town.", "Troops have not retreated toward the town."
    ) == ("says the opposite")


def test_copies_are_recognised() -> None:
    text = "The council approved the budget on Tuesday after a long debate about roads and schools."
    assert overlap(shingles(text), shingles(text.replace("Tuesday", "Wednesday"))) > 0.5
    assert overlap(shingles(text), shingles("Farmers blocked the border for a third day.")) == 0.0


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("The storm reached the coast on January 5, 2024, officials said.", None, "2024-01-05"),
        ("It began on 3 Feb 2023.", "2023-02-10", "2023-02-03"),
        ("Voting ended on Monday.", "2024-01-11", "2024-01-08"),  # 2024-01-11 is a Thursday
        ("The bridge reopened yesterday.", "2024-03-04T09:00:00+00:00", "2024-03-03"),
        ("The bridge reopened.", "2024-03-04", None),
        (
            "The bridge reopened on Saturday, March 2, after an inspection.",
            "2024-03-04",
            "2024-03-02",
        ),
        ("Talks began on Dec. 28 and ended this week.", "2024-01-05", "2023-12-28"),
    ],
)
def test_event_dates(sentence: str, published: str | None, expected: str | None) -> None:
    assert event_date(sentence, published)[0] == expected


@pytest.fixture(scope="module")
def research(tmp_path_factory, embedder, seed_dir: Path):
    from assistant import Assistant

    home = tmp_path_factory.mktemp("research")
    seed = next(seed_dir.glob("*.txt")).read_text()
    rows = [
        {"title": "Seed", "text": seed, "url": "https://ru-daily.example/seed", "outlet": "RU Daily",
         "published_at": "2024-01-05"},
        {"title": "Evacuation disaster", "outlet": "Kyiv Post", "url": "https://kyivpost.example/a",
         "published_at": "2024-01-06",
         "text": "A Russian attempt on Thursday to evacuate encircled soldiers ended in disaster, with at "
                 "least 45 troops killed, officials said. Survivors fled into the forest."},
        {"title": "Retreat", "outlet": "Reuters", "url": "https://reuters.example/b", "published_at": "2024-01-07",
         "text": "Ukrainian units have started pulling back toward Kostiantynivka, military sources said on "
                 "Tuesday. Commanders called it a tactical regrouping."},
        {"title": "Retreat (syndicated)", "outlet": "WTOP", "url": "https://wtop.example/b",
         "text": "Ukrainian units have started pulling back toward Kostiantynivka, military sources said on "
                 "Tuesday. Commanders called it a tactical regrouping."},
        {"title": "Copy", "outlet": "Aggregator", "url": "https://aggregator.example/c",
         "text": seed.replace("Meanwhile,", "In other news,")},
        {"title": "Denial", "outlet": "Ukrinform", "url": "https://ukrinform.example/d", "published_at": "2024-01-08",
         "text": "The Ukrainian command denied that troops had begun retreating toward Konstantinovka. "
                 "'We have not withdrawn,' a spokesman said on January 8, 2024."},
    ]  # fmt: skip
    data = home / "r.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    bot = Assistant(home=home / "h")
    bot.embedder = embedder
    assert bot.ingest(data).failed == 0
    return bot, {a.title: a.id for a in bot.articles()}


@pytest.mark.slow
def test_conflicting_figures_are_found(research) -> None:
    bot, ids = research
    article = bot.article(ids["Seed"])
    start = article.text.index("The Russian military")
    end = article.text.index("cover.") + len("cover.")
    result = bot.corroborate(ids["Seed"], start, end)
    assert [(x.evidence.outlet, x.reason) for x in result.conflicting] == [
        ("Kyiv Post", "different figures: 30 here, 45 there")
    ]
    assert ids["Copy"] in result.copies  # a rewritten copy is not a second source


@pytest.mark.slow
def test_support_counts_independent_outlets_once(research) -> None:
    bot, ids = research
    claim = next(s for s in bot.article(ids["Seed"]).text.split("\n") if SEED_CLAIM_RETREAT in s)
    claim = claim[: claim.index("front line.") + len("front line.")]
    result = bot.corroborate(ids["Seed"], claim=claim)
    # Reuters and its syndicated copy on WTOP are one text: one independent outlet, not two
    assert (
        result.independent_outlets == ["Reuters"]
        and result.verdict == "reported by 1 independent outlet"
    )
    assert [x.evidence.outlet for x in result.conflicting] == ["Ukrinform"]
    assert result.conflicting[0].reason == "says the opposite"


@pytest.mark.slow
def test_ask_with_research_and_timeline(research) -> None:
    bot, _ = research
    answer = bot.ask("How many Russian troops were killed in the failed evacuation?", research=True)
    checked = [c for c in answer.citations if c.corroboration and c.corroboration.conflicting]
    assert checked and "45" in checked[0].corroboration.conflicting[0].reason

    line = bot.timeline("Ukrainian troops retreating toward Konstantinovka", k=10)
    dated = [e for e in line.events if e.event_date or e.published_at]
    keys = [(e.event_date or e.published_at[:10]) for e in dated]
    assert keys == sorted(keys) and len(set(e.outlet for e in line.events)) >= 3
    reuters = next(e for e in line.events if e.outlet == "Reuters")
    assert (reuters.event_date, reuters.event_words) == (
        "2024-01-02",
        "on Tuesday",
    )  # 2024-01-07 is a Sunday


@pytest.mark.slow
def test_timeline_reads_the_topics_outlet_and_times(research) -> None:
    bot, _ = research
    topic = "Ukrainian troops retreating toward Konstantinovka"
    # a calendar time in the topic filters, and the timeline says so
    before = bot.timeline(f"{topic} before January 2024", k=10)
    assert before.events == [] and before.filters.until == date(2023, 12, 31)
    assert before.notes == [
        "Searched articles published until 2023-12-31 (from “before january 2024”)."
    ]
    # an outlet named as a source limits the timeline to it
    reuters = bot.timeline(f"{topic} according to Reuters", k=10)
    assert {e.outlet for e in reuters.events} == {"Reuters"}
    assert any("Reuters" in n for n in reuters.notes)
    # "this week" as of a day favours that week's reports, named in a note
    week = bot.timeline(f"{topic} this week", {"as_of": "2024-01-08"}, k=10)
    assert week.filters.as_of is not None
    assert any("counted back from the date asked as of, 2024-01-08" in n for n in week.notes)
    assert bot.timeline(topic, k=10).notes == []
