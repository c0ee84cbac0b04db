"""Follow-up questions: rewrite "What did they say caused it?" into a question that stands alone.

With a chat model configured, the model rewrites it from the conversation (prompt
``condense_question``). Without one, rules do: pronouns (it, they, that...) are replaced by the
subjects of the conversation (the noun phrases and names of the previous question, and the
names of the previous answer), and a question that opens like a follow-up ("and", "what
about", ...) without pronouns to resolve is joined to the previous question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.types import Turn
from index.lexical import STOPWORDS, words
from prompts import render

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

_OPENERS = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|what of|same for|and what about|"
    r"what else|why|how come|and why|and how|and who|and where|and when)\b",
    re.IGNORECASE,
)
# Openers that carry the previous question over to a new subject ("and what about it?").
_JOINERS = re.compile(r"^\s*(?:and\s+)?(?:what about|how about|what of|same for)\b", re.I)
_PRONOUNS = frozenset(
    "it its they them their theirs he him his she her hers there that those these this".split()
)
# Pronouns replaced by a subject: "that"/"this" only when they stand alone ("Who said that?"),
# not before a noun ("that vote") or as a conjunction ("said that the...").
_REPLACEABLE = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her)\b|\b(that|this)(?=\s*(?:[?.!,;]|$))",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[\w][\w'’.-]*[\w]|[\w]|[?.!,;:]")
_DETERMINERS = frozenset("the a an this that these those".split())
# Words that end a noun phrase although they are not stop words (verbs of questions).
_VERBISH = frozenset(
    "happen happened happens cause caused causes start started begin began say said told tell "
    "report reported expected postponed evacuated killed injured announced vote voted go went "
    "know known think believe".split()
)
_QUESTION_OPENERS = frozenset("who what when where why how which whose whom".split())


def is_followup(question: str) -> bool:
    """Whether ``question`` likely depends on the conversation before it."""
    if _OPENERS.match(question):
        return True
    tokens = re.findall(r"[a-z']+", question.lower())
    has_name = any(w[:1].isupper() for w in question.split()[1:])
    return len(words(question)) <= 4 and not has_name and bool(_PRONOUNS & set(tokens))


def subjects(text: str) -> list[str]:
    """Noun phrases and names of ``text``, in order: "the plant fire", "residents", "Norchem".

    Rules, no tagger: a determiner starts a phrase, "how many" / "how much" name one, a run of
    capitalised words (not the first word) is a name; a phrase ends at a stop word, a verb of
    the question or punctuation.
    """
    tokens = _TOKEN.findall(text)
    found: list[str] = []
    i = 0
    while i < len(tokens):
        token, low = tokens[i], tokens[i].lower()
        starts_phrase = low in _DETERMINERS or (
            low in ("many", "much") and i and tokens[i - 1].lower() == "how"
        )
        if starts_phrase:
            phrase = _run(tokens, i + 1, lambda t: _content(t))
            if phrase:
                lead = [token.lower()] if low in ("the", "this", "these", "those") else []
                found.append(" ".join(lead + phrase))
                i += 1 + len(phrase)
                continue
        if i and token[:1].isupper() and low not in STOPWORDS:
            name = _run(tokens, i, lambda t: t[:1].isupper() or t.lower() == "of")
            while name and name[-1].lower() == "of":
                name.pop()
            found.append(" ".join(name))
            i += len(name)
            continue
        i += 1
    return list(dict.fromkeys(p for p in found if p))


def _content(token: str) -> bool:
    low = token.lower()
    return bool(re.match(r"\w", token)) and low not in STOPWORDS and low not in _VERBISH


def _run(tokens: list[str], start: int, accept: object) -> list[str]:
    out = []
    for token in tokens[start : start + 4]:
        if not re.match(r"\w", token) or not accept(token):  # type: ignore[operator]
            break
        out.append(token)
    return out


def _plural(phrase: str) -> bool:
    last = phrase.split()[-1].lower()
    return last.endswith("s") and not last.endswith("ss") and not phrase[:1].isupper()


def _person(phrase: str) -> bool:
    parts = phrase.split()
    return phrase[:1].isupper() and len(parts) >= 2


def resolve_pronouns(question: str, history: Sequence[Turn]) -> str | None:
    """``question`` with its pronouns replaced by the conversation's subjects, or None.

    "it"/"that" take the previous question's first singular phrase, "they" its first plural
    one (or a name), "he"/"she" a person named in the previous answer or question. Earlier
    questions are searched when the last one names nothing (a chain of follow-ups).
    """
    if not _REPLACEABLE.search(question):
        return None
    asked: list[str] = []
    answered: list[str] = []
    for i in range(len(history) - 1, -1, -1):
        turn = history[i]
        if turn.role == "user":
            asked = [p for p in subjects(turn.text) if p.lower() not in question.lower()]
            if asked:
                break
        elif not answered:
            answered = [p for p in subjects(turn.text) if p[:1].isupper()]
    if not asked and not answered:
        return None
    candidates = asked + answered
    singular = [p for p in asked if not _plural(p)] or candidates
    plural = [p for p in asked if _plural(p) or p[:1].isupper()] or candidates
    people = [p for p in answered + asked if _person(p)] or plural

    def pick(word: str) -> str:
        low = word.lower()
        if low in ("it", "its", "that", "this"):
            choice = singular[0]
        elif low in ("they", "them", "their"):
            choice = plural[0]
        else:
            choice = people[0]
        if low in ("its", "their", "his", "her"):
            return choice + ("'" if choice.endswith("s") else "'s")
        return choice

    return _REPLACEABLE.sub(lambda m: pick(m.group(0)), question)


def rewrite(
    question: str, history: Sequence[Turn], model: BaseChatModel | None = None
) -> str | None:
    """A standalone version of ``question``, or None when it needs no rewriting."""
    previous = [t.text for t in history if t.role == "user" and t.text.strip()]
    if not previous or not is_followup(question):
        return None
    if model is not None:
        rewritten = _with_model(question, history, model)
        if rewritten:
            return rewritten
    resolved = resolve_pronouns(question, history)
    if resolved and not _JOINERS.match(question):
        return resolved
    return f"{previous[-1].strip()} {(resolved or question).strip()}"


def _with_model(question: str, history: Sequence[Turn], model: BaseChatModel) -> str | None:
    from langchain_core.messages import HumanMessage

    lines = "\n".join(f"{t.role}: {' '.join(t.text.split())[:600]}" for t in history[-6:])
    prompt = render("condense_question", history=lines, question=question)
    try:
        reply = model.invoke([HumanMessage(prompt)]).content
    except Exception:  # the rule-based rewrite still works without the model
        return None
    text = str(reply).strip().strip('"').splitlines()[0].strip() if str(reply).strip() else ""
    if not 3 <= len(text) <= 500:
        return None
    # A rewrite that loses a word of the follow-up ("Kleban-Byka") changed the question: refuse it.
    return text if set(words(question)) <= set(words(text)) else None
