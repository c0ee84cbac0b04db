"""The Gradio chat. The only module that imports gradio; it only calls the Assistant.

Article text is untrusted: everything taken from an article is HTML-escaped before display.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.errors import AssistantError
from assistant.service import Assistant
from assistant.types import Answer, Citation


def _escape(text: str) -> str:
    """Escape HTML and the Markdown characters that could turn article text into markup."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_[]#|":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def render_answer(answer: Answer) -> str:
    """The answer as Markdown: quoted sentences with [n], then a card per source."""
    if answer.abstained:
        lines = [
            f"**{_escape(answer.body)}**",
            "",
            "Closest passages (leads to read, not an answer):",
        ]
        for hit in answer.hits[:3]:
            meta = ", ".join(x for x in (hit.outlet, hit.published_at) if x) or "unknown outlet"
            lines.append(
                f"- “{_escape(_snippet(hit.text))}” — *{_escape(hit.title)}* ({_escape(meta)})"
            )
        return "\n".join(lines)
    parts = [f"{_escape(c.quote)} **[{c.n}]**" for c in answer.citations]
    cards = []
    for source in answer.sources:
        quotes = [c for c in answer.citations if c.n == source.n]
        meta = ", ".join(x for x in (source.outlet or "unknown outlet", source.published_at) if x)
        title = _escape(source.title)
        link = f"[{title}]({html.escape(source.url, quote=True)})" if source.url else title
        cards.append(
            f"**[{source.n}]** {link} — {_escape(meta)}\n\n> {_highlight(quotes[0], quotes)}"
        )
    text = "\n\n".join(parts) + "\n\n---\n**Sources**\n\n" + "\n\n".join(cards)
    if answer.filters.active:
        text += f"\n\n*Filters applied: {_escape(answer.filters.describe())}*"
    return text


def _highlight(first: Citation, quotes: list[Citation]) -> str:
    """The passage with the cited sentences in bold."""
    passage = first.passage
    spans = sorted((c.start - first.passage_start, c.end - first.passage_start) for c in quotes)
    out, cursor = [], 0
    for start, end in spans:
        out.append(_escape(" ".join(passage[cursor:start].split())))
        out.append(f"**{_escape(' '.join(passage[start:end].split()))}**")
        cursor = end
    out.append(_escape(" ".join(passage[cursor:].split())))
    return " ".join(x for x in out if x)


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The chat UI for ``assistant``. Nothing is loaded until the first request."""

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        if not message or not message.strip():
            yield "Ask a question about the loaded articles."
            return
        yield "Searching the articles…"
        try:
            yield render_answer(assistant.ask(message))
        except AssistantError as e:
            yield f"**Could not answer:** {_escape(str(e))}"

    def add_files(files: list[Any] | None) -> str:
        if not files:
            return "Choose one or more files first."
        paths = [getattr(f, "name", f) for f in files]
        try:
            report = assistant.ingest(paths)
        except AssistantError as e:
            raise gr.Error(str(e)) from e
        lines = [_escape(report.summary())]
        lines += [
            f"- failed: {_escape(os.path.basename(i.origin))}: {_escape(i.reason or '')}"
            for i in report.items
            if i.status == "failed"
        ]
        return "\n".join(lines)

    def library_line() -> str:
        s = assistant.stats()
        span = f", published {s.first_published} to {s.last_published}" if s.first_published else ""
        return (
            f"**Library:** {s.articles} articles, {s.passages} passages, {s.outlets} outlets{span}"
        )

    with gr.Blocks(title="newsdesk") as demo:
        gr.Markdown(
            "## newsdesk\nAsk about your news articles. Every answer quotes and cites its sources."
        )
        status = gr.Markdown()
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(height=520, sanitize_html=True, label="newsdesk"),
            textbox=gr.Textbox(
                placeholder="Ask a question about the loaded articles…", elem_id="question"
            ),
            api_name="ask",
        )
        with gr.Accordion("Add articles", open=False):
            upload = gr.File(
                file_count="multiple",
                file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".json", ".jsonl"],
                label="Article files",
            )
            add = gr.Button("Add to library")
            result = gr.Markdown()
        add.click(add_files, upload, result).then(library_line, None, status)
        demo.load(library_line, None, status)
    return demo


def mount_ui(app: Any, assistant: Assistant) -> Any:
    """Mount the chat UI at / on a FastAPI app (used by `newsdesk serve`)."""
    return gr.mount_gradio_app(app, build_ui(assistant), path="/")


if __name__ == "__main__":
    build_ui(Assistant()).launch(server_name="127.0.0.1")
