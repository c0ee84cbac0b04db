"""What the web UI shows, as plain values: no web framework here (``ui.py`` wires it up).

Filter fields are checked one by one so an error is shown next to the field that caused it;
messages are written in the UI's words (tabs and buttons), never as command lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from assistant.conversations import Conversation
from assistant.errors import AssistantError, NotIndexed, StillAdding
from assistant.language.lexicon import counted
from assistant.present.markdown import escape_markdown
from assistant.service import Assistant, Stats
from assistant.types import Answer, Filters
from index import Article, IngestReport

EMPTY_CHAT = "Ask your news articles: every answer quotes and cites its sources."
EMPTY_LIBRARY_CHAT = (
    f"{EMPTY_CHAT}\n\n"
    "No articles yet? Open the *Add articles* tab above to upload files, paste a text or "
    "give URLs, then come back and ask."
)
NO_MODEL = "llm is off: no language model is configured (see the README)."
NO_ARTICLES = (
    "**No articles yet.** Add some in the **Add articles** tab (upload files, paste a text or "
    "give URLs), then ask again."
)
STILL_ADDING = (
    "**Articles are being added right now**, and none is searchable yet. Ask again when the "
    "**Add articles** tab says *Done*."
)
NEEDS_TOKEN = "**This server needs its API token to add or delete articles.**"
NOTHING_TO_ADD = "**Choose files, paste a text or give URLs first.**"
NO_SOURCES = "<div id='sources' class='nd-sources'></div>"
DELETE_LABEL = "Delete the selected article"
CONFIRM_DELETE_CONVERSATION = "**Delete this conversation?** It cannot be brought back."
RESULT_COLUMNS = ["file or input", "status", "title", "reason"]
LIBRARY_COLUMNS = ["title", "outlet", "published", "passages", "id"]


def library_line(stats: Stats) -> str:
    """The line above the tabs: counts and the publication date span.

    Articles without an outlet (a file with no outlet and no URL) count as an unknown outlet,
    never as none: a library of such articles reads "outlet unknown", not "0 outlets".
    """
    span = ""
    if stats.first_published and stats.last_published:
        span = f" · published {stats.first_published[:10]} to {stats.last_published[:10]}"
    outlets = counted(stats.outlets, "outlet")
    if stats.outlets == 0 and stats.articles:
        outlets = "outlet unknown"
    counts = " · ".join(
        (counted(stats.articles, "article"), counted(stats.passages, "passage"), outlets)
    )
    return f"**Library:** {counts}{span}"


def empty_chat(stats: Stats) -> str:
    """What an empty chat says: where to add articles only while the library has none."""
    return EMPTY_CHAT if stats.articles else EMPTY_LIBRARY_CHAT


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def parse_filters(
    outlets: list[str] | None, since: str | None, until: str | None, as_of: str | None = None
) -> tuple[Filters | None, str]:
    """(filters, "") or (None, a message naming the field that is wrong and what to type)."""
    dates: dict[str, date | None] = {}
    fields = (("since", "Published since", since), ("until", "until", until),
              ("as_of", "Ask as of", as_of))  # fmt: skip
    for field, label, raw in fields:
        text = (raw or "").strip()
        try:
            dates[field] = date.fromisoformat(text) if text else None
        except ValueError:
            return None, f"**{label}:** “{escape_markdown(text)}” is not a date; use YYYY-MM-DD."
    try:
        return Filters(outlets=tuple(outlets or ()), **dates), ""
    except ValueError:
        return None, "**Published since** is after **until**: swap the two dates."


def describe_filters(filters: Filters | None) -> str:
    """The active-filters line."""
    if filters is None:
        return "Filters not applied until the dates are fixed."
    if not filters.active and not filters.as_of:
        return "No filters: every article is searched."
    return f"**Active filters:** {escape_markdown(filters.describe())}"


def error_text(error: AssistantError) -> str:
    """An assistant error for the chat, in the UI's words."""
    if isinstance(error, StillAdding):
        return STILL_ADDING
    if isinstance(error, NotIndexed):
        return NO_ARTICLES
    return f"**Could not answer:** {escape_markdown(str(error))}"


def unexpected_text(error: Exception) -> str:
    """An unexpected failure for the chat: its kind only, never a stack trace."""
    return f"**Something went wrong** ({type(error).__name__}). See the server log."


