"""Which slot of an event a figure fills, read from the words around it.

Two newsrooms rarely word one fact alike: "Fourteen people were injured, three of them
seriously" and "the fire service says 14 people were hurt" share few words and score about 0.5
with the embedder. What they share is the slot: a count (the unit), of people (the counted
noun), who were injured (the event word, under any of its synonyms), with no qualifier
("seriously", "of them") that makes it a count of something narrower. A figure's slot is read
from the words around it:

- ``event``: the nearest event word within the clause (injured/hurt/wounded, killed/dead/died,
  evacuated/forced to leave, ...), one canonical name per group;
- ``noun``: the counted noun just after the figure ("40 firefighters", "40 homes"); people
  nouns ("people", "residents") are generic and fit any person, other nouns must match;
- ``qualifiers``: words that narrow the count ("seriously", "of them", "more");
- ``approximate``: "about", "some", "around", "nearly": a rounded figure.

Two figures fill the same slot when units and qualifiers are equal, nouns fit, events do not
differ, and something positive ties them (the same event word, or the same specific noun).
Word numbers become digits first ("three hundred and fifty" -> "350").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred"])
_NUMBER_RUN = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)

# Event words, one canonical name a group; stems and phrases, matched at word starts.
EVENTS: dict[str, tuple[str, ...]] = {
    "injured": ("injur", "hurt", "wound"),
    "hospitalised": ("hospitali", "admitted to hospital", "taken to hospital", "in hospital"),
    "treated": ("treated",),
    "killed": ("kill", "dead", "death", "die", "fatal", "drown", "lost their lives", "bodies"),
    "evacuated": (
        "evacu",
        "forced to leave",
        "forced from",
        "had to leave",
        "moved out",
        "fled",
        "displac",
        "leave their homes",
        "left their homes",
        "from their homes",
        "temporary homes",
        "rehoused",
    ),
    "missing": ("missing", "unaccounted"),
    "robbed": ("rob", "raid", "held up"),
    "protest": ("march", "protest", "gather", "rall", "demonstrat"),
    "rescued": ("rescu", "freed", "brought ashore", "taken ashore", "brought to the surface"),
    "arrested": ("arrest", "detain", "custody"),
    "destroyed": ("destroy", "gutted", "wreck", "razed", "burned down", "burnt"),
    "damaged": ("damag", "crack"),
    "burned": ("burn", "scorch"),
    "no power": (
        "without electricity",
        "without power",
        "lost power",
        "power cut",
        "blackout",
        "cut off",
    ),
    "cancelled": ("cancel", "grounded", "scrapped"),
    "delayed": ("delay",),
    "on strike": ("walk", "strike", "strik", "joined the walkout"),
    "turnout": ("turnout", "turned out", "took part", "taken part", "voted in"),
    "in favour": (
        "voted for",
        "backed",
        "approved",
        "in favour",
        "in favor",
        "won",
        "took",
        "winning",
        "support",
    ),
    "rise": ("rise", "rais", "increas", "go up", "went up", "up by", "grow", "grew"),
    "fall": ("fall", "fell", "cut", "drop", "reduc", "lower", "less", "down by", "shrank"),
    "cost": ("cost", "pay", "paid", "award", "damages", "fine", "spend", "budget"),
    "save": ("save", "saving"),
    "job loss": ("jobs", "job cuts", "lay off", "laid off", "redundan"),
    "majority": ("majority", "margin"),
}
# Counted nouns: people nouns (any person) and groups of nouns that count one thing.
_PEOPLE = frozenset(
    "people person persons resident residents villager villagers individual individuals "
    "civilian civilians inhabitant inhabitants men women man woman".split()
)
_NOUNS = [
    ("worker", "worker workers employee employees staff labourers laborers"),
    ("child", "child children pupil pupils student students boy boys girl girls"),
    ("home", "home homes house houses household households dwelling dwellings flat flats"),
    ("firefighter", "firefighter firefighters firemen"),
    ("passenger", "passenger passengers"),
    ("miner", "miner miners"),
    ("driver", "driver drivers"),
    ("soldier", "soldier soldiers troop troops"),
    ("hostage", "hostage hostages"),
    ("patient", "patient patients"),
    ("nurse", "nurse nurses"),
    ("protester", "protester protesters marcher marchers demonstrator demonstrators"),
    ("crew", "crew"),
    ("vote", "vote votes ballot ballots"),
]
_NOUN_OF = {w: name for name, ws in _NOUNS for w in ws.split()}
_PERSON_NOUNS = {n for n, _ in _NOUNS} - {"home", "vote"}
_FUNCTION_WORDS = frozenset(
    "that which who whom were was had have has are is will would to in at on for from by after "
    "before as when while and or but than".split()
)
# Units of measure: a figure of one counts the same thing without an event word.
_MEASURES = frozenset(
    "metre meter kilometre kilometer mile hectare acre tonne ton litre liter degree".split()
)
_QUALIFIERS = {
    "serious": r"serious|seriously|critical|critically|badly|severe|severely|intensive",
    "minor": r"minor|slight|slightly|lightly",
    "part": r"of them|of whom|among them|including",
    "more": r"more|another|further|additional|other",
}
_APPROXIMATE = re.compile(
    r"\b(?:about|around|some|nearly|almost|roughly|approximately|close to|an estimated|"
    r"estimated|up to|just under|just over)\s*$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;:]|,\s|\s(?:while|but|whereas|and then|after|before)\s|\.\s")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
APPROXIMATE_TOLERANCE = 0.1  # "about 1,200" holds 1,180; "about 800" does not hold 950


@dataclass(frozen=True)
class Slot:
    """What a figure counts: the event, the counted noun, qualifiers, and if it is rounded."""

    event: str = ""
    noun: str = ""
    qualifiers: frozenset[str] = frozenset()
    approximate: bool = False


def to_digits(text: str) -> str:
    """``text`` with runs of number words written in digits ("twenty-three" -> "23")."""

    def value(match: re.Match[str]) -> str:
        words = re.split(r"[\s-]+", match.group(0).lower())
        total = current = 0
        for w in words:
            if w == "and":
                continue
            if w == "hundred":
                current = max(current, 1) * 100
            else:
                current += _UNITS.get(w, 0) + _TENS.get(w, 0)
        total += current
        if words == ["one"] or words == ["zero"]:
            return match.group(0)  # "one of the ..." is rarely a figure
        return str(total)

    return _NUMBER_RUN.sub(value, text)


def describe(sentence: str, start: int, end: int) -> Slot:
    """The slot of the figure at ``sentence[start:end]``."""
    before_clause = _CLAUSE_END.split(sentence[:start])[-1]
    after_clause = re.split(r"\d", _CLAUSE_END.split(sentence[end:], maxsplit=1)[0])[0]
    after_words = _WORD.findall(after_clause)[:8]
    before_words = _WORD.findall(before_clause)[-8:]
    after = " ".join(after_words).lower()
    before = " ".join(before_words).lower()
    event = _nearest_event(after, before)
    noun = _noun(after_words)
    qualifiers = frozenset(
        name
        for name, pattern in _QUALIFIERS.items()
        if re.search(rf"\b(?:{pattern})\b", " ".join(after.split()[:6]))
    )
    approximate = bool(_APPROXIMATE.search(sentence[:start]))
    return Slot(event, noun, qualifiers, approximate)


def _nearest_event(after: str, before: str) -> str:
    """The event word nearest the figure: words after it first, then words before it."""
    found = []
    for order, (name, stems) in enumerate(EVENTS.items()):
        for stem in stems:
            pattern = re.compile(rf"\b{stem}")
            m = pattern.search(after)
            if m:
                found.append((len(after[: m.start()].split()), 0, order, name))
            hits = list(pattern.finditer(before))
            if hits:
                found.append((len(before[hits[-1].start() :].split()), 1, order, name))
    return min(found)[3] if found else ""


def _noun(after_words: list[str]) -> str:
    """The counted noun: the first noun-like word after the figure (skipping a few modifiers)."""
    words = [w.lower().strip("'’") for w in after_words[:4]]
    if words[:1] == ["of"]:  # "52 percent of the vote" counts votes; "three of them" is a part
        rest = [w for w in words[1:] if w not in ("the", "its", "their")]
        return _NOUN_OF.get(rest[0], "") if rest else ""
    for w in words[:3]:
        if w in _FUNCTION_WORDS:
            return ""  # the noun phrase ended: "£82 million budget that raises" counts no raises
        if w in _PEOPLE:
            return "people"
        if w in _NOUN_OF:
            return _NOUN_OF[w]
        if w.rstrip("s") in _MEASURES:
            return w.rstrip("s")  # "a 40-metre section", "about 40 metres"
        if w in ("percent", "per", "cent", "million", "billion", "thousand"):
            continue
        if w.endswith("s") and len(w) > 3 and not w.endswith("ss"):
            return w.rstrip("s")  # a plural noun counts ("40 wagons", "2,000 hectares")
    return ""


def nouns_fit(a: str, b: str) -> bool:
    """Whether two counted nouns can count one thing ("people" fits any person noun)."""
    if not a or not b or a == b:
        return True
    person = {a, b} <= _PERSON_NOUNS | {"people"}
    return person and "people" in (a, b)


# Nouns that measure something of a holder (a person's years, a player's points) rather than
# count the things of an event: "lived in Smyrna for 40 years" and "served for 20 years" are two
# people's figures, so such a noun alone makes one slot only between close sentences.
_HOLDER_MEASURES = frozenset("year month week day hour minute second point goal run time".split())


def same_slot(a: Slot, b: Slot) -> bool:
    """Whether two figures (of the same unit) count one thing of one event."""
    if a.qualifiers != b.qualifiers or not nouns_fit(a.noun, b.noun):
        return False
    if a.event and b.event:
        return a.event == b.event
    specific = a.noun and a.noun == b.noun and a.noun != "people"
    return bool(specific)


def anchored(a: Slot, b: Slot) -> bool:
    """Whether one slot rests on what is counted (holds at any similarity of the sentences).

    An event word on both sides, or a counted noun, anchors it; a holder's measure alone
    ("28 points", "40 years") does not: whose points or years they are is not read, so the
    figures meet only in sentences close enough to be about one holder.
    """
    return bool(a.event and b.event) or a.noun not in _HOLDER_MEASURES


def close(x: float, y: float, approximate: bool) -> bool:
    """Whether two figures agree: equal, or within rounding when one is approximate."""
    tolerance = APPROXIMATE_TOLERANCE if approximate else 0.005
    return abs(x - y) <= tolerance * max(abs(x), abs(y))
