"""Answering a question end to end: follow-up rewrite, retrieval, then one of the two engines.

``respond`` is a generator: it yields text as it becomes available (model tokens for the llm
engine, the finished body for the extractive one) and ends with the checked ``Answer``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from assistant.engines.chat import describe, model_name
from assistant.engines.extractive import compose, compose_choice, decline, evidence
from assistant.engines.llm import build_messages, parse_reply, stream_reply, withhold_instructions
from assistant.engines.sentences import Query, terms
from assistant.question.constraints import constraints_in, window_note
from assistant.question.followup import rewrite
from assistant.retrieve import retrieve
from assistant.settings import Settings
from assistant.types import Answer, Filters, Turn
from index.embed import SentenceEmbedder
from index.lexical import words
from index.library import Library
from index.types import Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.reader.reading import ReadStage


@dataclass(frozen=True)
class Request:
    """One question and how to answer it."""

    question: str
    filters: Filters
    choices: Sequence[str] = ()
    history: Sequence[Turn] = ()
    engine: str = "extractive"
    abstain: bool = True


def respond(
    request: Request,
    library: Library,
    settings: Settings,
    chat_model: Callable[[], BaseChatModel],
    reader: ReadStage | None = None,
) -> Iterator[str | Answer]:
    """Yield text deltas, then the final Answer (``reader``: reorders and weighs evidence)."""
    opts = settings.answer
    model = chat_model() if request.engine == "llm" else None
    rewriter = None
    if request.history and settings.llm.provider != "none" and settings.llm.rewrite_followups:
        rewriter = model or chat_model()  # a configured model rewrites follow-ups for both engines
    standalone = rewrite(request.question, request.history, rewriter)
    text = standalone or request.question
    stated = constraints_in(library, text, request.filters)
    request = replace(request, filters=stated.filters)
    query = understand(
        stated.remainder, request.question, standalone, library, bool(opts.rare_weight),
        stated.boost,
    )  # fmt: skip
    k = max(settings.retrieval.k, opts.context_passages)
    hits = retrieve(
        library, query.search_text(), k, stated.filters, settings.retrieval, stated.boost, reader
    )
    if request.choices:
        hits = _with_choice_evidence(library, query, hits, request, settings)
    embedder = library.reader
    if model is None:
        if request.choices:
            answer = compose_choice(
                query, request.choices, hits, embedder, request.filters, opts.min_support,
                request.abstain, reader,
            )  # fmt: skip
        else:
            answer = compose(query, hits, embedder, request.filters, opts, request.abstain, reader)
        yield answer.body
    else:
        answer = yield from _llm_answer(query, hits, request, settings, model, embedder, reader)
    dates = [c.published_at for c in answer.citations]
    notes = answer.notes + stated.notes + window_note(stated.boost, dates) + _notes(query)
    text = answer.text + "".join(f"\n\nNote: {n}" for n in notes)
    yield answer.model_copy(
        update={
            "question": request.question,
            "standalone_question": standalone,
            "notes": notes,
            "text": text,
        }
    )


def understand(
    text: str, asked: str, standalone: str | None, library: Library, rarity: bool = False,
    window: tuple[date, date] | None = None,
) -> Query:  # fmt: skip
    """The question with what scoring must know: follow-up focus and other name spellings.

    With ``rarity``, also how rare each of its words is in the library (one catalog query a
    word; the confidence uses it only when ``answer.rare_weight`` is set). ``window``: the
    publication dates a relative time in the question names (``Constraints.boost``).
    """
    variants = library.name_variants().variants(text)
    return Query(
        rarity=tuple(library.rarity(words(text)).items()) if rarity else (),
        text=text,
        # A follow-up's own words ("Kleban-Byka") are what the user now asks about.
        focus=frozenset(terms(asked)) if standalone else frozenset(),
        variants=tuple((name, tuple(spellings)) for name, spellings in variants.items()),
        window=window,
    )


def _notes(query: Query) -> list[str]:
    return [
        f"Also searched for {', '.join(spellings)} (other spellings of {name.title()})."
        for name, spellings in query.variants
    ]


def _with_choice_evidence(
    library: Library, query: Query, hits: list[Hit], request: Request, settings: Settings
) -> list[Hit]:
    """Add the top passages for "question + choice", for each choice, after ``hits``.

    A choice's evidence can rank below passages about the question in general; searching for
    each choice finds it (MC accuracy 0.51 -> 0.56 on RealTimeQA, see docs/evaluation.md).
    """
    seen = {h.passage_id for h in hits}
    extra: list[Hit] = []
    for choice in request.choices:
        text = f"{query.search_text()} {choice}"
        for hit in retrieve(library, text, 3, request.filters, settings.retrieval):
            if hit.passage_id not in seen:
                seen.add(hit.passage_id)
                extra.append(hit)
    return hits + extra


def _llm_answer(
    query: Query,
    hits: list[Hit],
    request: Request,
    settings: Settings,
    model: BaseChatModel,
    embedder: SentenceEmbedder,
    reader: ReadStage | None = None,
) -> Generator[str, None, Answer]:
    """Stream the model's reply, then return it parsed and checked."""
    opts = settings.answer
    context = hits[: opts.context_passages]
    question = query.text
    ranked, confidence = evidence(query, hits, embedder, opts, reader)
    confidence = round(confidence, 4)
    name = describe(settings.llm) if settings.llm.provider != "none" else model_name(model)
    if not ranked or (request.abstain and confidence < opts.min_relevance):
        # Nothing retrieved is relevant enough: decline without asking the model to guess.
        answer = decline(question, hits, request.filters, confidence, request.choices)
        yield answer.body
        return answer.model_copy(update={"engine": "llm", "model": name})
    messages = build_messages(question, context, request.choices, opts.max_sentences + 1)
    withheld = sum(withhold_instructions(h.text)[1] for h in context)
    reply = []
    for delta in stream_reply(model, messages):
        reply.append(delta)
        yield delta
    answer = parse_reply(
        "".join(reply), question, context, embedder, request.filters, confidence,
        request.choices, name,
    )  # fmt: skip
    if withheld:
        note = (
            f"{withheld} sentence(s) in the sources read like instructions to an AI and were "
            "withheld from the model."
        )
        answer = answer.model_copy(update={"notes": [*answer.notes, note]})
    return answer
