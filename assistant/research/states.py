"""Statements about a state of things that another report can contradict in other words.

Three kinds, each a slot two newsrooms fill without sharing a figure or much wording:

- the cause: one report states it ("corroded cables caused the collapse"), another calls it
  undetermined ("the cause of the collapse has not yet been determined"); they speak of one
  incident when they share its word (collapse, fire/blaze, explosion/blast, crash, ...);
- damage: one report says a thing was spared ("the town's water supply was not affected"),
  another reports damage to it ("cutting the water supply to eastern Vellport"); the thing is
  the subject of the spared clause, and the other sentence must name it;
- harm: one report says no one was hurt ("no one was injured", "none of the hostages was
  hurt"), another reports someone hurt; when the first names who ("no visitors"), the other
  must speak of the same people.

Each check returns the reason for a conflict, or None.
"""

from __future__ import annotations

import re

from assistant.question.answertype import terms

_INCIDENTS = [
    ("fire", r"fire|fires|blaze|blazes|flames|burned|burning"),
    ("explosion", r"explosion|explosions|blast|blasts|exploded|bang"),
    ("collapse", r"collapse|collapsed|caved in|gave way|fell"),
    ("crash", r"crash|crashed|collision|accident"),
    ("derailment", r"derail\w*|left the tracks|came off the track"),
    ("leak", r"leak|leaked|leaks|spill|spilled"),
    ("flood", r"flood|floods|flooding|flooded"),
    ("landslide", r"landslide|mudslide"),
    ("outage", r"outage|blackout|went down|shut down"),
]
_CAUSE_STATED = re.compile(
    r"\b(?:caused|cause was|blamed|started by|sparked by|set off by|triggered by|due to|"
    r"because of|the result of|traced to)\b",
    re.IGNORECASE,
)
UNSETTLED = re.compile(  # "undetermined" wording, also read by claims.read
    r"\b(?:undetermined|unknown|unclear|under investigation|being investigated|"
    r"too early to (?:say|tell)|(?:not|yet to) (?:yet )?(?:been )?(?:determined|known|"
    r"established|confirmed|clear)|no (?:official )?cause)\b",
    re.IGNORECASE,
)
_ABOUT_CAUSE = re.compile(r"\b(?:cause|caused|started|how|why|origin|what happened)\b", re.I)
_SPARED = re.compile(
    r"\b(?:(?:was|were|is|are|has|have|had)\s+(?:not|n['’]t|never)\s+(?:been\s+)?"
    r"(?:affected|damaged|harmed|hit|touched|disrupted|compromised|breached)|unaffected|"
    r"undamaged|untouched|intact|escaped damage|spared)\b"
    r"|\bno\s+(?P<things>(?:\w+\s+){0,2}?)(?:had been |have been |has been |were |was )?"
    r"(?:damaged|affected|harmed|destroyed)\b",
    re.IGNORECASE,
)
_DAMAGE = re.compile(
    r"\b(?:damag\w*|destroy\w*|flood\w*|wreck\w*|collaps\w*|cut|cutting|stole|stolen|"
    r"divert\w*|swept away|washed away|burst|crack\w*|entered|closed|disrupt\w*|gutted|"
    r"breach\w*|caved in|shut|cancel\w*|postponed)\b",
    re.IGNORECASE,
)
_NONE_HURT = re.compile(
    r"\b(?:no one|nobody|none(?: of (?:the|them)(?P<of>\s+\w+)?)?|no (?P<who>\w+))\s+"
    r"(?:was|were|had been|has been)\s+(?:\w+\s+)?(?:injured|hurt|harmed|wounded|killed)\b"
    r"|\bno (?:one was )?(?:injuries|casualties)\b",
    re.IGNORECASE,
)
_HURT = re.compile(
    r"\b(?:injur\w*|hurt|wounded|killed|died|dead|hospitali[sz]ed|treated (?:in|at|for))\b", re.I
)
_NEGATED = re.compile(r"\b(?:not|no|never|none|nobody|without)\b|n['’]t\b", re.IGNORECASE)
_SPEAKER = re.compile(r"^.*\b(?:said|says|told|according to|warned|added)\b", re.IGNORECASE)
_GENERIC = frozenset("town city area region country part people one said".split())


def incidents(text: str) -> set[str]:
    """The kinds of incident a sentence speaks of ("fire" for "blaze")."""
    return {n for n, p in _INCIDENTS if re.search(rf"\b(?:{p})\b", text, re.IGNORECASE)}


def cause(claim: str, other: str) -> str | None:
    """A cause stated by one sentence and called undetermined by the other, for one incident."""
    a_unsettled, b_unsettled = bool(UNSETTLED.search(claim)), bool(UNSETTLED.search(other))
    if a_unsettled == b_unsettled or not incidents(claim) & incidents(other):
        return None
    stated, unsettled = (other, claim) if a_unsettled else (claim, other)
    if not _CAUSE_STATED.search(stated) or not _ABOUT_CAUSE.search(unsettled):
        return None
    return "calls it undetermined" if b_unsettled else "states what this calls undetermined"


def damage(claim: str, other: str) -> str | None:
    """One sentence says a thing was spared, the other reports damage to it."""
    for spared, damaged, reason in (
        (claim, other, "reports damage to what this says was not affected"),
        (other, claim, "says it was not affected"),
    ):
        things = _spared_things(spared)
        if not things or _SPARED.search(damaged) or not _DAMAGE.search(damaged):
            continue
        if len(_NEGATED.findall(damaged)) % 2:
            continue
        if things & terms(damaged):
            return reason
    return None


def _spared_things(sentence: str) -> set[str]:
    m = _SPARED.search(sentence)
    if not m:
        return set()
    subject = m.group("things") or _SPEAKER.sub("", re.split(r"[,;]", sentence[: m.start()])[-1])
    return terms(subject) - _GENERIC


def harm(claim: str, other: str) -> str | None:
    """One sentence says no one was hurt, the other reports someone hurt (the same people)."""
    for calm, hurt, reason in (
        (claim, other, "reports injuries where this says none"),
        (other, claim, "says no one was hurt"),
    ):
        m = _NONE_HURT.search(calm)
        if not m or _NONE_HURT.search(hurt) or not _HURT.search(hurt):
            continue
        if len(_NEGATED.findall(_HURT.split(hurt)[0][-40:])) % 2:
            continue  # "were not injured" is no report of harm
        who = terms(m.group("who") or m.group("of") or "") - {"one"}
        if who and not who & terms(hurt) and "peopl" not in terms(hurt):
            continue  # "no visitors were hurt" against "a keeper was injured"
        return reason
    return None
