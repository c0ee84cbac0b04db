"""Sentence boundaries for news text, as character spans into the original string.

A rule-based splitter: news prose is regular enough that a few rules beat a statistical model that
would have to be downloaded, and spans into the untouched text keep citations exact.
"""

from __future__ import annotations

import re

from index.types import Span

# Words that end with a period without ending the sentence (compared lower-cased, no period).
ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof sr jr st gen lt col maj capt cpt sgt adm cmdr cdr gov sen rep rev
    hon pres supt insp det ofc inc corp co ltd llc plc bros dept univ assn jan feb mar apr jun
    jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun no nos vs etc
    approx est ave blvd rd mt ft fig figs vol p pp ch sec art ed eds op cit al""".split()
)

# A sentence can end in . ! ? or … (possibly repeated), followed by closing quotes or brackets.
# Linear time: a match starts only at the first mark of a run, and possessive quantifiers never
# give back (so "!" * 64_000 with no space after is one failed attempt, not 64,000).
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]*_]*+(?=\s)")
# What may begin the next sentence: a capital, a digit or an opening quote/bracket/markup.
_NEXT = re.compile(r"\s+[\"'“‘«(\[*_]*[A-Z0-9À-ÖØ-ÞА-ЯЁІЇЄҐ]")
_WORD_BEFORE = re.compile(r"([\w.'’-]+)[.!?…]*[\"'”’»)\]*_]*$")
_TAIL = 64  # characters before a sentence end that are examined for an abbreviation
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}[A-Za-z]?$")


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans ``(start, end)`` with surrounding whitespace trimmed.

    Lines are paragraphs: a newline always ends a sentence. Inside a line, a sentence ends at
    terminal punctuation followed by whitespace and a capital, digit or opening quote, unless the
    word before is a known abbreviation, an initial ("J.") or an acronym ("U.S.").

    >>> text = "Mr. Smith went to Washington. He said: ‘No.’ Then he left."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Mr. Smith went to Washington.', 'He said: ‘No.’', 'Then he left.']
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        spans.extend(_split_line(text, line.start(), line.end()))
    return spans


def _split_line(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    begin = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if not _NEXT.match(text, stop, end):
            continue
        # Only the last word matters, so only a bounded tail is examined: "Mr. " * 16,000 is
        # linear, not quadratic. A word longer than the tail is no abbreviation.
        tail = max(begin, stop - _TAIL)
        if _is_abbreviation(text[tail:stop], truncated=tail > begin):
            continue
        spans.append((begin, stop))
        begin = stop
    spans.append((begin, end))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))]


def _is_abbreviation(sentence: str, truncated: bool = False) -> bool:
    """Whether the end of ``sentence`` (or of its tail, when ``truncated``) is an abbreviation."""
    if not sentence.rstrip("\"'”’»)]*_").endswith("."):
        return False
    found = _WORD_BEFORE.search(sentence)
    if not found or (truncated and found.start() == 0):
        return False
    word = found.group(1).rstrip(".")
    if "." in word and _ACRONYM.match(found.group(1).rstrip("\"'”’»)]*_")):
        return True
    if len(word) == 1 and word.isupper():
        return True
    return word.lower().lstrip("'’(") in ABBREVIATIONS


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
