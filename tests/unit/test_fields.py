from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from index.fields import (
    clean_text,
    content_id,
    date_timestamp,
    make_title,
    outlet_from_url,
    parse_date,
)

# --- clean_text ----------------------------------------------------------------------------------


def test_clean_text_line_endings() -> None:
    assert clean_text("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"


def test_clean_text_removes_control_characters() -> None:
    assert clean_text("a\x00b\x07c\x1bd\x7fe\u200bf\ufeffg") == "abcdefg"


def test_clean_text_nbsp_tabs_and_repeated_spaces_become_one_space() -> None:
    assert clean_text("a\xa0b\tc    d \xa0 e") == "a b c d e"


def test_clean_text_strips_lines_and_collapses_blank_lines() -> None:
    raw = "  first  \n\n\n\n   \n second\t\n\nthird\n\n\n"
    assert clean_text(raw) == "first\n\nsecond\n\nthird"


def test_clean_text_keeps_single_blank_lines_and_single_newlines() -> None:
    assert clean_text("a\nb\n\nc") == "a\nb\n\nc"


def test_clean_text_nfc() -> None:
    assert clean_text("Cafe\u0301") == "Caf\u00e9"


def test_clean_text_empty_and_whitespace_only() -> None:
    assert clean_text("") == ""
    assert clean_text(" \r\n\t\xa0\u200b\n ") == ""


@pytest.mark.parametrize(
    "raw",
    [
        "plain text",
        "a\r\n\r\n\r\nb",
        "  x \xa0\t y\r\rz  ",
        "\ufeffTitle\n\n\n\n\nBody\x07 text\u200b.",
        "e\u0301\n \n \n \nend",
        "line one\r\n  \r\n  \r\nline two\t\t\n",
        "\n\n\n",
    ],
)
def test_clean_text_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


# --- content_id ----------------------------------------------------------------------------------


def test_content_id_shape() -> None:
    value = content_id("Some article text.")
    assert re.fullmatch(r"[0-9a-f]{16}", value)


def test_content_id_stable_under_whitespace_changes() -> None:
    base = content_id("The council met on Tuesday. It approved the budget.")
    assert content_id("The council met on Tuesday. It approved the budget.") == base
    assert content_id("  The council  met on\tTuesday.\n\nIt approved\r\nthe budget.  ") == base
    assert content_id("The\u00a0council met on Tuesday. It approved the budget.") == base


def test_content_id_differs_for_different_text() -> None:
    a = content_id("The council met on Tuesday.")
    b = content_id("The council met on Wednesday.")
    c = content_id("The council met on Tuesday!")
    assert len({a, b, c}) == 3
    assert content_id("ab") != content_id("a b")


# --- outlet_from_url -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.apnews.com/article/x", "apnews.com"),
        ("https://apnews.com/article/x", "apnews.com"),
        ("https://m.bbc.co.uk/news/1", "bbc.co.uk"),
        ("https://WWW.Reuters.COM/world", "reuters.com"),
        ("http://127.0.0.1:8000/page.html", "127.0.0.1"),
        ("https://news.example.org/a?b=c#d", "news.example.org"),
        ("https://mail.example.com/", "mail.example.com"),
    ],
)
def test_outlet_from_url(url: str, expected: str) -> None:
    assert outlet_from_url(url) == expected


@pytest.mark.parametrize("url", [None, "", "not a url", "/relative/path"])
def test_outlet_from_url_none(url: str | None) -> None:
    assert outlet_from_url(url) is None


# --- parse_date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", "2024-01-05"),
        (" 2024-01-05 ", "2024-01-05"),
        ("2024-01-05T10:00:00Z", "2024-01-05T10:00:00+00:00"),
        ("2024-01-05T10:00:00+02:00", "2024-01-05T10:00:00+02:00"),
        ("2024-01-05T10:00:00", "2024-01-05T10:00:00"),
        ("Fri, 05 Jan 2024 10:00:00 GMT", "2024-01-05T10:00:00+00:00"),
        ("2023/01/18", "2023-01-18"),
        ("2023/01/18 14:05:07", "2023-01-18T14:05:07"),
        ("18 January 2023", "2023-01-18"),
        (1704448800, "2024-01-05T10:00:00+00:00"),
        (1704448800000, "2024-01-05T10:00:00+00:00"),
        (1704448800.5, "2024-01-05T10:00:00.500000+00:00"),
        (date(2024, 1, 5), "2024-01-05"),
        (datetime(2024, 1, 5, 10, 0, tzinfo=UTC), "2024-01-05T10:00:00+00:00"),
    ],
)
def test_parse_date(value: object, expected: str) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "January",
        "next week",
        "yesterday",
        "Friday",
        "January 2024",
        "5 January",
        "2024",
        "2024-13-45",
        "not a date",
        True,
        False,
        [2024, 1, 5],
        {"date": "2024-01-05"},
    ],
)
def test_parse_date_never_invents_a_date(value: object) -> None:
    assert parse_date(value) is None


def test_parse_date_output_is_iso() -> None:
    for value in ("2024-01-05", "Fri, 05 Jan 2024 10:00:00 GMT", "2023/01/18", 1704448800):
        parsed = parse_date(value)
        assert parsed is not None
        datetime.fromisoformat(parsed)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05T10:30Z", "2024-01-05T10:30:00+00:00"),
        ("2024-01-05T23:30-05:00", "2024-01-05T23:30:00-05:00"),
        ("Fri, 05 Jan 2024 10:00 GMT", "2024-01-05T10:00:00+00:00"),
    ],
)
def test_parse_date_keeps_time_without_seconds(value: str, expected: str) -> None:
    assert parse_date(value) == expected


# --- date_timestamp ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-05", 1704412800),
        ("2024-01-05T10:00:00+00:00", 1704448800),
        ("2024-01-05T10:00:00", 1704448800),
        ("2024-01-05T12:00:00+02:00", 1704448800),
        ("1970-01-01", 0),
        (None, None),
        ("", None),
    ],
)
def test_date_timestamp(value: str | None, expected: int | None) -> None:
    assert date_timestamp(value) == expected


def test_date_timestamp_round_trips_parse_date() -> None:
    assert date_timestamp(parse_date(1704448800)) == 1704448800
    assert date_timestamp(parse_date("Fri, 05 Jan 2024 10:00:00 GMT")) == 1704448800
    assert date_timestamp(parse_date("2023/01/18")) == 1674000000


# --- make_title ----------------------------------------------------------------------------------


def test_make_title_strips_markdown_marks() -> None:
    assert make_title("## **Big news** ") == "Big news"
    assert make_title("# Heading") == "Heading"


def test_make_title_cuts_long_lines_at_a_word_boundary() -> None:
    line = "alpha beta, " * 20
    title = make_title(line, limit=30)
    assert title.endswith("…")
    assert len(title) <= 31
    assert line.startswith(title[:-1])
    assert not title[:-1].endswith((",", " "))
    assert make_title("short line", limit=30) == "short line"
