"""Answer types: what a question asks for, and whether a sentence adds a thing of that kind.

A sentence answers "Which newspaper analysed the imagery?" when it names an outlet the question
does not already name; a sentence that repeats the question's own names answers nothing. So
the entities, numbers and dates of a sentence are compared with the question's words, and only
what the sentence adds counts. Rules over the text, no statistical model (none can be
downloaded here, and news prose is regular enough).
"""

from __future__ import annotations

import re

from assistant.language.lexicon import MONTH_NAMES
from index.lexical import words

# British spellings folded into American ones, on both sides of every comparison, so that
# "analysed" meets "analyzed" and "centre" meets "center" (news copy uses both).
_SPELLING = [
    (re.compile(r"(\w{3,})ys(e|ed|es|ing)$"), r"\1yz\2"),
    (re.compile(r"(\w{4,})is(e|ed|es|ing|ation|ations)$"), r"\1iz\2"),
    (re.compile(r"(\w{3,})our(s|ed|ing)?$"), r"\1or\2"),
    (re.compile(r"(\w{3,})tre(s)?$"), r"\1ter\2"),
]


def terms(text: str) -> set[str]:
    """Content words of ``text``, normalised for matching.

    Lower-cased, stop words dropped, British spellings made American, plural and verb endings
    trimmed.
    """
    out = set()
    for word in words(text):
        for pattern, replacement in _SPELLING:
            word = pattern.sub(replacement, word)
        for suffix in ("ies", "es", "s", "ed", "ing"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


_WH = r"(?:which|what)(?:\s+\w+)?\s+"
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(
        r"\bhow (?:many|much|long|far|old|large|big|high|tall)\b|"
        r"\bwhat (?:number|percentage|percent|share|amount|proportion|age|price|sum|total)\b|"
        r"\bby how\b|\bhow many\b", re.I)),
    ("date", re.compile(
        r"\bwhen\b|\bwhat (?:year|day|date|month|time)\b|\bby when\b|\bhow soon\b", re.I)),
    ("place", re.compile(
        rf"\bwhere\b|\b{_WH}?(?:country|countries|state|city|cities|town|region|nation|capital|"
        r"island|province|county|continent|place|location|venue|airport|border|territory)\b",
        re.I)),
    ("org", re.compile(
        rf"\b{_WH}?(?:company|companies|firm|team|club|organi[sz]ation|outlet|newspaper|paper|"
        r"network|broadcaster|channel|magazine|publication|brand|retailer|chain|agency|group|"
        r"party|airline|university|college|school|band|bank|automaker|carrier|giant|startup|"
        r"court|department|ministry|league|studio|restaurant|store|publisher)\b", re.I)),
    ("person", re.compile(
        r"\bwho\b|\bwhom\b|\bwhose\b|\b(?:which|what)\s+(?:\w+\s+)?(?:actor|actress|singer|"
        r"player|politician|leader|star|celebrity|president|ceo|executive|founder|author|writer|"
        r"rapper|musician|artist|athlete|coach|judge|senator|lawmaker|minister|candidate|"
        r"official|billionaire|person|man|woman|comedian|director|host|figure|governor|"
        r"mayor|king|queen|prince|princess|pope|journalist|reporter|scientist)\b", re.I)),
    ("name", re.compile(r"\bwhich\b|\bwhat (?:is|was|are|were) (?:the )?(?:name|title)\b|"
                        r"\bname(?:d|s)?\b|\btitled?\b", re.I)),
]  # fmt: skip

