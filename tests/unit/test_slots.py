"""Which slot of an event a sentence fills: figures, causes, damage and harm in other words."""

from __future__ import annotations

import pytest

from assistant.research import states
from assistant.research.claims import compare, read
from assistant.research.slots import Slot, close, same_slot, to_digits
from assistant.research.stance import judge

FOURTEEN = "Fourteen people were injured, three of them seriously, the regional fire service said."
NINE = (
    "Nine people were injured when a footbridge across the Morrow River fell on Tuesday in "
    "Vellport, according to the town hospital."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fourteen people were injured.", "14 people were injured."),
        ("Twenty-three cases were confirmed.", "23 cases were confirmed."),
        ("Three hundred and fifty people had to leave.", "350 people had to leave."),
        ("Around eight thousand homes lost power.", "Around 8 thousand homes lost power."),
        ("One of the buses was late.", "One of the buses was late."),
    ],
)
def test_number_words_become_digits(text: str, expected: str) -> None:
    assert to_digits(text) == expected


def test_a_figure_knows_its_event_noun_and_qualifiers() -> None:
    fourteen, three = read(FOURTEEN).quantities
    assert (fourteen.value, fourteen.slot) == (14, Slot("injured", "people"))
    assert three.slot.qualifiers == {"serious", "part"}  # "three of them seriously"
    (about,) = read("A fire forced about 1,200 residents to leave their homes.").quantities
    assert about.slot == Slot("evacuated", "people", approximate=True)


def test_same_slot_needs_the_event_or_a_specific_noun() -> None:
    assert same_slot(Slot("injured", "people"), Slot("injured", ""))
    assert not same_slot(Slot("injured", "people"), Slot("killed", "people"))
    assert not same_slot(Slot("", "firefighter"), Slot("damaged", "home"))
    assert not same_slot(Slot("", "people"), Slot("", "people"))  # "people" alone ties nothing
    assert same_slot(Slot("", "hectare"), Slot("", "hectare"))
    assert not same_slot(Slot("injured", "people"), Slot("injured", "", frozenset({"serious"})))


def test_rounded_figures_agree_within_their_rounding() -> None:
    assert close(1200, 1180, approximate=True) and not close(1200, 1180, approximate=False)
    assert not close(800, 950, approximate=True)


@pytest.mark.parametrize(
    ("claim", "other", "outcome", "reason"),
    [
        (FOURTEEN, NINE, "conflict", "different figures: 14 here, 9 there"),
        (
            FOURTEEN,
            "The fire service says 14 people were hurt when the footbridge gave way.",
            "agree",
            None,
        ),
        (
            "Some 1,180 people were evacuated, the county said.",
            "A fire forced about 1,200 residents to leave their homes overnight.",
            "agree",
            None,
        ),
        (
            "Around 40 firefighters fought the blaze.",
            "The fire damaged 40 homes nearby.",
            "unrelated",
            None,
        ),
        ("Three of them are in a serious condition.", NINE, "unrelated", None),
        (
            "Ashby's council said closing the library would save 180,000 pounds annually.",
            "The closure will save about 240,000 pounds a year, the council said.",
            "conflict",
            "different figures: 180,000 here, 240,000 there",
        ),
        (
            "Maria Ostrova won with 52 percent of the vote.",
            "Ostrova took 52% of the ballots cast.",
            "agree",
            None,
        ),
    ],
)
def test_figures_compare_by_slot_at_low_similarity(
    claim: str, other: str, outcome: str, reason: str | None
) -> None:
    result = compare(claim, other, similarity=0.4)  # two newsrooms' wording: not similar
    assert (result.outcome, result.reason) == (outcome, reason)
    assert result.aligned == (outcome in ("agree", "conflict"))


def test_cause_stated_against_not_yet_determined() -> None:
    stated = "Engineers said corroded support cables caused the collapse."
    unsettled = "The cause of the collapse has not yet been determined."
    assert states.cause(unsettled, stated) == "states what this calls undetermined"
    assert states.cause(stated, unsettled) == "calls it undetermined"
    assert states.cause(stated, "The cause of the power cut is not yet known.") is None


def test_not_affected_against_damage() -> None:
    spared = "The town's water supply was not affected, the utility said."
    damaged = "A water main burst in the collapse, cutting the water supply to eastern Vellport."
    assert states.damage(spared, damaged) == "reports damage to what this says was not affected"
    assert states.damage(damaged, spared) == "says it was not affected"
    assert states.damage(spared, "The bridge was destroyed in the collapse.") is None


def test_no_one_hurt_against_injuries_of_the_same_people() -> None:
    assert states.harm(
        "No one was injured, police said.", "Two firefighters were slightly injured."
    )
    assert states.harm("No visitors were hurt.", "A lion injured a keeper.") is None
    assert states.harm("No one was injured.", "Nobody was hurt in the blaze.") is None


def test_the_former_gate_ignores_what_the_slots_say() -> None:
    sentences, similarities = [NINE], [0.45]
    assert judge(FOURTEEN, sentences, similarities).outcome == "conflict"
    assert judge(FOURTEEN, sentences, similarities, gate="cosine").outcome != "conflict"
    # two articles that share no name tell two stories
    assert judge(FOURTEEN, sentences, similarities, same_story=False).outcome != "conflict"


def test_a_holders_years_or_points_meet_only_in_close_sentences() -> None:
    # research_eval's false conflicts: two players' points, two people's years (found there)
    davis = (
        "BOTTOM LINE: Delaware hosts the Princeton Tigers after Jyare Davis scored 28 points in "
        "Delaware's 88-85 overtime loss to the Rider Broncs."
    )
    pierce = (
        "BOTTOM LINE: Princeton hosts the Harvard Crimson after Caden Pierce scored 21 points in "
        "Princeton's 84-82 win against the Delaware Fightin' Blue Hens."
    )
    assert judge(davis, [pierce], [0.59]).outcome != "conflict"
    hosford = "Monica Hosford has lived in Smyrna for 40 years."
    quimby = "Quimby served as an FBI special agent for 20 years, officials said."
    assert judge(hosford, [quimby], [0.18]).outcome != "conflict"
    rival = "Monica Hosford has lived in Smyrna for 20 years."  # the same holder, another value
    verdict = judge(hosford, [rival], [0.93])
    assert verdict.outcome == "conflict" and verdict.reason is not None
    assert "40" in verdict.reason and "20" in verdict.reason
