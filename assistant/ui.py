"""The Gradio UI: chat, sources, filters, adding articles, the library. The only gradio module.

It only calls the Assistant and the renderers; nothing is loaded at import time. Text from
articles is always escaped (see ``render``); errors show as messages, never as stack traces.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.errors import AssistantError
from assistant.history import recent_history
from assistant.llm import describe
from assistant.render import (
    CARD_CSS,
    answer_markdown,
    escape_markdown,
    source_cards,
    timeline_html,
)
from assistant.service import Assistant
from assistant.types import Answer, Filters, Turn
from index import IngestReport

RESULT_COLUMNS = ["input", "status", "title", "reason"]
LIBRARY_COLUMNS = ["id", "title", "outlet", "published", "passages"]


def _filters(outlets: list[str] | None, since: str, until: str) -> Filters:
    try:
        return Filters(
            outlets=tuple(outlets or ()),
            since=date.fromisoformat(since.strip()) if since and since.strip() else None,
            until=date.fromisoformat(until.strip()) if until and until.strip() else None,
        )
    except ValueError as e:
        raise gr.Error(f"Filters: {e}. Dates are YYYY-MM-DD.") from e


def _report_rows(report: IngestReport) -> list[list[str]]:
    return [
        [
            Path(i.origin).name
            if "/" in i.origin and not i.origin.startswith("http")
            else i.origin,
            i.status,
            i.title or "",
            i.reason or "",
        ]
        for i in report.items
    ]


def _uploaded(file: Any) -> Path:
    """The path of a file uploaded through the UI; refused unless it is in Gradio's upload cache.

    A client writes the payload, so a path elsewhere (the server's own files) is never read.
    """
    from gradio.utils import get_upload_folder

    path = Path(getattr(file, "name", None) or getattr(file, "path", None) or str(file))
    cache = Path(get_upload_folder()).resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError) as e:
        raise gr.Error("An uploaded file's path is not usable; upload the file again.") from e
    if not resolved.is_relative_to(cache) or not resolved.is_file():
        raise gr.Error(
            f"{path.name!r} is not a file uploaded here: only files uploaded through this page "
            "are read. Upload the file again."
        )
    return resolved


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The UI for ``assistant``."""
    token = assistant.settings.api_token

    def check_token(given: str) -> None:
        if token is not None and not hmac.compare_digest(
            (given or "").encode(), token.get_secret_value().encode()
        ):
            raise gr.Error("This server needs its API token to add or delete articles.")

    def library_line() -> str:
        s = assistant.stats()
        span = ""
        if s.first_published and s.last_published:
            span = f" · published {s.first_published[:10]} to {s.last_published[:10]}"
        counts = f"{s.articles} articles · {s.passages} passages · {s.outlets} outlets"
        return f"**Library:** {counts}{span}"

    def outlet_choices() -> Any:
        return gr.update(choices=[o for o, _ in assistant.outlets()])

    def describe_filters(outlets: list[str] | None, since: str, until: str) -> str:
        try:
            active = _filters(outlets, since, until)
        except gr.Error as e:
            return f"**{escape_markdown(e.message or 'Invalid filters')}**"
        return (
            f"**Active filters:** {escape_markdown(active.describe())}"
            if active.active
            else "No filters: every article is searched."
        )

    def respond(
        message: str,
        chat: list[dict[str, str]],
        turns: list[dict[str, str]],
        outlets: list[str] | None,
        since: str,
        until: str,
        engine: str,
        research: bool,
    ) -> Iterator[tuple[Any, ...]]:
        if not message or not message.strip():
            yield chat, turns, gr.update(), ""
            return
        filters = _filters(outlets, since, until)
        chat = [*chat, {"role": "user", "content": escape_markdown(message)}]
        chat.append({"role": "assistant", "content": "*Searching the articles…*"})
        yield chat, turns, gr.update(), ""
        draft = ""
        try:
            history = recent_history([Turn.model_validate(t) for t in turns])
            items = assistant.stream(
                message, filters, history=history, engine=engine, research=research
            )
            for item in items:
                if isinstance(item, Answer):
                    chat[-1] = {"role": "assistant", "content": answer_markdown(item)}
                    turns = [
                        *turns,
                        {"role": "user", "text": message},
                        {"role": "assistant", "text": item.body},
                    ]
                    yield chat, turns, source_cards(item), ""
                elif engine == "llm":
                    draft += item
                    chat[-1] = {"role": "assistant", "content": escape_markdown(draft) + " ▌"}
                    yield chat, turns, gr.update(), ""
        except AssistantError as e:
            chat[-1] = {
                "role": "assistant",
                "content": f"**Could not answer:** {escape_markdown(str(e))}",
            }
            yield chat, turns, gr.update(), ""
        except Exception as e:  # never a stack trace in the page
            chat[-1] = {
                "role": "assistant",
                "content": f"**Something went wrong** ({type(e).__name__}). See the server log.",
            }
            yield chat, turns, gr.update(), ""

    def add(
        files: list[Any] | None,
        text: str,
        title: str,
        url: str,
        outlet: str,
        published: str,
        urls: str,
        given_token: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[list[str]]]:
        check_token(given_token)
        counts = {"inputs": 0, "articles": 0, "passages": 0, "total": 0}

        def report_progress(kind: str, n: int) -> None:
            if kind == "inputs_total":
                counts["total"] += n
            else:
                counts[kind] += n
            done = counts["inputs"] / counts["total"] if counts["total"] else None
            progress(
                done,
                desc=f"{counts['articles']} articles read, {counts['passages']} passages embedded",
            )

        reports = []
        try:
            if files:
                loaded = [(path.name, path.read_bytes()) for path in map(_uploaded, files)]
                reports.append(assistant.add_files(loaded, report_progress))
            if text and text.strip():
                article = {
                    "text": text,
                    "title": title or None,
                    "url": url or None,
                    "outlet": outlet or None,
                    "published_at": published or None,
                }
                reports.append(assistant.add_articles([article], report_progress))
            wanted = [u.strip() for u in (urls or "").splitlines() if u.strip()]
            if wanted:  # web addresses only: the box must not read the server's own files
                reports.append(assistant.add_urls(wanted, report_progress))
        except AssistantError as e:
            raise gr.Error(str(e)) from e
        if not reports:
            raise gr.Error("Choose files, paste a text or give URLs first.")
        rows = [row for r in reports for row in _report_rows(r)]
        summary = "; ".join(r.summary() for r in reports)
        return f"**Done:** {escape_markdown(summary)}", rows

    def show_timeline(topic: str, outlets: list[str] | None, since: str, until: str) -> str:
        try:
            return timeline_html(assistant.timeline(topic, _filters(outlets, since, until)))
        except AssistantError as e:
            raise gr.Error(str(e)) from e

    def library(query: str) -> list[list[Any]]:
        return [
            [a.id, a.title, ", ".join(a.outlets), (a.published_at or "")[:10], a.passages]
            for a in assistant.articles(limit=500, title=query or None)
        ]

    def delete(article_id: str, given_token: str, query: str) -> tuple[str, list[list[Any]]]:
        check_token(given_token)
        try:
            assistant.delete((article_id or "").strip())
        except AssistantError as e:
            raise gr.Error(str(e)) from e
        return f"Deleted {escape_markdown(article_id.strip())}.", library(query)

    llm = describe(assistant.settings.llm)
    # Gradio's upload cache: files older than a day are removed, checked every hour.
    with gr.Blocks(title="newsdesk", delete_cache=(3600, 86400)) as demo:
        gr.Markdown(
            "## newsdesk\nAsk your news articles. Every answer quotes and cites its sources."
        )
        status = gr.Markdown(elem_id="library-line")
        with gr.Tab("Ask", id="ask-tab"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        height=520, sanitize_html=True, label="Conversation", elem_id="chat"
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Ask about the loaded articles…",
                            show_label=False,
                            scale=5,
                            elem_id="question",
                        )
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                    with gr.Row():
                        research = gr.Checkbox(
                            value=True,
                            label="Check other articles (support, conflicts)",
                            elem_id="research",
                        )
                        engine = gr.Radio(
                            ["extractive", "llm"],
                            value=assistant.settings.answer.engine,
                            label="Engine",
                            elem_id="engine",
                        )
                        gr.Markdown(
                            f"Language model: `{llm}`"
                            if llm
                            else "Language model: none configured (set NEWSDESK_LLM__PROVIDER, "
                            "__BASE_URL and __MODEL to use the llm engine)."
                        )
                    clear = gr.Button("New conversation", size="sm")
                with gr.Column(scale=2):
                    with gr.Accordion("Filters for the next question", open=True):
                        outlets = gr.Dropdown(
                            [], multiselect=True, label="Outlets", elem_id="outlets"
                        )
                        with gr.Row():
                            since = gr.Textbox(
                                label="Published since (YYYY-MM-DD)", elem_id="since"
                            )
                            until = gr.Textbox(label="until (YYYY-MM-DD)", elem_id="until")
                        active = gr.Markdown(
                            "No filters: every article is searched.", elem_id="active-filters"
                        )
                    gr.Markdown("### Sources")
                    cards = gr.HTML(
                        "<div id='sources' class='nd-sources'></div>", elem_id="sources-panel"
                    )
            turns = gr.State([])
        with gr.Tab("Timeline", id="timeline-tab"):
            with gr.Row():
                topic = gr.Textbox(label="Topic or question", scale=5, elem_id="timeline-topic")
                lay_out = gr.Button(
                    "Show timeline", variant="primary", scale=1, elem_id="timeline-go"
                )
            gr.Markdown(
                "Uses the filters of the Ask tab. Event dates come from the text when it "
                "states one; otherwise the publication date orders the passage."
            )
            timeline_box = gr.HTML(elem_id="timeline")
        with gr.Tab("Add articles", id="add-tab"):
            upload = gr.File(
                file_count="multiple",
                label="Article files (.txt .md .html .pdf .json .jsonl)",
                elem_id="upload",
            )
            with gr.Accordion("Paste an article", open=False):
                pasted = gr.Textbox(lines=6, label="Text", elem_id="paste-text")
                with gr.Row():
                    p_title = gr.Textbox(label="Title (optional)")
                    p_url = gr.Textbox(label="URL (optional)")
                    p_outlet = gr.Textbox(label="Outlet (optional)")
                    p_date = gr.Textbox(label="Published (YYYY-MM-DD, optional)")
            urls = gr.Textbox(lines=2, label="URLs or RSS/Atom feeds, one per line", elem_id="urls")
            add_token = gr.Textbox(label="API token", type="password", visible=token is not None)
            add_button = gr.Button("Add to library", variant="primary", elem_id="add")
            add_summary = gr.Markdown(elem_id="add-summary")
            add_results = gr.Dataframe(
                headers=RESULT_COLUMNS, interactive=False, elem_id="add-results"
            )
        with gr.Tab("Library", id="library-tab"):
            lib_query = gr.Textbox(label="Find articles by title", elem_id="library-search")
            lib_table = gr.Dataframe(headers=LIBRARY_COLUMNS, interactive=False, elem_id="library")
            with gr.Row():
                del_id = gr.Textbox(label="Article id to delete", elem_id="delete-id")
                del_token = gr.Textbox(
                    label="API token", type="password", visible=token is not None
                )
                del_button = gr.Button("Delete", variant="stop", elem_id="delete")
            del_result = gr.Markdown()

        filter_inputs = [outlets, since, until]
        gr.on(
            [outlets.change, since.change, until.change],
            describe_filters,
            filter_inputs,
            active,
            api_visibility="undocumented",
        )
        chat_inputs = [question, chatbot, turns, *filter_inputs, engine, research]
        chat_outputs = [chatbot, turns, cards, question]
        ask.click(respond, chat_inputs, chat_outputs, api_name="ask")
        question.submit(respond, chat_inputs, chat_outputs, api_visibility="undocumented")
        clear.click(
            lambda: ([], [], "<div id='sources' class='nd-sources'></div>"),
            None,
            [chatbot, turns, cards],
            api_visibility="undocumented",
        )
        add_button.click(
            add,
            [upload, pasted, p_title, p_url, p_outlet, p_date, urls, add_token],
            [add_summary, add_results],
            api_name="add",
        ).then(library_line, None, status).then(outlet_choices, None, outlets).then(
            library, lib_query, lib_table
        )
        lib_query.change(library, lib_query, lib_table, api_visibility="undocumented")
        lay_out.click(show_timeline, [topic, *filter_inputs], timeline_box, api_name="timeline")
        topic.submit(
            show_timeline, [topic, *filter_inputs], timeline_box, api_visibility="undocumented"
        )
        del_button.click(
            delete,
            [del_id, del_token, lib_query],
            [del_result, lib_table],
            api_visibility="undocumented",
        ).then(library_line, None, status).then(outlet_choices, None, outlets)
        demo.load(library_line, None, status).then(outlet_choices, None, outlets).then(
            library, lib_query, lib_table
        )
    return demo


def mount_ui(app: Any, assistant: Assistant) -> Any:
    """Mount the UI at / on a FastAPI app (used by `newsdesk serve`)."""
    demo = build_ui(assistant)
    mounted = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CARD_CSS,
        show_error=True,
        max_file_size=int(assistant.settings.server.max_request_mb * 2**20),
    )
    # Gradio refuses file payloads outside its upload cache only once a Blocks has "launched",
    # which a mounted one never does: without this, a client could name any server path.
    demo.has_launched = True
    return mounted


if __name__ == "__main__":
    build_ui(Assistant()).launch(server_name="127.0.0.1", css=CARD_CSS)
