"""Rendering answers for people: Markdown for the chat, HTML source cards. No web framework here.

Everything that comes from an article is escaped: HTML and Markdown in article text is shown as
text, never interpreted.
"""

from __future__ import annotations

import html
import re
from typing import Any, NamedTuple
from urllib.parse import quote

from markupsafe import Markup

from assistant.language.attribution import Attribution
from assistant.present.html import Part, marked, render
from assistant.research.timeline import Timeline
from assistant.types import Answer, Citation, Evidence, Source

_MARKDOWN = re.compile(r"([\\`*_\[\]#|<>~])")


def escape_markdown(text: str) -> str:
    """Text safe to put in Markdown: HTML entities escaped and Markdown syntax neutralised."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False).replace("\n", " "))


def marker(n: int) -> str:
    """A citation marker that jumps to its source card."""
    return f"[\\[{n}\\]](#source-{n})"


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: quotes or claims with clickable [n], notes, declines."""
    if answer.abstained:
        leads = "\n".join(
            f"- “{escape_markdown(_snippet(h.text))}” — *{escape_markdown(h.title)}*"
            for h in answer.hits[:3]
        )
        lines = [f"**{escape_markdown(answer.body)}**"]
        if leads:
            lines += ["", "Closest passages (leads to read, not an answer):", leads]
    elif answer.claims:  # written by a model: every claim shows its support
        lines = [
            escape_markdown(c.text)
            + (" " + " ".join(marker(n) for n in c.sources) if c.supported else " *(no source)*")
            for c in answer.claims
        ]
        if answer.invalid_citations:
            removed = answer.invalid_citations
            lines.append(f"*{removed} citation(s) to sources that do not exist were removed.*")
    else:
        lines = []
        if answer.choice_text:
            lines.append(f"**{escape_markdown(answer.choice_text)}**")
        current = None
        group: list[str] = []
        several = len({c.article_id for c in answer.citations}) > 1
        for c in answer.citations:
            if c.article_id != current and group:
                lines.append(" ".join(group))
                group = []
            if c.article_id != current and several:
                group.append(f"*{escape_markdown(c.outlet or c.title)}:*")
            current = c.article_id
            who = ""
            if c.attribution and (c.attribution.speaker or c.attribution.hedges):
                who = f" *({escape_markdown(c.attribution.label(flat=True))})*"
            group.append(f"{escape_markdown(c.quote)} {marker(c.n)}{who}")
        if group:
            lines.append(" ".join(group))
    notes = [f"*{escape_markdown(n)}*" for n in answer.notes]
    if answer.filters.active:
        notes.append(f"*Filters applied: {escape_markdown(answer.filters.describe())}*")
    return "\n\n".join(lines + notes)


def reader_url(article_id: str, citations: list[Citation]) -> str:
    """The reader page for an article with these citations highlighted."""
    spans = ",".join(f"{c.start}-{c.end}" for c in citations if c.article_id == article_id)
    return (
        f"/reader/{quote(article_id)}?h={spans}#hl-0" if spans else f"/reader/{quote(article_id)}"
    )


def source_cards(answer: Answer) -> str:
    """One card per numbered source: title, outlet, date, link, passage with the quote marked."""
    cards = []
    if not answer.abstained:
        cards = [
            _card(s, [c for c in answer.citations if c.n == s.n], answer.citations)
            for s in answer.sources
        ]
    return render("cards.html.j2", cards=cards)


class Said(NamedTuple):
    """``outlet, date: “sentence”`` with a link to the sentence in the reader."""

    where: str
    when: str | None
    quote: str
    href: str


class CheckLine(NamedTuple):
    """The verdict on a quote: how many independent outlets report it, copies set aside."""

    badge: str
    verdict: str
    outlets: str
    copies: int
    kind: str = "check"


class SaidLine(NamedTuple):
    """Another outlet's sentence: ``support``, or ``related`` (same topic, no position)."""

    said: Said
    kind: str


class ConflictLine(NamedTuple):
    """A conflict, both reports side by side: this source's quote and the other outlet's."""

    reason: str
    own: str
    quote: str
    said: Said
    kind: str = "conflict"


class Claimant(NamedTuple):
    """Who a quote is attributed to (None: the article's own reporting), and its badges."""

    speaker: str | None
    kind: str
    badges: tuple[str, ...]


