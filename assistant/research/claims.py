"""Claim comparison between two sentences, reading what a reader reads.

A sentence is read into its facts: quantities (value, unit, and what they count: "1,200
residents evacuated" counts residents), the dates and names it gives, whether it is negated
("no toxic chemicals were released") or calls something undetermined ("the cause has not been
determined"). Two sentences are then compared as a reader compares two reports of an event:

- ``conflict``: both report the same event (no disjoint names or dates) and give the same slot
  a different value ("800 residents were evacuated" / "1,200 residents were evacuated"), or say
  the same thing with opposite polarity, or one settles what the other calls undetermined;
- ``agree``: the same claim (close in meaning and wording, same polarity); a claim with a
  figure is backed only by a sentence giving the same figure for the same slot;
- ``related``: the same topic without a position on the claim;
- ``unrelated``: neither.

Rules, not a model: docs/research-signals.md lists what they miss (paraphrases with no shared
words, figures for different things that share a noun).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.engines.sentences import terms
from assistant.language.lexicon import MONTHS, WEEKDAYS

Outcome = Literal["agree", "conflict", "related", "unrelated"]

AGREE_SIMILARITY = 0.70
RELATED_SIMILARITY = 0.55
SAME_POINT = 0.5  # share of the shorter sentence's content words the other repeats

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
_QUANTITY = re.compile(
    r"(?P<cur>[$£€])?\s?(?P<num>(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\d,]*\.\d)|\b(?:"
    + "|".join(_WORD_NUMBERS)
    + r")\b)(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?(?P<pct>\s?(?:%|percent\b))?",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|"
    r"false|untrue|refuted|refutes|rejected|dismissed|ruled out)\b|n['’]t\b",
    re.IGNORECASE,
)
_UNDETERMINED = re.compile(
    r"\b(?:undetermined|unknown|unclear|under investigation|being investigated|"
    r"(?:not|yet to) (?:yet )?(?:been )?(?:determined|known|established|confirmed|clear)|"
    r"no (?:official )?cause)\b",
    re.IGNORECASE,
)
# Words that only report or qualify a claim: they never make two sentences say different things.
_FRAME = frozenset(
    """said say says told report reported according official officials spokesman spokeswoman
    statement confirm confirmed added deny denied deni claim claimed news""".split()
)
# Things counted under different words: "800 people" and "1,200 residents" count one thing.
_SAME_COUNT = [
    {"people", "resident", "person", "individual", "inhabitant", "civilian", "citizen", "famil"},
    {"kill", "dead", "death", "die", "fatalit", "life", "lives", "bodie", "body"},
    {"injur", "injuri", "wound", "hurt", "hospitaliz"},
    {"soldier", "troop", "servicemen", "fighter"},
    {"home", "house", "building", "dwelling"},
    {"dollar", "usd"},
]
_UNITS = {"$": "dollar", "£": "pound", "€": "euro"}
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?\b")
_NOT_NAMES = (
    {m.capitalize() for m in MONTHS}
    | {d.capitalize() for d in WEEKDAYS}
    | {
        "Sept",
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "It",
        "He",
        "She",
        "They",
        "We",
        "But",
        "And",
    }
)


@dataclass(frozen=True)
class Quantity:
    """A figure in a sentence: its value, unit and the words of what it counts."""

    value: float
    text: str
    unit: str  # "%", "dollar", ... or "" for a count
    counted: frozenset[str]  # normalised words just after (and just before) the figure


@dataclass(frozen=True)
class Facts:
    """What a sentence states, as a reader compares it."""

    text: str
    words: frozenset[str]
    quantities: tuple[Quantity, ...]
    negations: int
    undetermined: bool
    names: frozenset[str]
    days: frozenset[str]


@dataclass(frozen=True)
class Comparison:
    """How one sentence stands to another: the outcome and, for a conflict, why."""

    outcome: Outcome
    reason: str | None = None


def read(sentence: str) -> Facts:
    """The facts of one sentence."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\b(?:19|20)\d\d\b", sentence)]
    day_spans = [
        m.span()
        for m in re.finditer(
            rf"\b(?:{'|'.join(MONTHS)})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b",
            sentence,
            re.I,
        )
        if m.group(0)[0].isupper() or m.group(0)[0].isdigit()
    ]
    quantities = []
    for m in _QUANTITY.finditer(sentence):
        if any(s <= m.start("num") < e for s, e in spans + day_spans):
            continue  # a year or a date is not a figure
        raw = m.group("num").lower()
        if raw in _WORD_NUMBERS and raw in ("one", "zero"):
            continue  # "one of the ..." is rarely a figure
        try:
            value = float(_WORD_NUMBERS.get(raw, None) or raw.replace(",", ""))
        except ValueError:
            continue
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        unit = "%" if m.group("pct") else _UNITS.get(m.group("cur") or "", "")
        after = " ".join(sentence[m.end() :].split()[:3])
        before = " ".join(sentence[: m.start()].split()[-2:])
        counted = frozenset(_canonical(terms(after)) | _canonical(terms(before)))
        quantities.append(Quantity(value, m.group(0).strip(), unit, counted))
    names = frozenset(n.lower() for n in _NAME.findall(sentence) if n not in _NOT_NAMES)
    days = frozenset(" ".join(d.lower().replace(".", "").split()) for d in _day_words(sentence))
    return Facts(
        text=sentence,
        words=frozenset(_canonical(terms(_NEGATION.sub(" ", sentence))) - _FRAME),
        quantities=tuple(quantities),
        negations=len(_NEGATION.findall(sentence)),
        undetermined=bool(_UNDETERMINED.search(sentence)),
        names=names,
        days=days,
    )


