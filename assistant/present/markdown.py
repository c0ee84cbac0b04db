"""Rendering answers for people: Markdown for the chat, HTML source cards. No web framework here.

Everything that comes from an article is escaped: HTML and Markdown in article text is shown as
text, never interpreted.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from assistant.present.html import link
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
                who = f" *({escape_markdown(c.attribution.label())})*"
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
    if answer.abstained or not answer.sources:
        return (
            "<div id='sources' class='nd-sources'><p class='nd-empty'>No sources cited.</p></div>"
        )
    cards = [
        _card(s, [c for c in answer.citations if c.n == s.n], answer.citations)
        for s in answer.sources
    ]
    return "<div id='sources' class='nd-sources'>" + "".join(cards) + "</div>"


def _card(source: Source, quotes: list[Citation], all_citations: list[Citation]) -> str:
    meta = " · ".join(
        html.escape(x) for x in (source.outlet or "unknown outlet", source.published_at) if x
    )
    original = f" · {link(source.url, 'original')}" if source.url else ""
    passage = _highlighted(quotes)
    reader = reader_url(source.article_id, all_citations)
    return (
        f"<div class='nd-card' id='source-{source.n}'>"
        f"<div class='nd-card-head'><span class='nd-n'>[{source.n}]</span> "
        f"<b class='nd-title'>{html.escape(source.title)}</b></div>"
        f"<div class='nd-meta'>{meta}{original} · "
        f"<a class='nd-open' href='{html.escape(reader, quote=True)}'"
        f" target='_blank' rel='noopener'>open article</a></div>"
        f"<blockquote class='nd-passage'>{passage}</blockquote>"
        + "".join(dict.fromkeys(_who(c) for c in quotes))  # one line per distinct claimant
        + _checks(quotes)
        + "</div>"
    )


def _checks(citations: list[Citation]) -> str:
    """Corroboration and conflicts of a card's quotes, each with the sentence it rests on.

    A conflict shows both reports side by side: this source's sentence and the other outlet's.
    """
    out: list[str] = []
    for c in citations:
        k = c.corroboration
        if k is None:
            continue
        independent = len(k.independent_outlets)
        badge = "nd-single" if not independent else "nd-multi"
        outlets = f": {html.escape(', '.join(k.independent_outlets))}" if independent else ""
        copies = f" ({len(k.copies)} copies set aside)" if k.copies else ""
        out.append(f"<div class='nd-check {badge}'>{html.escape(k.verdict)}{outlets}{copies}</div>")
        for ev in k.supporting[:3]:
            out.append(f"<div class='nd-support'>✓ {_said(ev)}</div>")
        own = html.escape(c.outlet or c.title)
        for x in k.conflicting[:3]:
            out.append(
                f"<div class='nd-conflict'><b>⚠ Conflict: {html.escape(x.reason)}</b>"
                f"<div class='nd-side'><span>{own}: “{html.escape(c.quote)}”</span>"
                f"<span>{_said(x.evidence)}</span></div></div>"
            )
        for ev in k.related[:2]:
            out.append(f"<div class='nd-related'>Same topic, no position: {_said(ev)}</div>")
    return "".join(dict.fromkeys(out))  # two quotes of one passage share their checks


def _said(ev: Evidence) -> str:
    """``outlet, date: “sentence”`` with a link to the sentence in the reader."""
    where = html.escape(ev.outlet or ev.title)
    when = f", {html.escape(ev.published_at[:10])}" if ev.published_at else ""
    reader = f"/reader/{quote(ev.article_id)}?h={ev.start}-{ev.end}#hl-0"
    return (
        f"{where}{when}: “{html.escape(ev.quote)}” "
        f"<a href='{html.escape(reader, quote=True)}' target='_blank' rel='noopener'>open</a>"
    )


def _who(citation: Citation) -> str:
    """The attribution of one quote: who says it, anonymous, hedges."""
    a = citation.attribution
    if a is None:
        return ""
    who = html.escape(a.speaker) if a.speaker else "the article's own reporting"
    badges = (["anonymous source"] if a.anonymous else []) + a.hedges
    tags = "".join(f" <span class='nd-badge'>{html.escape(b)}</span>" for b in badges)
    kind = a.kind.replace("_", " ")
    return f"<div class='nd-who'>Claim by: <b>{who}</b> <i>({kind})</i>{tags}</div>"


def _highlighted(quotes: list[Citation]) -> str:
    if not quotes:
        return ""
    first = quotes[0]
    text, offset = first.passage, first.passage_start
    spans = sorted({(max(0, c.start - offset), min(len(text), c.end - offset)) for c in quotes})
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def timeline_html(timeline: Timeline) -> str:
    """A timeline as an escaped HTML list: date, outlet, sentence, link to the reader."""
    if not timeline.events:
        return "<p class='nd-empty'>Nothing found.</p>"
    items = []
    for e in timeline.events:
        when = e.event_date or (e.published_at or "undated")[:10]
        how = f" <i>({html.escape(e.event_words)})</i>" if e.event_words else ""
        published = f" · published {html.escape(e.published_at[:10])}" if e.published_at else ""
        reader = f"/reader/{quote(e.article_id)}?h={e.start}-{e.end}#hl-0"
        items.append(
            f"<li><b>{html.escape(when)}</b>{how} — {html.escape(e.outlet or 'unknown outlet')}"
            f"{published}: “{html.escape(' '.join(e.quote.split()))}” "
            f"<a href='{html.escape(reader, quote=True)}' target='_blank' rel='noopener'>"
            "open</a></li>"
        )
    return f"<ol class='nd-timeline' id='timeline-list'>{''.join(items)}</ol>"


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
