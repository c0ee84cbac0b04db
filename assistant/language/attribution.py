"""Attribution: whose claim a quoted sentence is, whether the source is anonymous, and hedges.

Built on spaCy's tokenizer and rule ``Matcher`` (a blank English pipeline: no statistical model
ships on PyPI, and nothing may be downloaded at run time). The rules follow how news copy
attributes claims: "‘...,’ said a Ukrainian colonel, who requested anonymity", "According to
satellite imagery analyzed by The New York Times, ...", "Military sources confirmed that ...".
A sentence with no attribution is the article's own voice. This is a heuristic reading of the
sentence, not a verdict: docs/research-signals.md lists its errors.
"""

from __future__ import annotations

import calendar
import itertools
import re
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.language.lexicon import (
    ANONYMITY,
    BY_VERBS,
    DOCUMENT_NOUNS,
    HEDGES,
    INSTITUTION_WORDS,
    LEARNED_CUES,
    NOUN_LIKE_VERBS,
    OUTLET_WORDS,
    PLACES,
    ROLE_NOUNS,
    SPEECH_VERBS,
    TITLES,
)

Kind = Literal["named_person", "described_person", "outlet", "institution", "article"]

_BREAK_PUNCT = frozenset({",", ".", ";", ":", "’", "”", '"', "'", "''", "—", "–"})
_BREAK_WORDS = frozenset(
    {"that", "and", "but", "while", "as", "because", "when", "with", "if", "after", "before",
     "although", "though", "since", "so", "where", "by", "until", "unless", "whether", "than"}
)  # fmt: skip
# Words between a subject and its verb that are not part of the subject ("Clinton had told").
_AUXILIARIES = frozenset(
    """had has have was were is are will would could should may might must also still never
    then later once again already repeatedly previously often recently even just not did does
    do n't n’t 's ’s really simply actually privately publicly""".split()
)
_NOT_SUBJECT = frozenset(
    "it this which who there what where here whom whose nothing everything anything that".split()
)
_DETERMINERS = {"a", "an", "one", "the", "some", "two", "three", "several", "many", "other"}
_STOP_SPEAKER = {",", ".", ";", ":", "who", "speaking", "that", "which", "in", "on", "—", "–",
                 "(", "”", "’", "\"", "'", "when", "while", "after", "adding", "as"}  # fmt: skip


class Attribution(BaseModel):
    """Who a quoted claim is attributed to.

    ``speaker`` is None when the sentence is in the article's own voice (``kind`` "article").
    """

    speaker: str | None = None
    kind: Kind = "article"
    anonymous: bool = False
    hedges: list[str] = Field(default_factory=list)
    cue: str | None = Field(
        None, description='The words that attribute it: "said", "according to".'
    )

    def label(self, flat: bool = False) -> str:
        """``a Ukrainian colonel (anonymous)``; ``flat`` (inside parentheses): ``…; anonymous``."""
        who = self.speaker or "the article itself"
        extra = ", ".join((["anonymous"] if self.anonymous else []) + self.hedges)
        return (f"{who}; {extra}" if flat else f"{who} ({extra})") if extra else who


MAX_QUOTE_CHARS = 10_000


@cache
def _nlp() -> Any:
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    verbs = {"LOWER": {"IN": sorted(SPEECH_VERBS)}}
    quote = {"ORTH": {"IN": ["’", "”", '"', "'", "''"]}}
    matcher.add(
        "QUOTE_VERB", [[quote, verbs], [{"ORTH": ","}, quote, verbs], [quote, {"ORTH": ","}, verbs]]
    )
    # "..., said Brian Baker, a political adviser": the speaker follows the verb
    after = {"ORTH": {"IN": ["said", "says", "told", "added", "wrote", "asked", "tweeted"]}}
    days = [d.lower() for d in (*calendar.day_name, *calendar.month_name[1:], "today")]
    titled = {"IS_TITLE": True, "LOWER": {"NOT_IN": days}}  # "..., said Thursday." is no speaker
    determiner = {"LOWER": {"IN": sorted(_DETERMINERS | {"his", "her", "their", "its"})}}
    matcher.add("COMMA_VERB", [[{"ORTH": ","}, after, titled], [{"ORTH": ","}, after, determiner]])
    matcher.add("ACCORDING", [[{"LOWER": "according"}, {"LOWER": "to"}]])
    matcher.add("BY", [[{"LOWER": {"IN": sorted(BY_VERBS)}}, {"LOWER": "by"}]])
    matcher.add(
        "VERB", [[{"ORTH": {"IN": sorted((SPEECH_VERBS | LEARNED_CUES) - NOUN_LIKE_VERBS)}}]]
    )
    # headlines: "Clinton Hid Past Health Problems, Former White House Doctor Says"
    headline = {
        "ORTH": {"IN": "Says Said Tells Warns Claims Argues Vows Slams Calls Blasts Urges".split()}
    }
    matcher.add("VERB", [[{"IS_TITLE": True}, headline]])
    return nlp, matcher