def progress_text(show: Callable[..., Any]) -> Callable[[str, int], None]:
    """An ingest progress callback that shows counts through ``show(fraction, desc=...)``.

    While another writer holds the library it says "Queued"; once this add has the lock,
    "Adding" with the counts.
    """
    counts = {"inputs": 0, "articles": 0, "passages": 0, "inputs_total": 0}

    def report(kind: str, n: int) -> None:
        if kind == "queued":
            show(None, desc=QUEUED)
            return
        if kind in counts:
            counts[kind] += n
        total = counts["inputs_total"]
        show(
            counts["inputs"] / total if total else None,
            desc=f"Adding: {counts['articles']} articles read, "
            f"{counts['passages']} passages embedded",
        )

    return report


QUEUED = (
    "Queued: another add or delete is running on this library; "
    "this one starts when it ends (searching and asking still work)"
)


def add_everything(
    assistant: Assistant,
    files: list[Path],
    pasted: Mapping[str, str | None],
    urls: str,
    progress: Callable[[str, int], None],
) -> list[IngestReport]:
    """Add uploaded files, a pasted article and URLs; one report per kind given.

    When one kind fails (another writer kept the library past the wait), the error also says
    what the kinds before it added.
    """
    reports: list[IngestReport] = []
    wanted = [u.strip() for u in (urls or "").splitlines() if u.strip()]
    try:
        if files:
            loaded = [(path.name, path.read_bytes()) for path in files]
            reports.append(assistant.add_files(loaded, progress))
        if (pasted.get("text") or "").strip():
            article = {k: v or None for k, v in pasted.items()}
            reports.append(assistant.add_articles([article], progress))
        if wanted:  # web addresses only: the box must not read the server's own files
            reports.append(assistant.add_urls(wanted, progress))
    except AssistantError as e:
        if reports:
            done = "; ".join(r.summary() for r in reports)
            e.message = f"{e.message} Before it, this add did: {done}."
        raise
    return reports


def report_rows(report: IngestReport) -> list[list[str]]:
    """One row per item of an add: input, status, title, reason (with its line)."""
    rows = []
    for item in report.items:
        where = item.origin
        if "/" in where and not where.startswith(("http://", "https://")):
            where = where.rsplit("/", 1)[-1]
        reason = item.reason or ""
        if item.line is not None and reason and f"line {item.line}" not in reason:
            reason = f"line {item.line}: {reason}"
        rows.append([where, item.status, item.title or "", reason])
    return rows


def added_text(reports: list[IngestReport]) -> tuple[str, list[list[str]]]:
    """The summary line and the table rows of an add (one report per kind of input)."""
    rows = [row for r in reports for row in report_rows(r)]
    summary = "; ".join(r.summary() for r in reports)
    return f"**Done:** {escape_markdown(summary)}", rows


def delete_label(title: str) -> str:
    """The delete button's label once an article is picked."""
    return f"Delete “{shorten(title, 60)}”"


def library_rows(articles: list[Article]) -> list[list[Any]]:
    """The library table: title first (what people look for), the id last."""
    return [
        [a.title, ", ".join(a.outlets), (a.published_at or "")[:10], a.passages, a.id]
        for a in articles
    ]


def plain_messages(chat: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Chat messages with text content: Gradio hands them back as ``[{"text", "type"}]`` parts.

    Without this, the earlier turns of a saved conversation reopen as the parts' Python repr.
    """
    plain = []
    for message in chat or []:
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(p.get("text") or "" for p in content if isinstance(p, dict))
        plain.append({**message, "content": content})
    return plain


def conversation_choices(conversations: list[Conversation]) -> list[tuple[str, str]]:
    """(label, id) pairs for the conversation list, newest first."""
    return [(f"{c.title} · {c.updated_at[:10]}", c.id) for c in conversations]


def answer_data(answer: Answer) -> dict[str, Any]:
    """An answer as data for API clients: the text, citations and sources, no Markdown."""
    data = answer.model_dump(mode="json", exclude={"hits"})
    return {
        "answer": answer.body,
        **{k: data[k] for k in ("text", "abstained", "citations", "sources", "notes")},
        "standalone_question": answer.standalone_question,
        "filters": data["filters"],
        "confidence": answer.confidence,
    }