def _day_words(sentence: str) -> list[str]:
    weekdays = "|".join(d.capitalize() for d in WEEKDAYS)
    months = "|".join(m.capitalize() for m in MONTHS)
    return re.findall(rf"\b(?:{weekdays})\b|\b(?:{months})\.?\s+\d{{1,2}}\b", sentence)


def _canonical(words: set[str]) -> set[str]:
    out = set()
    for w in words:
        w = w[:-1] if w.endswith("e") and len(w) > 4 else w  # "cause" meets "caused" ("caus")
        group = next((g for g in _SAME_COUNT if w in g), None)
        out.add(min(group) if group else w)
    return out


def same_event(a: Facts, b: Facts) -> bool:
    """Whether two sentences can report one event: no disjoint names, no different days."""
    if a.names and b.names and not a.names & b.names:
        return False
    return not (a.days and b.days and not a.days & b.days)


def shared(a: Facts, b: Facts) -> float:
    """Share of the shorter sentence's content words that the other repeats."""
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / min(len(a.words), len(b.words))


def figures(a: Facts, b: Facts) -> tuple[list[Quantity], list[tuple[Quantity, Quantity]]]:
    """Figures of ``a`` that ``b`` repeats for the same slot, and (a, b) pairs that differ."""
    same, rivals = [], []
    for q in a.quantities:
        slot = [r for r in b.quantities if r.unit == q.unit and q.counted & r.counted]
        if any(_close(q.value, r.value) for r in slot):
            same.append(q)
        elif slot:
            rivals.append((q, slot[0]))
    return same, rivals


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 0.005 * max(abs(x), abs(y))


def compare(claim: str | Facts, other: str | Facts, similarity: float) -> Comparison:
    """How ``other`` stands to ``claim``, given their embedding similarity."""
    a = claim if isinstance(claim, Facts) else read(claim)
    b = other if isinstance(other, Facts) else read(other)
    overlap = shared(a, b)
    if similarity < RELATED_SIMILARITY and overlap < SAME_POINT:
        return Comparison("unrelated")
    if not same_event(a, b):
        return Comparison("related")
    same, rivals = figures(a, b)
    if rivals and not same:
        q, r = rivals[0]
        return Comparison("conflict", f"different figures: {_fmt(q)} here, {_fmt(r)} there")
    near = overlap >= SAME_POINT / 2 and similarity >= RELATED_SIMILARITY
    if near and a.undetermined != b.undetermined:
        reason = (
            "calls it undetermined" if b.undetermined else "states what this calls undetermined"
        )
        return Comparison("conflict", reason)
    point = overlap >= SAME_POINT and similarity >= RELATED_SIMILARITY
    if point and (a.negations % 2) != (b.negations % 2):
        return Comparison("conflict", "says the opposite")
    if a.quantities and not same:
        return Comparison("related")  # a sentence without the figure cannot back it
    if (a.negations % 2) != (b.negations % 2):
        return Comparison("related")  # opposite polarity on a different point: no support
    if similarity >= AGREE_SIMILARITY or (same and point):
        return Comparison("agree")
    return Comparison("related")


def _fmt(q: Quantity) -> str:
    value = q.value
    text = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"{text}%" if q.unit == "%" else text