def attribute(text: str, outlets: frozenset[str] = frozenset()) -> Attribution:
    """Attribute a quote (one sentence, or the speaker's sentence followed by the quote)."""
    nlp, matcher = _nlp()
    text = text[:MAX_QUOTE_CHARS]  # quotes are sentences; never hand spaCy a whole article
    doc = nlp(text)
    found: dict[str, list[tuple[int, int]]] = {}
    for match_id, start, end in matcher(doc):
        found.setdefault(nlp.vocab.strings[match_id], []).append((start, end))
    hedges = [name for name, pattern in HEDGES if re.search(pattern, text, re.IGNORECASE)]
    anonymous_marker = bool(ANONYMITY.search(text))
    speaker, cue = _speaker(doc, text, found)
    if speaker is None:
        return Attribution(hedges=hedges)
    kind = classify(speaker, outlets)
    pronoun = speaker.lower() in ("he", "she", "they", "we", "i")  # named earlier in the article
    anonymous = anonymous_marker or (
        kind == "described_person" and not pronoun and _unnamed(speaker)
    )
    return Attribution(speaker=speaker, kind=kind, anonymous=anonymous, hedges=hedges, cue=cue)


def _speaker(
    doc: Any, text: str, found: dict[str, list[tuple[int, int]]]
) -> tuple[str | None, str | None]:
    """(speaker phrase, cue) by the first pattern that names one, most specific first."""
    if "ACCORDING" in found:
        start, end = found["ACCORDING"][0]
        by = [(s, e) for s, e in found.get("BY", []) if s >= end]
        if by:
            return _phrase(doc, by[0][1]), f"according to … {doc[by[0][0]].text} by"
        phrase = _phrase(doc, end, stop={",", ".", ";", ":", "—", "–"})
        if phrase:
            return phrase, "according to"
    if "QUOTE_VERB" in found:  # ‘...,’ said a Russian officer / ‘...,’ he said
        _, end = found["QUOTE_VERB"][0]
        speaker = _phrase(doc, end)
        if speaker is None or speaker.lower() in _OBJECTS:  # ‘...,’ Mr. King told me.
            speaker = _subject_before(doc, end - 1)
        if speaker:
            return speaker, doc[end - 1].text.lower()
    if "COMMA_VERB" in found:  # ..., said one GOP source in the room.
        _, end = found["COMMA_VERB"][0]
        rest = next((t.i for t in doc[end - 1 :] if t.is_punct), len(doc)) - (end - 1)
        speaker = _phrase(doc, end - 1) if rest <= 12 else None  # not ", says House Bill ..."
        if speaker:
            return speaker, doc[end - 2].text.lower()
    if byline := _BYLINE.search(text):  # "The most unqualified child ..." ― Francisco Herrero
        return byline.group(1).strip(), "―"
    if "BY" in found:
        start, end = found["BY"][0]
        speaker = _phrase(doc, end)
        if speaker:
            return speaker, f"{doc[start].text.lower()} by"
    # Military sources confirmed that ... / John Kirby said ...: "said" and its kin first
    verbs = sorted({end - 1 for _, end in found.get("VERB", [])},
                   key=lambda v: (doc[v].text.lower() not in _CORE, v))  # fmt: skip
    for verb in verbs:
        passive = verb and doc[verb - 1].lower_ in _PASSIVE and not doc[verb].lower_.endswith("ing")
        if _quoted(doc, verb) or passive:
            continue  # "I think" inside a quotation is the quoted speaker's; "is believed" no cue
        speaker = _subject_before(doc, verb)
        if speaker:
            return speaker, doc[verb].text.lower()
    return None, None


