"""Follow-up questions: rewrite "and what about Bakhmut?" into a question that stands alone.

With a chat model configured, the model rewrites it from the conversation (prompt
``condense_question``). Without one, a rule does: a question that opens like a follow-up ("and",
"what about", ...) or leans on pronouns without names of its own is joined to the previous
question, so retrieval and sentence scoring see both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.types import Turn
from index.lexical import words
from prompts import render

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

_OPENERS = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|what of|same for|and what about|"
    r"what else|why|how come|and why|and how|and who|and where|and when)\b",
    re.IGNORECASE,
)
_PRONOUNS = frozenset(
    "it its they them their theirs he him his she her hers there that those these this".split()
)


def is_followup(question: str) -> bool:
    """Whether ``question`` likely depends on the conversation before it."""
    if _OPENERS.match(question):
        return True
    tokens = re.findall(r"[a-z']+", question.lower())
    has_name = any(w[:1].isupper() for w in question.split()[1:])
    return len(words(question)) <= 4 and not has_name and bool(_PRONOUNS & set(tokens))


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
    return f"{previous[-1].strip()} {question.strip()}"


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