_DATE = re.compile(
    rf"\b(?:(?:{MONTH_NAMES})\.?\s*\d{{0,2}}|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(?:19|20)\d\d|"
    r"(?:next|last|this) (?:week|month|year)|in \d+ (?:days|weeks|months|years))\b"
)
_NUMBER = re.compile(
    r"[$£€]?\d[\d,.]*(?:\s?(?:%|percent|million|billion|trillion|thousand|m|bn|k)\b)?|"
    r"\b(?:a |one )?(?:dozens?|hundreds?|thousands?|millions?|billions?)\b|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred)\b",
    re.I,
)
_CAP = r"[A-Z][\w’'&.-]*"
_NAME = re.compile(rf"{_CAP}(?:\s+(?:of|the|de|la|del|von|van|and|for|&)?\s*{_CAP})*")
_QUOTED = re.compile(r"[“\"‘]([^”\"’]{2,80})[”\"’]")
_PLACE_CUE = re.compile(
    r"\b(?:in|to|toward|towards|into|near|at|from|outside|across|across|of)\s+(?:the\s+)?$"
)
_ORG_WORDS = re.compile(
    r"\b(?:Times|Post|News|Journal|Inc|Corp|Co|Ltd|Bank|University|College|Party|Agency|"
    r"Association|Institute|Council|Committee|Department|Ministry|Airlines?|Group|Foundation|"
    r"Court|Club|Network|Press|Guardian|Telegraph|Tribune|Herald|Media|Records|Studios|"
    r"Company|Motors|Administration|Service|Commission|Union|Federation|League|Organi[sz]ation)\b"
)
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,6}s?$")
_PERSON_CUE = re.compile(
    r"\b(?:said|says|told|wrote|added|announced|Mr|Mrs|Ms|Dr|President|Prime Minister|"
    r"Sen|Rep|Gov|CEO|star|actor|actress|singer|player)\b"
)


# "When will the council vote?" asks about what is to come; "planned for Tuesday, was
# postponed" is a date but not the answer, "is now expected on June 3" is.
_ASKS_FUTURE = re.compile(
    r"\b(?:when|what (?:year|day|date|month))\s+(?:will|is|are|shall|would)\b|\bhow soon\b", re.I
)
_FUTURE = re.compile(
    r"\b(?:will|expected|scheduled|due|set (?:for|to)|is to|are to|upcoming|next|"
    r"postponed (?:until|to)|moved to|delayed (?:until|to))\b",
    re.I,
)


def wants_date(question: str) -> bool:
    """Whether the question asks when (a date is the answer)."""
    return expected_type(question) == "date"


def expected_type(question: str) -> str | None:
    """What the question asks for: number, date, place, org, person, name, or None."""
    for kind, pattern in _TYPES:
        if pattern.search(question):
            return kind
    return None


def _new(text: str, asked: set[str]) -> bool:
    found = terms(text)
    return bool(found) and not found <= asked


def added_names(question: str, sentence: str) -> list[tuple[int, str]]:
    """Capitalised names (and quoted titles) of ``sentence`` that the question does not hold.

    A capitalised first word counts only when it is part of a longer name.
    """
    asked = terms(question)
    names = []
    for m in _NAME.finditer(sentence):
        text = m.group(0).rstrip(".")
        if m.start() == 0 and " " not in text:
            continue
        if _new(text, asked):
            names.append((m.start(), text))
    names += [
        (m.start(1), m.group(1)) for m in _QUOTED.finditer(sentence) if _new(m.group(1), asked)
    ]
    return names


def type_score(question: str, sentence: str, kind: str | None = None) -> float:
    """How well ``sentence`` supplies the kind of answer the question wants, 0 to 1.

    1 when it adds an item of the expected type; 0.5 when it adds some name but not clearly of
    that type; 0 when it adds nothing the question does not already say.
    """
    kind = kind or expected_type(question)
    if kind is None:
        return 0.0
    asked = terms(question)
    if kind == "number":
        numbers = [
            m.group(0) for m in _NUMBER.finditer(sentence) if not _DATE.fullmatch(m.group(0))
        ]
        return 1.0 if any(_new(n, asked) or n.strip()[0].isdigit() for n in numbers) else 0.0
    if kind == "date":
        if _ASKS_FUTURE.search(question) and not _FUTURE.search(sentence):
            return 0.0  # a past date does not answer "when will"
        return 1.0 if any(_new(m.group(0), asked) for m in _DATE.finditer(sentence)) else 0.0
    names = added_names(question, sentence)
    if not names:
        return 0.0
    if kind == "place":
        typed = any(_PLACE_CUE.search(sentence[:start]) for start, _ in names)
    elif kind == "org":
        typed = any(
            _ORG_WORDS.search(name) or _ACRONYM.match(name) or name.startswith("The ")
            for _, name in names
        )
    elif kind == "person":
        typed = any(
            len(name.split()) >= 2 and not _ORG_WORDS.search(name) for _, name in names
        ) or bool(_PERSON_CUE.search(sentence))
    else:
        typed = True
    return 1.0 if typed else 0.5
