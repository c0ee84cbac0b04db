"""Constraints a question states itself: an outlet ("according to Reuters") and a time.

Calendar expressions ("in January 2024", "since June", "before March 2024") become date
filters; a bare year ("in 2023", often the time of an event rather than of the reporting) and
relative expressions ("last week", "this week", "recently", "yesterday") become a boost for
articles published in that window. Both are relative to the date the question is asked as of
(``Filters.as_of``) or else to the newest article date in the library, not to today, so an
archive of last year's news still reads "last week" sensibly.
Filters given explicitly (API, CLI, UI) always win over what the question says.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.language.lexicon import MONTH_PATTERN, MONTHS
from assistant.types import Filters
from index.library import Library
from index.types import published_within

_MONTH = MONTH_PATTERN
_YEAR = r"(?:19|20)\d\d"

# Well-known outlets by domain: other names a question may use for them.
OUTLET_NAMES: dict[str, tuple[str, ...]] = {
    "nytimes.com": ("New York Times", "NYT", "NY Times"),
    "washingtonpost.com": ("Washington Post", "WaPo"),
    "wsj.com": ("Wall Street Journal", "WSJ"),
    "apnews.com": ("Associated Press", "AP"),
    "reuters.com": ("Reuters",),
    "bbc.com": ("BBC",),
    "bbc.co.uk": ("BBC",),
    "theguardian.com": ("The Guardian", "Guardian"),
    "cnn.com": ("CNN",),
    "foxnews.com": ("Fox News",),
    "aljazeera.com": ("Al Jazeera",),
    "usatoday.com": ("USA Today",),
    "npr.org": ("NPR",),
    "bloomberg.com": ("Bloomberg",),
    "ft.com": ("Financial Times", "FT"),
    "theweek.com": ("The Week",),
    "theweek.co.uk": ("The Week",),
    "politico.com": ("Politico",),
    "kyivindependent.com": ("Kyiv Independent",),
    "globaltimes.cn": ("Global Times",),
    "tass.com": ("TASS",),
    "rt.com": ("RT", "Russia Today"),
}
_CUE_BEFORE = (
    r"(?:according to|reported by|reports? (?:from|in|by)|as reported by|per)\s+(?:the\s+)?"
)
_CUE_AFTER = (
    r"(?:'s|’s)?\s+(?:report(?:s|ed)?|sa(?:y|ys|id)|wr(?:ite|ites|ote)|claim(?:s|ed)?|coverage)"
)


@dataclass
class Constraints:
    """What the question itself asks to filter or favour."""

    filters: Filters
    boost: tuple[date, date] | None = None
    """Favour articles published in this window (first and last day): a relative time."""
    notes: list[str] = field(default_factory=list)
    remainder: str = ""
    """The question without the phrases that became filters (they are not evidence to match)."""


def _outlet_names(outlet: str) -> set[str]:
    names = {outlet}
    host = outlet.lower()
    if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", host):
        label = host.split(".")[-3] if host.endswith(".co.uk") else host.rsplit(".", 1)[0]
        names.add(label.split(".")[-1])
        names.update(OUTLET_NAMES.get(host, ()))
    return {n for n in names if len(n) >= 2}


def find_outlets(question: str, known: list[str]) -> list[tuple[str, str]]:
    """Indexed outlets the question names as a source, with the words that named them."""
    found = []
    for outlet in known:
        for name in sorted(_outlet_names(outlet), key=len, reverse=True):
            escaped = re.escape(name)
            pattern = rf"{_CUE_BEFORE}{escaped}(?!\w)|(?<!\w){escaped}{_CUE_AFTER}"
            match = re.search(pattern, question, re.IGNORECASE)
            # Short names such as "AP" or "RT" must be written in capitals to count.
            if match and (len(name) > 3 or name in match.group(0)):
                found.append((outlet, match.group(0)))
                break
    return found


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, reference: date) -> int:
    """The most recent year in which ``month`` is not after the reference month."""
    return reference.year if month <= reference.month else reference.year - 1


def find_dates(
    question: str, reference: date
) -> tuple[date | None, date | None, date | None, str | None]:
    """(since, until, boost_since, the words that said it) from a time expression."""
    q = question.lower()
    if m := re.search(rf"\b(?:in|during|from)\s+({_MONTH})\.?\s+({_YEAR})\b", q):
        since, until = _month_range(int(m.group(2)), MONTHS[m.group(1)])
        return since, until, None, m.group(0)
    if m := re.search(rf"\b(since|after|before|until|by)\s+({_MONTH})\.?(?:\s+({_YEAR}))?\b", q):
        month = MONTHS[m.group(2)]
        year = int(m.group(3)) if m.group(3) else _year_for(month, reference)
        first, last = _month_range(year, month)
        word = m.group(1)
        if word in ("since", "after"):
            return (first if word == "since" else last + timedelta(days=1)), None, None, m.group(0)
        return None, (first - timedelta(days=1) if word == "before" else last), None, m.group(0)
    if m := re.search(rf"\b(?:in|during)\s+({_YEAR})\b", q):
        # "in 2023" in a question is as often the time of an event ("cloned in 1996", "data
        # for 2022") as the time of reporting: favour that year's articles, filter nothing.
        year = int(m.group(1))
        if year <= reference.year:
            return None, None, date(year, 1, 1), m.group(0)
        return None, None, None, None
    if m := re.search(rf"\b(since|after|before|until)\s+({_YEAR})\b", q):
        year = int(m.group(2))
        bounds = {
            "since": (date(year, 1, 1), None),
            "after": (date(year + 1, 1, 1), None),
            "before": (None, date(year - 1, 12, 31)),
            "until": (None, date(year, 12, 31)),
        }[m.group(1)]
        return bounds[0], bounds[1], None, m.group(0)
    relative = {
        "yesterday": 2, "today": 1, "this week": 7, "last week": 14, "past week": 7,
        "this month": 31, "last month": 62, "past month": 31, "recently": 30, "latest": 30,
    }  # fmt: skip
    for words, days in relative.items():
        if re.search(rf"\b{words}\b", q):
            return None, None, reference - timedelta(days=days), words
    return None, None, None, None


def read_constraints(
    question: str, explicit: Filters, outlets: list[str], newest: str | None
) -> Constraints:
    """Filters and boosts from the question, merged under the explicit ``filters``."""
    notes: list[str] = []
    consumed: list[str] = []
    chosen_outlets = tuple(explicit.outlets)
    if not chosen_outlets:
        named = find_outlets(question, outlets)
        if named:
            chosen_outlets = tuple(o for o, _ in named)
            consumed += [words for _, words in named if not re.search(_CUE_AFTER + "$", words)]
            notes.append(
                "Searched only " + ", ".join(f"{o} (from “{words}”)" for o, words in named) + "."
            )
    since, until, boost = explicit.since, explicit.until, None
    reference = explicit.as_of or (date.fromisoformat(newest[:10]) if newest else None)
    if reference and not (since or until):
        q_since, q_until, boost_since, words = find_dates(question, reference)
        if q_since or q_until:
            since, until = q_since, q_until
            consumed.append(words or "")
            notes.append(f"Searched articles published {_describe(since, until)} (from “{words}”).")
        elif boost_since:
            boost = (boost_since, reference)
            origin = "the date asked as of" if explicit.as_of else "the newest article"
            notes.append(
                f"Favoured articles published {_describe(*boost)} (“{words}”, counted back "
                f"from {origin}, {reference.isoformat()})."
            )
    filters = Filters(outlets=chosen_outlets, since=since, until=until, as_of=explicit.as_of)
    remainder = question
    for words in consumed:
        remainder = re.sub(re.escape(words), " ", remainder, flags=re.IGNORECASE)
    remainder = re.sub(r"\s+([,?.!])", r"\1", " ".join(remainder.split())).strip(" ,")
    return Constraints(filters, boost, notes, remainder or question)


def constraints_in(library: Library, question: str, explicit: Filters) -> Constraints:
    """``read_constraints`` against the library's outlets and newest article date."""
    summary = library.summary()
    outlets = [name for name, _ in summary.outlets]
    return read_constraints(question, explicit, outlets, summary.date_span[1])


def window_note(window: tuple[date, date] | None, published: list[str | None]) -> list[str]:
    """A note when none of the quoted articles was published in the window the question names.

    The window only favours articles (it filters nothing), so an answer may rest on older
    reports; the reader asked about "this week" and should see that they are not from it.
    """
    if window is None or not published or any(published_within(p, window) for p in published):
        return []
    dates = sorted({p[:10] for p in published if p})
    when = f"; they are from {', '.join(dates)}" if dates else "; they carry no date"
    return [
        f"None of the quoted articles was published {_describe(*window)}, the time the "
        f"question names{when}. Check that they report the same events."
    ]


def _describe(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {since.isoformat()} to {until.isoformat()}"
    return f"since {since.isoformat()}" if since else f"until {until.isoformat() if until else ''}"
