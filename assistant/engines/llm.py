"""The LLM engine: a chat model writes the answer from numbered sources; we check every citation.

The model sees the retrieved passages as numbered, delimited sources and is told that their text
is data, not instructions. Its reply is never trusted as is:
- a marker ``[n]`` that points to no source is removed and counted;
- a sentence left without a valid marker is kept but marked unsupported;
- each citation is aligned to the sentence of source n that best matches the claim, with exact
  character offsets in the article, so the quote shown is always the article's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.engines.extractive import decline, finish, sources_of
from assistant.engines.sentences import Candidate, score_sentences, terms
from assistant.errors import ModelUnavailable
from assistant.language.attribution import attribute
from assistant.types import Answer, Citation, Claim, Filters
from index.embed import SentenceEmbedder
from index.sentences import split_sentences
from index.types import Hit
from prompts import CANNOT_ANSWER, render

if TYPE_CHECKING:  # langchain_core costs ~1 s of import; only the llm engine needs it
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_CHOICE = re.compile(r"\bchoice\s*(\d+)\b", re.IGNORECASE)


_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+|"
    r"those\s+)?(?:of\s+)?(?:the\s+)?(?:previous|prior|above|earlier|preceding|system|your|my)?\s*"
    r"(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\b(?:you are now|from now on,? you|pretend (?:to be|you are)|you are an? (?:ai|assistant|"
    r"chatbot|language model))\b"
    r"|\b(?:system prompt|developer message|jailbreak)\b"
    r"|\b(?:reply|respond|answer|output|print)\s+(?:only|exactly|just)\s+(?:with|in|the|\"|')"
    r"|</?\s*(?:system|assistant|user|instructions?|im_start|im_end)\s*>",
    re.IGNORECASE,
)
WITHHELD = "[text that reads like instructions to an AI was withheld]"


def withhold_instructions(text: str) -> tuple[str, int]:
    """The passage with every sentence that addresses an AI model replaced by a marker.

    Article text reaches the model as data, but a small model can still be steered by
    "ignore previous instructions..." in a source; such sentences never reach it.
    """
    out, cursor, removed = [], 0, 0
    for start, end in split_sentences(text):
        if _INSTRUCTION.search(text[start:end]):
            out.append(text[cursor:start] + WITHHELD)
            cursor, removed = end, removed + 1
    out.append(text[cursor:])
    return "".join(out), removed


def format_sources(hits: Sequence[Hit]) -> str:
    """Numbered, delimited sources; instructions and tag look-alikes in article text defused."""
    blocks = []
    for n, hit in enumerate(hits, 1):
        text, _ = withhold_instructions(hit.text)
        text = re.sub(r"</?\s*source\b", "(source)", text, flags=re.IGNORECASE)
        meta = "; ".join(
            x for x in (hit.title, hit.outlet or "unknown outlet", hit.published_at) if x
        ).replace('"', "'")
        blocks.append(f'<source n="{n}" about="{meta}">\n{text}\n</source>')
    return "\n\n".join(blocks)


def build_messages(
    question: str, hits: Sequence[Hit], choices: Sequence[str] = (), max_sentences: int = 4
) -> list[BaseMessage]:
    """The system and user messages for one question."""
    from langchain_core.messages import HumanMessage, SystemMessage

    system = render("answer_system", cannot_answer=CANNOT_ANSWER, max_sentences=str(max_sentences))
    context = format_sources(hits)
    if choices:
        listed = "\n".join(f"Choice {i}: {c}" for i, c in enumerate(choices, 1))
        user = render(
            "choice_user", context=context, question=question, choices=listed,
            cannot_answer=CANNOT_ANSWER,
        )  # fmt: skip
    else:
        user = render("answer_user", context=context, question=question)
    return [SystemMessage(system), HumanMessage(user)]


def stream_reply(model: BaseChatModel, messages: list[BaseMessage]) -> Iterator[str]:
    """The model's reply as text deltas."""
    try:
        for chunk in model.stream(messages):
            content = chunk.content
            if isinstance(content, str) and content:
                yield content
    except Exception as e:  # connection refused, timeout, HTTP error from the server
        raise ModelUnavailable(
            f"The language model did not answer: {type(e).__name__}: {e}",
            "Check that the server at NEWSDESK_LLM__BASE_URL is running and serves "
            "NEWSDESK_LLM__MODEL, or use the extractive engine.",
        ) from e


