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

What a figure counts (its slot: unit, counted noun, event word, qualifiers) is read by
``assistant.research.slots``; causes, damage and harm by ``assistant.research.states``. A
comparison that rests on a slot rather than on wording is ``aligned``: it holds at any
similarity, so two newsrooms' sentences on one fact meet however differently they are worded.

Rules, not a model: docs/research-signals.md lists what they miss (paraphrases with no shared
words and no figure, figures with different scopes under one noun and one event word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.engines.sentences import terms
from assistant.language.lexicon import MONTHS, WEEKDAYS
from assistant.research import states
from assistant.research.slots import Slot, anchored, close, describe, same_slot, to_digits

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
_UNIT_NOUNS = {"dollar": "dollar", "pound": "pound", "euro": "euro", "percent": "%"}
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
    slot: Slot = field(default_factory=Slot)  # what it counts, read from the words around it


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
    """How one sentence stands to another: the outcome and, for a conflict, why.

    ``aligned`` says the outcome rests on what the two sentences say (one slot of one event:
    a figure, a cause, damage, harm, or the same statement), not on their surface similarity.
    """

    outcome: Outcome
    reason: str | None = None
    aligned: bool = False


def read(sentence: str) -> Facts:
    """The facts of one sentence."""
    digits = to_digits(sentence)  # "fourteen" -> "14": spans below are in this text
    spans = [(m.start(), m.end()) for m in re.finditer(r"\b(?:19|20)\d\d\b", digits)]
    day_spans = [
        m.span()
        for m in re.finditer(
            rf"\b(?:{'|'.join(MONTHS)})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b",
            digits,
            re.I,
        )
        if m.group(0)[0].isupper() or m.group(0)[0].isdigit()
    ]
    quantities = []
    for m in _QUANTITY.finditer(digits):
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
        slot = describe(digits, m.start(), m.end())
        unit = "%" if m.group("pct") else _UNITS.get(m.group("cur") or "", "")
        unit = unit or _UNIT_NOUNS.get(slot.noun, "")
        after = " ".join(digits[m.end() :].split()[:3])
        before = " ".join(digits[: m.start()].split()[-2:])
        counted = frozenset(_canonical(terms(after)) | _canonical(terms(before)))
        quantities.append(Quantity(value, m.group(0).strip(), unit, counted, slot))
    names = names_in(sentence)
    days = frozenset(" ".join(d.lower().replace(".", "").split()) for d in _day_words(sentence))
    return Facts(
        text=sentence,
        words=frozenset(_canonical(terms(_NEGATION.sub(" ", sentence))) - _FRAME),
        quantities=tuple(quantities),
        negations=len(_NEGATION.findall(sentence)),
        undetermined=bool(states.UNSETTLED.search(sentence)),
        names=names,
        days=days,
    )


def names_in(text: str) -> frozenset[str]:
    """The names in ``text`` (capitalised words not opening a sentence), lower-cased."""
    return frozenset(
        re.sub(r"[’']s$", "", n.lower()) for n in _NAME.findall(text) if n not in _NOT_NAMES
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
        # the same value backs a claim under the words around it too ("30 troops" repeated
        # verbatim); another value conflicts only for the same slot
        near = [r for r in b.quantities if r.unit == q.unit and q.counted & r.counted]
        slot = [r for r in b.quantities if r.unit == q.unit and _one_slot(q, r)]
        approximate = [q.slot.approximate or r.slot.approximate for r in b.quantities]
        if any(
            close(q.value, r.value, approx) and (r in slot or r in near)
            for r, approx in zip(b.quantities, approximate, strict=True)
        ):
            same.append(q)
        elif slot:
            rivals.append((q, slot[0]))
    return same, rivals


def _one_slot(q: Quantity, r: Quantity) -> bool:
    if q.unit and not (q.slot.event or q.slot.noun or r.slot.event or r.slot.noun):
        return bool(q.counted & r.counted)  # "$3 million" / "$5 million": the words around
    return same_slot(q.slot, r.slot)


def compare(claim: str | Facts, other: str | Facts, similarity: float) -> Comparison:
    """How ``other`` stands to ``claim``, given their embedding similarity.

    The figures, the cause, damage and harm are compared by what the sentences say (slots),
    whatever their similarity; the similarity only separates the same topic from unrelated
    text and backs support for a claim without a figure.
    """
    a = claim if isinstance(claim, Facts) else read(claim)
    b = other if isinstance(other, Facts) else read(other)
    overlap = shared(a, b)
    same, rivals = figures(a, b)
    state = (
        states.cause(a.text, b.text) or states.damage(a.text, b.text) or states.harm(a.text, b.text)
    )
    if similarity < RELATED_SIMILARITY and overlap < SAME_POINT and not (same or rivals or state):
        return Comparison("unrelated")
    if not same_event(a, b):
        return Comparison("related")
    if rivals and not same:
        q, r = rivals[0]
        reason = f"different figures: {_fmt(q)} here, {_fmt(r)} there"
        return Comparison("conflict", reason, aligned=anchored(q.slot, r.slot))
    if state:
        return Comparison("conflict", state, aligned=True)
    near = overlap >= SAME_POINT / 2 and similarity >= RELATED_SIMILARITY
    if near and a.undetermined != b.undetermined:
        reason = (
            "calls it undetermined" if b.undetermined else "states what this calls undetermined"
        )
        return Comparison("conflict", reason)
    point = overlap >= SAME_POINT and similarity >= RELATED_SIMILARITY
    if point and not same and (a.negations % 2) != (b.negations % 2):
        # aligned when the negation falls on a word both say ("had not polluted" / "polluted")
        both = a.words & b.words
        aligned = bool((_negated(a.text) | _negated(b.text)) & both)
        return Comparison("conflict", "says the opposite", aligned=aligned)
    if a.quantities and not same:
        return Comparison("related")  # a sentence without the figure cannot back it
    if not same and (a.negations % 2) != (b.negations % 2):
        return Comparison("related")  # opposite polarity on a different point: no support
    if same:
        return Comparison("agree", aligned=True)  # the claim's figure, for the same slot
    if similarity >= AGREE_SIMILARITY:
        return Comparison("agree")
    return Comparison("related")


_AUXILIARY = frozenset(
    "be been being have has had that any the a an yet to was were is are".split()
)


def _negated(sentence: str) -> set[str]:
    """The content words a negation falls on: the first after "not", "no", "denied that"."""
    out: set[str] = set()
    for m in _NEGATION.finditer(sentence):
        following = [w for w in sentence[m.end() :].split()[:4] if w.lower() not in _AUXILIARY]
        if following:
            out |= _canonical(terms(following[0]))
    return out


def _fmt(q: Quantity) -> str:
    value = q.value
    text = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"{text}%" if q.unit == "%" else text
