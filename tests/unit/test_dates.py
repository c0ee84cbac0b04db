"""Event dates as news copy writes them, resolved against the publication date."""

from __future__ import annotations

import pytest

from assistant.language.dates import event_date


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # AP-style months, with and without a year
        ("The hearing was held on Sept. 12, 2024, in Dover.", None, "2024-09-12"),
        ("The council met Sept. 12 to discuss the budget.", "2024-09-20", "2024-09-12"),
        ("Ballots were mailed on Sept. 3.", "2024-09-20", "2024-09-03"),
        ("The debate is on Oct. 4.", "2024-09-20", "2024-10-04"),
        ("The vote will take place Oct. 4 in the capital.", "2024-09-02", "2024-10-04"),
        ("The trial is scheduled to begin Jan. 8.", "2024-11-15", "2025-01-08"),
        ("Talks began on Dec. 28 and ended this week.", "2024-01-05", "2023-12-28"),
        ("The plant opened on Nov. 2.", "2024-09-20", "2023-11-02"),
        ("Results may 2 weeks late.", "2024-09-20", None),  # "may" is not May
        # weekdays: reported ones are past, announced ones ahead
        ("Officials said Tuesday that the fire was out.", "2024-09-20", "2024-09-17"),
        ("The council will vote on Thursday.", "2024-09-17", "2024-09-19"),
        ("The board meets next Monday.", "2024-09-20", "2024-09-23"),
        ("The strike began last Friday.", "2024-09-20", "2024-09-13"),  # 09-20 is a Friday
        # relative words
        ("The fire broke out early today at the plant.", "2024-09-20", "2024-09-20"),
        ("Crews will return tomorrow.", "2024-09-20", "2024-09-21"),
        ("The road reopened two days ago.", "2024-09-20", "2024-09-18"),
        ("Residents were evacuated last night.", "2024-09-20T08:00:00+00:00", "2024-09-19"),
    ],
)
def test_news_dates(sentence: str, published: str | None, expected: str | None) -> None:
    assert event_date(sentence, published)[0] == expected


def test_upcoming_events_in_a_september_article_are_this_years() -> None:
    published = "2016-09-14"
    for day in range(1, 16):
        sentence = f"The second presidential debate is on Oct. {day}."
        assert event_date(sentence, published)[0] == f"2016-10-{day:02d}"