_PASSIVE = frozenset("is are was were be been being".split())
_OBJECTS = frozenset("me us him her them you reporters".split())
_CORE = frozenset("said says say told tells added wrote according".split())


def _phrase(doc: Any, start: int, stop: set[str] | None = None, limit: int = 14) -> str | None:
    """The noun phrase starting at token ``start``, up to a comma, clause or quote."""
    stop = stop or _STOP_SPEAKER
    tokens: list[Any] = []
    for token in doc[start : start + limit]:
        if token.text.lower() in stop and tokens:
            break
        if token.text in ("*", "_"):
            continue  # markdown emphasis around outlet names
        tokens.append(token)
    if not tokens or tokens[0].text.lower() in stop:
        return None
    text = doc[tokens[0].i : tokens[-1].i + 1].text.replace("*", "").strip(" ,.;:")
    return text or None


def _subject_before(doc: Any, verb: int) -> str | None:
    """The subject phrase just before a speech verb ("Ukrainian military sources confirmed").

    "John Kirby, the White House spokesman, told ..." gives the name and its apposition.
    """
    if verb >= 2 and doc[verb - 1].text == ",":
        commas = [t.i for t in doc[max(0, verb - 40) : verb - 1] if t.text == ","]
        lead = doc[: commas[0]].text if commas else ""
        if commas and _is_name(lead):
            return lead  # "Hootie Hurley, 23, a creator with ..., told CNN": the name leads
        # "A lawyer for the outlets, David Schulz, said": the first part that is a noun phrase
        bounds = [-1, *commas, verb - 1]
        for left, right in itertools.pairwise(bounds):
            phrase = _noun_phrase(list(doc[left + 1 : right]))
            if phrase:
                return phrase
        return None
    tokens: list[Any] = []
    for token in reversed(doc[max(0, verb - 10) : verb]):
        if token.text in _BREAK_PUNCT or token.text.lower() in _BREAK_WORDS:
            break
        tokens.insert(0, token)
    return _noun_phrase(tokens)


def _noun_phrase(tokens: list[Any]) -> str | None:
    """The tokens as a speaker phrase, or None when they are not one (a clause, an adverbial)."""
    while tokens and (tokens[-1].text.lower() in _AUXILIARIES or tokens[-1].text.endswith("ly")):
        tokens.pop()  # "Clinton had told", "Trump repeatedly said"
    while tokens and (
        tokens[0].text in ("“", "‘", "(", "-", "--", "''")
        or tokens[0].text.lower() in ("but", "and", "so", "yet", "still", "however")
    ):
        tokens.pop(0)
    if not tokens or len(tokens) > 8 or tokens[-1].text.lower() in _NOT_SUBJECT:
        return None
    if any(t.text.lower() in _SUBJECT_BLOCKERS for t in tokens):
        return None  # a clause, not a noun phrase: "Keeps", "the fault of those ... people"
    if tokens[0].text.lower() in _PREPOSITIONS:
        return None  # "In a statement", "During the rally Monday": not the speaker
    if len(tokens) == 1 and tokens[0].text.lower() in ("he", "she", "they", "we", "i", "you"):
        return tokens[0].text.lower()  # a pronoun: the speaker is named earlier in the article
    if not any(
        t.text[:1].isupper()
        or t.text.lower() in _PERSON_WORDS
        or t.text.lower().rstrip("s") in _PERSON_WORDS
        for t in tokens
    ):
        return None  # no name, no person, no body: not a speaker ("Keeps saying")
    text = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    return text.replace("*", "").strip(" ,") or None


_PREPOSITIONS = frozenset(
    """in on at during after before from for with about over under to into by of following
    despite amid like as""".split()
)
_PERSON_WORDS = ROLE_NOUNS | DOCUMENT_NOUNS | INSTITUTION_WORDS | TITLES
_SUBJECT_BLOCKERS = frozenset(
    """is are was were be been being to do does did can cannot won't don't doesn't didn't not
    no""".split()
)  # a speaker phrase rarely holds these


