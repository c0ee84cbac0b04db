from __future__ import annotations

from datetime import date

import pytest

from assistant.question.constraints import find_dates, find_outlets, read_constraints, window_note
from assistant.types import Filters

REF = date(2024, 1, 26)
KNOWN = ["reuters.com", "cnn.com", "apnews.com", "nytimes.com", "Example PL"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Reuters report about the rate rise?", ["reuters.com"]),
        ("According to the New York Times, who won?", ["nytimes.com"]),
        ("What did AP say about the storm?", ["apnews.com"]),
        ("What does Example PL say about farmers?", ["Example PL"]),
        ("Where did CNN’s Republican primary debate take place?", []),  # subject, not source
        ("Did the app say anything?", []),  # "app" is not "AP"
        ("What did the BBC report?", []),  # not indexed
    ],
)
def test_outlets_named_as_sources(question: str, expected: list[str]) -> None:
    assert [o for o, _ in find_outlets(question, KNOWN)] == expected


@pytest.mark.parametrize(
    ("question", "since", "until", "boost"),
    [
        ("What happened in January 2024?", date(2024, 1, 1), date(2024, 1, 31), None),
        ("What changed in 2023?", None, None, date(2023, 1, 1)),  # a year: boost only
        ("Which sheep was cloned in 1996?", None, None, date(1996, 1, 1)),
        ("What will happen in 2030?", None, None, None),
        ("What happened since June?", date(2023, 6, 1), None, None),  # June is after January
        ("What happened since January?", date(2024, 1, 1), None, None),
        ("Who led before March 2023?", None, date(2023, 2, 28), None),
        ("What was said last week?", None, None, date(2024, 1, 12)),
        ("Who won the match?", None, None, None),
    ],
)
def test_time_expressions_relative_to_newest_article(question, since, until, boost) -> None:
    got = find_dates(question, REF)
    assert got[:3] == (since, until, boost)


def test_explicit_filters_win() -> None:
    explicit = Filters(outlets=("cnn.com",), since=date(2020, 1, 1))
    stated = read_constraints(
        "What did Reuters say in January 2024?", explicit, KNOWN, "2024-01-26"
    )
    assert stated.filters == explicit and stated.notes == []


def test_as_of_moves_what_relative_times_count_back_from() -> None:
    asked = Filters(as_of=date(2024, 1, 5))
    stated = read_constraints("What was said last week?", asked, KNOWN, "2024-01-26")
    # a window ending on the date asked as of, not "since" (later articles are not favoured)
    assert stated.boost == (date(2023, 12, 22), date(2024, 1, 5))
    assert stated.filters.as_of == date(2024, 1, 5) and not stated.filters.active
    assert "counted back from the date asked as of, 2024-01-05" in stated.notes[0]
    # calendar words read from it too: "since March" asked in January 2024 is March 2023
    stated = read_constraints("What changed since March?", asked, KNOWN, "2024-01-26")
    assert stated.filters.since == date(2023, 3, 1)
    # without it, the newest article is the reference
    stated = read_constraints("What was said last week?", Filters(), KNOWN, "2024-01-26")
    assert stated.boost == (date(2024, 1, 12), date(2024, 1, 26))
    assert "counted back from the newest article, 2024-01-26" in stated.notes[0]


def test_without_dated_articles_no_time_filter() -> None:
    stated = read_constraints("What happened in January 2024?", Filters(), KNOWN, None)
    assert not stated.filters.since and not stated.filters.until


@pytest.mark.slow
def test_question_constraints_end_to_end(assistant, tmp_path) -> None:
    from tests.integration.test_ingest import ARTICLE_C, write_jsonl

    rows = [
        {"title": "Rates Jan", "text": ARTICLE_C, "url": "https://apnews.com/r1",
         "date": "2024-01-10"},
        {"title": "Rates Feb", "text": ARTICLE_C.replace("5.5", "5.75"),
         "url": "https://www.reuters.com/r2", "date": "2024-02-10"},
    ]  # fmt: skip
    assistant.ingest(write_jsonl(tmp_path / "r.jsonl", rows))
    answer = assistant.ask("According to Reuters, how much did the central bank raise rates?")
    assert {c.outlet for c in answer.citations} == {"reuters.com"}
    assert answer.filters.outlets == ("reuters.com",)
    assert (
        any("Reuters" in n for n in answer.notes)
        and "Note: Searched only reuters.com" in answer.text
    )
    answer = assistant.ask("How much did the central bank raise rates in January 2024?")
    assert {c.title for c in answer.citations} == {"Rates Jan"}
    assert "Filters applied: since 2024-01-01; until 2024-01-31." in answer.text
    # an explicit filter from the caller wins over the question
    answer = assistant.ask(
        "How much did the bank raise rates in January 2024?", {"outlets": ["reuters.com"]}
    )
    assert {c.title for c in answer.citations} <= {"Rates Feb"}
    # "last week" counts back from the newest article (Feb), or from the date asked as of (Jan)
    question = "How much did the central bank raise rates last week?"
    assert assistant.ask(question).citations[0].title == "Rates Feb"
    answer = assistant.ask(question, {"as_of": "2024-01-12"})
    assert answer.citations[0].title == "Rates Jan"
    assert answer.filters.as_of == date(2024, 1, 12)
    assert "as of 2024-01-12" in answer.filters.describe()
    assert not any(n.startswith("None of the quoted") for n in answer.notes)
    # asked as of a day the library holds nothing near: the answer says its sources are older
    answer = assistant.ask(question, {"as_of": "2024-03-20"})
    assert answer.citations and not answer.abstained
    note = next(n for n in answer.notes if n.startswith("None of the quoted"))
    assert "from 2024-03-06 to 2024-03-20" in note and "2024-02-10" in note
    assert f"Note: {note}" in answer.text


def test_window_note_names_the_window_and_the_dates_found() -> None:
    window = (date(2024, 3, 6), date(2024, 3, 20))
    assert window_note(None, ["2024-01-01"]) == []
    assert window_note(window, []) == []  # nothing quoted: nothing to warn about
    assert window_note(window, ["2024-01-10", "2024-03-20T08:00:00Z"]) == []
    (note,) = window_note(window, ["2024-02-10T09:00:00Z", None, "2024-01-10"])
    assert "from 2024-03-06 to 2024-03-20" in note and "2024-01-10, 2024-02-10" in note
    (undated,) = window_note(window, [None])
    assert "carry no date" in undated
