"""The same fact in other words: short reports of one local event by several newsrooms.

Four outlets report a footbridge collapse (written for this test, not taken from the
development set): the count of injured differs between the wire and the local paper, the
broadcaster repeats the wire's count in its own words, the local paper states a cause the wire
calls not yet determined, and the broadcaster's "not affected" is contradicted by the state
agency's report of damage. A fifth article, another event in another town with its own
figures, must not be set against any of them. Everything goes through the real path: ingest
into a temp library with the real embedder, then ``corroborate``.
"""

from __future__ import annotations

import json

import pytest

WIRE_INJURED = (
    "Fourteen people were injured, three of them seriously, the regional fire service said."
)
WIRE_CAUSE = "The cause of the collapse has not yet been determined."
GAZETTE_INJURED = (
    "Nine people were injured when a footbridge across the Morrow River fell on Tuesday in "
    "Vellport, according to the town hospital."
)
RADIO_SERIOUS = "Three of them remain in a serious condition."
RADIO_WATER = "The town's water supply was not affected, the utility said."
STATE_WATER = "A water main under the bridge burst in the collapse, cutting the water supply to eastern Vellport."
FIRE_LEAVE = "A fire at the Brenner paint factory in Halden forced about 1,200 residents to leave their homes overnight."
FIRE_CREWS = "Around 40 firefighters fought the blaze at the Brenner factory for six hours."
FIRE_UNHURT = "No one was injured in the Brenner factory fire, police said."
REPORTS = [
    {
        "title": "Footbridge collapses in Vellport",
        "outlet": "Meridian Wire",
        "url": "https://wire.example/vellport",
        "published_at": "2026-03-03",
        "text": "A pedestrian footbridge across the Morrow River collapsed in Vellport on Tuesday evening. "
        f"{WIRE_INJURED} {WIRE_CAUSE} Rescue teams searched the river until midnight.",
    },
    {
        "title": "Nine hurt as Morrow footbridge falls",
        "outlet": "Vellport Gazette",
        "url": "https://gazette.example/bridge",
        "published_at": "2026-03-04",
        "text": f"{GAZETTE_INJURED} Engineers said corroded support cables caused the collapse. "
        "The bridge, built in 1968, had been due for an inspection in the spring. "
        "Shops on the river front stayed shut on Wednesday.",
    },
    {
        "title": "Vellport bridge: fire service gives toll",
        "outlet": "Radio Norland",
        "url": "https://radio.example/bridge",
        "published_at": "2026-03-04",
        "text": "The regional fire service says 14 people were hurt when the Morrow footbridge gave way "
        f"in Vellport. {RADIO_SERIOUS} {RADIO_WATER} Crews expect to clear the wreckage by Friday.",
    },
    {
        "title": "Mayor promises inquiry into collapse",
        "outlet": "Norland State Agency",
        "url": "https://state.example/bridge",
        "published_at": "2026-03-05",
        "text": f"{STATE_WATER} The mayor of Vellport promised a full inquiry. "
        "Tankers are bringing drinking water to the affected streets.",
    },
    {
        "title": "Storm damages homes in Dunmore",
        "outlet": "Dunmore Echo",
        "url": "https://echo.example/storm",
        "published_at": "2026-03-04",
        "text": "A storm tore roofs from homes in Dunmore on Monday night. Twenty people were injured "
        "by falling debris, the county hospital said. The cause of the power cut in the old "
        "town has not yet been determined.",
    },
    {
        "title": "Paint factory fire in Halden",
        "outlet": "Meridian Wire",
        "url": "https://wire.example/halden",
        "published_at": "2026-03-06",
        "text": f"{FIRE_LEAVE} {FIRE_CREWS} {FIRE_UNHURT}",
    },
    {
        "title": "Brenner fire: streets cleared",
        "outlet": "Halden Courier",
        "url": "https://courier.example/brenner",
        "published_at": "2026-03-07",
        "text": "Some 1,180 people were evacuated from streets around the Brenner factory in Halden, "
        "the county emergency office said. The fire destroyed a warehouse and damaged 40 "
        "homes nearby. Two firefighters were slightly injured.",
    },
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory, embedder):
    from assistant import Assistant

    home = tmp_path_factory.mktemp("same-fact")
    data = home / "reports.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in REPORTS))
    bot = Assistant(home=home / "h")
    bot.embedder = embedder
    assert bot.ingest(data).added == len(REPORTS)
    return bot, {a.title: a.id for a in bot.articles()}


def _check(desk, claim: str):
    bot, ids = desk
    source = next(r["title"] for r in REPORTS if claim in r["text"])
    result = bot.corroborate(ids[source], claim=claim)
    conflicts = {c.evidence.outlet: c.reason for c in result.conflicting}
    return result, conflicts, {e.outlet for e in result.supporting}


@pytest.mark.slow
def test_a_different_casualty_count_is_a_conflict_and_the_same_in_other_words_support(desk):
    result, conflicts, support = _check(desk, WIRE_INJURED)
    assert conflicts.get("Vellport Gazette") == "different figures: 14 here, 9 there"
    assert "Radio Norland" in support and "Radio Norland" not in conflicts
    assert "Radio Norland" in result.independent_outlets
    assert "Dunmore Echo" not in conflicts  # another event: other town, other figures


@pytest.mark.slow
def test_the_lower_count_is_set_against_both_outlets_giving_fourteen(desk):
    _, conflicts, support = _check(desk, GAZETTE_INJURED)
    assert conflicts.get("Radio Norland") == "different figures: 9 here, 14 there"
    assert conflicts.get("Meridian Wire") == "different figures: 9 here, 14 there"
    assert not support


@pytest.mark.slow
def test_a_stated_cause_conflicts_with_not_yet_determined(desk):
    _, conflicts, _ = _check(desk, WIRE_CAUSE)
    assert conflicts.get("Vellport Gazette") == "states what this calls undetermined"
    assert "Dunmore Echo" not in conflicts  # undetermined about another thing of another event


@pytest.mark.slow
def test_not_affected_conflicts_with_a_report_of_damage(desk):
    _, conflicts, _ = _check(desk, RADIO_WATER)
    assert conflicts.get("Norland State Agency") == (
        "reports damage to what this says was not affected"
    )
    _, conflicts, _ = _check(desk, STATE_WATER)
    assert conflicts.get("Radio Norland") == "says it was not affected"


@pytest.mark.slow
def test_figures_for_different_things_under_one_noun_do_not_conflict(desk):
    # three seriously hurt is part of the injured, not another count of them
    _, conflicts, _ = _check(desk, RADIO_SERIOUS)
    assert conflicts == {}
    _, conflicts, _ = _check(desk, FIRE_CREWS)  # 40 firefighters, 40 homes
    assert "Halden Courier" not in conflicts


@pytest.mark.slow
def test_a_rounded_figure_is_backed_and_no_one_hurt_is_contradicted(desk):
    _, conflicts, support = _check(desk, FIRE_LEAVE)
    assert "Halden Courier" in support and not conflicts  # about 1,200 against 1,180
    _, conflicts, _ = _check(desk, FIRE_UNHURT)
    assert conflicts.get("Halden Courier") == "reports injuries where this says none"