def parse_reply(
    reply: str,
    question: str,
    hits: list[Hit],
    embedder: SentenceEmbedder,
    filters: Filters,
    confidence: float,
    choices: Sequence[str] = (),
    model_name: str | None = None,
) -> Answer:
    """Turn the model's reply into an Answer whose citations are all checked."""
    if CANNOT_ANSWER.lower() in reply.lower() or not reply.strip():
        answer = decline(question, hits, filters, confidence, choices)
        return answer.model_copy(update={"engine": "llm", "model": model_name})
    claims: list[Claim] = []
    invalid = 0
    for start, end in split_sentences(reply):
        sentence = reply[start:end]
        numbers: list[int] = []
        for group in _MARKER.findall(sentence):
            for raw in re.split(r"[,;]", group):
                number = int(raw)
                if not 1 <= number <= len(hits):
                    invalid += 1
                elif number not in numbers:
                    numbers.append(number)
        text = _MARKER.sub("", sentence).strip()
        if not text:
            continue
        if numbers:
            claims.append(Claim(text=text, sources=numbers, support="cited"))
        elif (copied := _verbatim_source(text, hits)) is not None:
            claims.append(Claim(text=text, sources=[copied], support="matched"))
        else:
            claims.append(Claim(text=text))
    citations = _align(claims, hits, embedder)
    body = "\n".join(
        c.text + ("".join(f" [{n}]" for n in c.sources) if c.supported else " (no source)")
        for c in claims
    )
    choice = _pick_choice(reply, choices) if choices else None
    lines = "\n".join(s.line() for s in sources_of(citations))
    text = render("answer", body=body, sources=lines or "(none of the sentences cites a source)")
    answer = finish(
        question, text, body, hits, filters, confidence, citations, choices, choice, abstained=False
    )
    return answer.model_copy(
        update={
            "engine": "llm",
            "model": model_name,
            "claims": claims,
            "invalid_citations": invalid,
        }
    )


def _align(claims: list[Claim], hits: list[Hit], embedder: SentenceEmbedder) -> list[Citation]:
    """For each (claim, source n), the sentence of source n that best matches the claim."""
    citations: list[Citation] = []
    for claim in claims:
        for n in claim.sources:
            hit = hits[n - 1]
            pool = [(hit, s, e, text) for (s, e), text in hit.sentence_texts()]
            best = _closest(claim.text, score_sentences(claim.text, pool, embedder))
            if best is None:
                continue
            citations.append(
                Citation(
                    n=n, quote=best.text, start=best.start, end=best.end, passage=hit.text,
                    passage_id=hit.passage_id, passage_start=hit.start, passage_end=hit.end,
                    article_id=hit.article_id, title=hit.title, url=hit.url, outlet=hit.outlet,
                    published_at=hit.published_at, score=round(best.score, 4),
                    attribution=attribute(best.text),
                )
            )  # fmt: skip
    return citations


def _verbatim_source(claim: str, hits: list[Hit], share: float = 0.8) -> int | None:
    """The source a claim was copied from without a citation, if any.

    That is the source holding a sentence with at least ``share`` of the claim's content words
    (and at least three of them).
    """
    wanted = terms(claim)
    if len(wanted) < 3:
        return None
    best, best_share = None, share
    for n, hit in enumerate(hits, 1):
        for _, text in hit.sentence_texts():
            found = len(wanted & terms(text)) / len(wanted)
            if found >= best_share:
                best, best_share = n, found
    return best


def _closest(claim: str, ranked: list[Candidate]) -> Candidate | None:
    if not ranked:
        return None
    wanted = terms(claim)
    # Embedding similarity, with word overlap breaking near-ties (numbers and names matter).
    return max(
        ranked,
        key=lambda c: c.semantic + 0.3 * (len(wanted & terms(c.text)) / max(len(wanted), 1)),
    )


def _pick_choice(reply: str, choices: Sequence[str]) -> int | None:
    found = _CHOICE.search(reply)
    if found and 1 <= int(found.group(1)) <= len(choices):
        return int(found.group(1)) - 1
    mentioned = [
        i for i, c in enumerate(choices) if re.search(rf"(?<!\w){re.escape(c)}(?!\w)", reply, re.I)
    ]
    return mentioned[0] if len(mentioned) == 1 else None