def _card(source: Source, quotes: list[Citation], all_citations: list[Citation]) -> dict[str, Any]:
    claimants = [
        Claimant(a.speaker, a.kind.replace("_", " "), tuple(_badges(a)))
        for a in (c.attribution for c in quotes)
        if a is not None
    ]
    return {
        "n": source.n,
        "title": source.title,
        "meta": [x for x in (source.outlet or "unknown outlet", source.published_at) if x],
        "url": source.url,
        "reader": reader_url(source.article_id, all_citations),
        "passage": _highlighted(quotes),
        "claimants": list(dict.fromkeys(claimants)),  # one line per distinct claimant
        "checks": _checks(quotes),
    }


def _badges(attribution: Attribution) -> list[str]:
    return (["anonymous source"] if attribution.anonymous else []) + attribution.hedges


def _checks(citations: list[Citation]) -> list[CheckLine | SaidLine | ConflictLine]:
    """Corroboration and conflicts of a card's quotes, each with the sentence it rests on."""
    out: list[CheckLine | SaidLine | ConflictLine] = []
    for c in citations:
        k = c.corroboration
        if k is None:
            continue
        badge = "nd-multi" if k.independent_outlets else "nd-single"
        out.append(CheckLine(badge, k.verdict, ", ".join(k.independent_outlets), len(k.copies)))
        out += [SaidLine(_said(ev), "support") for ev in k.supporting[:3]]
        own = c.outlet or c.title
        out += [ConflictLine(x.reason, own, c.quote, _said(x.evidence)) for x in k.conflicting[:3]]
        out += [SaidLine(_said(ev), "related") for ev in k.related[:2]]
    return list(dict.fromkeys(out))  # two quotes of one passage share their checks


def _said(ev: Evidence) -> Said:
    when = ev.published_at[:10] if ev.published_at else None
    href = f"/reader/{quote(ev.article_id)}?h={ev.start}-{ev.end}#hl-0"
    return Said(ev.outlet or ev.title, when, ev.quote, href)


def _highlighted(quotes: list[Citation]) -> list[Part]:
    if not quotes:
        return []
    first = quotes[0]
    text, offset = first.passage, first.passage_start
    spans = sorted({(max(0, c.start - offset), min(len(text), c.end - offset)) for c in quotes})
    return marked(text, spans)


def timeline_html(timeline: Timeline) -> str:
    """A timeline as an escaped HTML list: date, outlet, sentence, link to the reader."""
    events = [
        {
            "when": e.event_date or (e.published_at or "undated")[:10],
            "words": e.event_words,
            "outlet": e.outlet,
            "published": e.published_at[:10] if e.published_at else None,
            "quote": " ".join(e.quote.split()),
            "href": f"/reader/{quote(e.article_id)}?h={e.start}-{e.end}#hl-0",
        }
        for e in timeline.events
    ]
    return render("timeline.html.j2", problem="", events=events, notes=timeline.notes)


def timeline_problem(problem: str) -> str:
    """Where the timeline would be: why there is none (a filter message, Markdown stripped).

    ``problem`` is already escaped (``present.chat.parse_filters`` escapes what was typed).
    """
    return render("timeline.html.j2", problem=Markup(problem.replace("**", "")), events=[])


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


CARD_CSS = """
.nd-sources { display: flex; flex-direction: column; gap: .6rem; }
.nd-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
           padding: .6rem .8rem; }
.nd-card:target { outline: 2px solid var(--color-accent); }
.nd-n { font-weight: bold; color: var(--color-accent); }
.nd-meta { font-size: .85em; opacity: .8; margin: .2rem 0 .4rem; }
.nd-passage { margin: 0; font-size: .92em; white-space: pre-wrap; }
.nd-passage mark { background: #ffe58a; color: #111; }
.nd-empty { opacity: .7; }
.nd-who { font-size: .85em; margin-top: .3rem; }
.nd-check { font-size: .85em; margin-top: .2rem; font-weight: bold; }
.nd-single { color: #b45309; } .nd-multi { color: #15803d; }
.nd-conflict { font-size: .85em; margin-top: .2rem; color: #b91c1c; }
.nd-side { display: flex; flex-wrap: wrap; gap: .6rem; }
.nd-side > span { flex: 1 1 12rem; border-left: 3px solid currentColor; padding-left: .4rem; }
.nd-support, .nd-related { font-size: .85em; margin-top: .2rem; }
.nd-related { opacity: .8; }
.nd-timeline li { margin-bottom: .5rem; }
.nd-badge { border: 1px solid currentColor; border-radius: 4px; padding: 0 .3em; font-size: .9em; }
"""
