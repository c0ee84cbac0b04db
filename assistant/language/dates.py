"""Event dates in news sentences, resolved against the article's publication date.

Read: full dates ("January 5, 2024", "Sept. 12, 2024", "5 Jan 2024", "2024-01-05"); a month
and day without a year in full or AP style ("March 2", "Sept. 12", "Oct. 4"); relative words
("today", "yesterday", "tomorrow", "last night", "two days ago"); weekdays ("on Monday", "said
Tuesday", "next Friday").

A date without a year is placed by what the sentence says about time: an event the sentence
announces ("will vote on Oct. 4", "is scheduled for Sept. 12", "next Monday") is the first such
day on or after publication; one it reports ("voted Monday", "began on Dec. 28") the last one on
or before it. With no cue either way, a month and day within ~two months after publication is
taken as upcoming (a September article's "on Oct. 4" is this year's October), anything else as
past; a past-tense verb makes it past; a bare weekday is the past one (news reports what
happened).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from assistant.language.lexicon import MONTH_PATTERN, MONTHS, WEEKDAY_NAMES, WEEKDAYS

_MONTH = MONTH_PATTERN
_WEEKDAY_NAMES = WEEKDAY_NAMES
_NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven".split())}

_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b", re.I)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_MD = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d)(?!\s*(?:%|percent))",
    re.I,
)
_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b\.?(?!,?\s*(?:19|20)\d\d)", re.I)
# Weekdays are capitalised in news copy; "next"/"last"/"this" say which one.
_WEEKDAY = re.compile(rf"\b(?:on\s+)?(?:(next|last|this|coming)\s+)?({_WEEKDAY_NAMES})\b")
_RELATIVE = [
    (re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I), 0),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), -1),
    (re.compile(r"\btomorrow\b", re.I), 1),
]
_AGO = re.compile(r"\b(\d|one|two|three|four|five|six|seven)\s+days?\s+ago\b", re.I)
_FUTURE = re.compile(
    r"\b(?:will|would|shall|scheduled|expected|set to|due to|is due|are due|plans? to|planned|"
    r"upcoming|next|slated|to be held|to take place|to begin|to start|to vote|to meet|"
    r"until|through|deadline|postponed (?:to|until)|moved to|(?:is|are) to)\b|['’]ll\b",
    re.I,
)
_PAST = re.compile(r"\b(?:was|were|had|did|ago|last|earlier)\b|\b[a-z]{3,}ed\b", re.I)
UPCOMING_DAYS = 62  # a bare month-day up to ~two months after publication is upcoming


def event_date(sentence: str, published_at: str | None) -> tuple[str | None, str | None]:
    """(ISO date, the words that said it) for the event a sentence reports, when it says."""
    found = _full_date(sentence)
    if found or not published_at:
        return found or (None, None)
    try:
        published = date.fromisoformat(published_at[:10])
    except ValueError:
        return None, None
    future: bool | None = True if _FUTURE.search(sentence) else None
    if future is None and _PAST.search(sentence):
        future = False
    for reader in (_month_day, _relative, _weekday):
        when = reader(sentence, published, future)
        if when:
            return when
    return None, None


def _full_date(sentence: str) -> tuple[str, str] | None:
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_ISO, "ymd")):
        for m in pattern.finditer(sentence):
            try:
                if order == "mdy":
                    found = date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
                elif order == "dmy":
                    found = date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
                else:
                    found = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            return found.isoformat(), m.group(0)
    return None


def place_year(month: int, day: int, published: date, future: bool | None) -> date | None:
    """The year-less ``month``/``day`` as a full date, placed around ``published``.

    ``future`` is True when the sentence announces the event, False when it reports it as past,
    None when it does not say.
    """
    options = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None
    after = [d for d in options if d >= published - timedelta(days=1)]
    before = [d for d in options if d <= published]
    if future and after:
        return min(after)
    soon = [d for d in options if published < d <= published + timedelta(days=UPCOMING_DAYS)]
    if soon and future is None:
        return soon[0]
    return max(before) if before else min(options)


def _month_day(sentence: str, published: date, future: bool | None) -> tuple[str, str] | None:
    for pattern, month_group, day_group in ((_MD, 1, 2), (_DM, 2, 1)):
        for m in pattern.finditer(sentence):
            if not m.group(month_group)[0].isupper():
                continue  # "may 2" is a verb and a number; month names are capitalised
            month = MONTHS[m.group(month_group).lower()]
            found = place_year(month, int(m.group(day_group)), published, future)
            if found:
                return found.isoformat(), m.group(0)
    return None


def _relative(sentence: str, published: date, future: bool | None) -> tuple[str, str] | None:
    for pattern, days in _RELATIVE:
        if m := pattern.search(sentence):
            return (published + timedelta(days=days)).isoformat(), m.group(0)
    if m := _AGO.search(sentence):
        raw = m.group(1).lower()
        days = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        return (published - timedelta(days=days)).isoformat(), m.group(0)
    return None


def _weekday(sentence: str, published: date, future: bool | None) -> tuple[str, str] | None:
    m = _WEEKDAY.search(sentence)
    if not m:
        return None
    which, target = (m.group(1) or "").lower(), WEEKDAYS[m.group(2).lower()]
    ahead = (target - published.weekday()) % 7
    back = (published.weekday() - target) % 7
    if which in ("next", "coming") or (future is True and which != "last"):
        days = ahead or (7 if which else 0)
    elif which == "last":
        days = -(back or 7)
    else:
        days = -back
    return (published + timedelta(days=days)).isoformat(), m.group(0)