def _is_name(phrase: str) -> bool:
    """Whether a phrase is just a personal name: 2 to 5 capitalised words, no titles of bodies."""
    words = phrase.split()
    lowered = {w.lower().strip(".,") for w in words}
    return (
        2 <= len(words) <= 5
        and all(
            w[:1].isupper() or w.lower() in ("de", "van", "von", "bin", "al", "da") for w in words
        )
        and not lowered & (INSTITUTION_WORDS | OUTLET_WORDS | ROLE_NOUNS | PLACES)
    )


def _unnamed(phrase: str) -> bool:
    """Whether a speaker phrase describes people without naming them ("two senior officials").

    Its head (the last word before a comma, "who", "of", ...) is a lower-case person noun and it
    does not refer back to someone named earlier ("the senator", "his lawyer").
    """
    core = re.split(_PHRASE_END, phrase.strip())[0].split()
    if not core:
        return False
    head = core[-1].strip(".’'\"").lower()
    return (
        core[0].lower() not in _REFERS_BACK
        and (core[-1][:1].islower() or len(core) == 1)  # "Organizers said"
        and (head in ROLE_NOUNS or head.rstrip("s") in ROLE_NOUNS)
    )


# Where the core of a speaker phrase ends: "a Ukrainian officer | stationed near Kleban-Byka".
_PHRASE_END = re.compile(
    r",|\s(?:who|of|at|in|with|from|familiar|near|stationed|based|speaking|close|involved)\s"
)


def _quoted(doc: Any, i: int) -> bool:
    """Whether token ``i`` lies inside a quotation (opened before it and closed after it)."""
    before, after = doc[:i].text, doc[i:].text
    straight = before.count('"') + before.count("''")
    closed_after = '"' in after or "''" in after or "”" in after
    return closed_after and (before.count("“") > before.count("”") or straight % 2 == 1)


_BYLINE = re.compile(r"[―—]\s*([A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3})\s*[.”\"]?$")
_REFERS_BACK = frozenset("the this that these those his her their its our my".split())


def classify(speaker: str, outlets: frozenset[str] = frozenset()) -> Kind:
    """What kind of source a speaker phrase names."""
    lowered = speaker.lower().strip()
    words = re.findall(r"[a-z']+", lowered)
    head = words[:5]
    if lowered in {o.lower() for o in outlets} or any(
        o.lower() in lowered for o in outlets if len(o) > 3
    ):
        return "outlet"
    if _is_name(speaker.split(",")[0].strip()):
        return "named_person"  # "James Carey, executive director of the Lottery Commission"
    parts = speaker.split()
    if (
        len(parts) >= 3
        and parts[-1][:1].isupper()
        and parts[-2][:1].isupper()
        and any(w.strip(".").lower() in TITLES for w in parts[:-2])
        and not {parts[-1].lower(), parts[-2].lower()} & (INSTITUTION_WORDS | OUTLET_WORDS)
    ):
        return "named_person"  # "Village Council President AlexAnna Salmon"
    role = next((i for i, w in enumerate(head) if w in ROLE_NOUNS), None)
    if role is not None:
        return "described_person"
    if any(w in DOCUMENT_NOUNS for w in head) and not any(w in OUTLET_WORDS for w in words):
        return "institution"  # "the statement", "data from ...": the body that issued it
    if (words and words[-1] in OUTLET_WORDS) or (
        words and words[0] in OUTLET_WORDS and len(words) <= 2
    ):
        return "outlet"
    if any(w in INSTITUTION_WORDS for w in words):
        return "institution"
    if words and words[0] in _DETERMINERS:
        return "described_person" if len(words) <= 4 else "institution"
    if words and words[0] in ("he", "she", "they", "we", "i"):
        return "described_person"
    capitals = [w for w in speaker.split() if w[:1].isupper()]
    if len(capitals) == 1 and len(words) == 1 and words[0] not in PLACES:
        return "named_person"  # "‘...,’ Zelensky said": a surname
    return "named_person" if len(capitals) >= 2 else "institution"
