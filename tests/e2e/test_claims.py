"""Claim comparison as a reader reads it: figures for the same slot, polarity, undetermined.

The plant-fire reports below were written for these tests (three outlets, 800 / 1,200 / 950
evacuees, one saying toxic chemicals were released and one that none were) and go through the
real pipeline: ingest, ask with research on, /api/corroborate on a live server, source cards.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from assistant.research.claims import compare, read
from assistant.research.stance import judge

FIRE_800 = "About 800 residents were evacuated after a fire broke out at the Acme Chemical plant."
FIRE_1200 = (
    "Officials said 1,200 residents were evacuated after the fire at the Acme Chemical plant."
)
FIRE_950 = "Around 950 people were evacuated as the fire at the Acme Chemical plant spread."
NO_NUMBER = "Residents near the Acme Chemical plant were evacuated as the blaze spread."
TOXIC = "Toxic chemicals were released into the air during the fire, a county official said."
NO_TOXIC = "No toxic chemicals were released during the fire, a company spokeswoman said."
REPORTS = [
    {"title": "Fire at Acme Chemical plant forces evacuations", "outlet": "Valley Gazette",
     "url": "https://valleygazette.example/fire", "published_at": "2024-09-17",
     "text": f"A fire broke out at the Acme Chemical plant in Millbrook on Tuesday night. {FIRE_800} "
             f"{TOXIC} Firefighters brought the blaze under control by early Wednesday."},
    {"title": "Acme plant blaze: residents flee", "outlet": "Millbrook Tribune",
     "url": "https://tribune.example/acme", "published_at": "2024-09-18",
     "text": f"{FIRE_1200} {NO_TOXIC} The cause of the blaze is under investigation, and the "
             "plant will stay closed this week."},
    {"title": "Evacuations near chemical plant", "outlet": "State Radio",
     "url": "https://stateradio.example/acme", "published_at": "2024-09-18",
     "text": f"{FIRE_950} {NO_NUMBER} Schools in Millbrook reopened on Thursday."},
]  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "other", "outcome", "reason"),
    [
        (FIRE_800, FIRE_1200, "conflict", "different figures: 800 here, 1,200 there"),
        (FIRE_1200, FIRE_950, "conflict", "different figures: 1,200 here, 950 there"),
        (TOXIC, NO_TOXIC, "conflict", "says the opposite"),
        (NO_TOXIC, TOXIC, "conflict", "says the opposite"),
        (FIRE_800, NO_NUMBER, "related", None),  # no number: cannot back a figure
        (FIRE_800, "Some 800 residents were evacuated after the Acme Chemical plant fire.",
         "agree", None),
        (FIRE_800, "In 2023 the Acme Chemical plant had 800 employees.", "related", None),
        ("The fire was caused by a faulty valve at the plant.",
         "The cause of the fire at the plant has not been determined.", "conflict",
         "calls it undetermined"),
        (FIRE_800, "About 300 residents were evacuated after a flood in Dover on Friday.",
         "related", None),  # another event: other names, other day
    ],
)  # fmt: skip
def test_compare(claim: str, other: str, outcome: str, reason: str | None) -> None:
    result = compare(claim, other, similarity=0.8)
    assert (result.outcome, result.reason) == (outcome, reason)


def test_quantities_know_what_they_count() -> None:
    (q,) = read("Officials said 1,200 residents were evacuated on Sept. 12, 2024.").quantities
    assert q.value == 1200 and "evacuat" in q.counted
    (money,) = read("The repairs will cost $2.5 million, the mayor said.").quantities
    assert (money.value, money.unit) == (2_500_000, "dollar")


def test_judge_needs_the_figure_to_corroborate() -> None:
    verdict = judge(FIRE_800, [NO_NUMBER, "Schools reopened on Thursday."], [0.8, 0.2])
    assert verdict.outcome == "related" and verdict.sentence == 0
    verdict = judge(FIRE_800, ["Schools reopened.", FIRE_1200], [0.2, 0.85])
    assert (verdict.outcome, verdict.sentence) == ("conflict", 1)


@pytest.fixture(scope="module")
def fire(tmp_path_factory, embedder):
    from assistant import Assistant

    home = tmp_path_factory.mktemp("fire")
    data = home / "fire.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in REPORTS))
    bot = Assistant(home=home / "h")
    bot.embedder = embedder
    assert bot.ingest(data).added == 3
    return bot, {a.outlet: a.id for a in bot.articles()}


@pytest.mark.slow
def test_ask_flags_the_conflicting_counts(fire) -> None:
    from assistant.present.markdown import source_cards

    bot, _ = fire
    answer = bot.ask("How many residents were evacuated?", research=True)
    checked = {c.quote: c.corroboration for c in answer.citations if c.corroboration}
    assert FIRE_800 in checked, list(checked)
    k = checked[FIRE_800]
    rivals = {x.evidence.outlet: x.reason for x in k.conflicting}
    assert rivals["Millbrook Tribune"] == "different figures: 800 here, 1,200 there"
    assert rivals["State Radio"] == "different figures: 800 here, 950 there"
    assert k.supporting == [] and k.verdict == "single source"  # no sentence without the figure
    cards = source_cards(answer)
    assert "Conflict: different figures: 800 here, 1,200 there" in cards
    assert "Valley Gazette: “About 800 residents" in cards  # both sides, with their outlets
    assert "Millbrook Tribune, 2024-09-18: “Officials said 1,200 residents" in cards


@pytest.mark.slow
def test_ask_flags_the_opposite_polarity(fire) -> None:
    bot, ids = fire
    answer = bot.ask("Were toxic chemicals released during the fire?", research=True)
    reasons = {
        (c.outlet, x.evidence.outlet, x.reason)
        for c in answer.citations
        if c.corroboration
        for x in c.corroboration.conflicting
    }
    assert ("Valley Gazette", "Millbrook Tribune", "says the opposite") in reasons
    support = bot.corroborate(ids["Valley Gazette"], claim=FIRE_800.replace("About ", ""))
    assert support.conflicting and all(e.quote != NO_NUMBER for e in support.supporting)


@pytest.mark.slow
@pytest.mark.server
def test_api_corroborate_flags_the_other_counts(fire, tmp_path: Path) -> None:
    from tests.conftest import serve, stop

    bot, ids = fire
    home = bot.settings.home
    bot.library.close()
    url, proc = serve(home, tmp_path / "server.log")
    try:
        text = httpx.get(f"{url}/api/articles/{ids['Millbrook Tribune']}").json()["text"]
        start = text.index(FIRE_1200)
        body = httpx.post(
            f"{url}/api/corroborate",
            json={"article_id": ids["Millbrook Tribune"], "start": start,
                  "end": start + len(FIRE_1200)},
            timeout=120,
        ).json()  # fmt: skip
    finally:
        stop(proc)
    found = {
        (x["evidence"]["outlet"], x["reason"], x["evidence"]["quote"]) for x in body["conflicting"]
    }
    assert ("Valley Gazette", "different figures: 1,200 here, 800 there", FIRE_800) in found
    assert ("State Radio", "different figures: 1,200 here, 950 there", FIRE_950) in found
