"""The Gradio UI: chat, saved conversations, sources, filters, adding articles, the library.

The only gradio module. It only calls the Assistant, the renderers and ``present.chat``; nothing is
loaded at import time. Text from articles is always escaped (see ``render``); errors show as
messages next to what caused them, never as stack traces and never instead of the chat.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.engines.chat import describe
from assistant.errors import AssistantError
from assistant.present import chat as views
from assistant.present.markdown import (
    CARD_CSS,
    answer_markdown,
    escape_markdown,
    source_cards,
    timeline_html,
)
from assistant.question.history import recent_history
from assistant.service import Assistant
from assistant.types import Answer, Turn

NO_SOURCES = "<div id='sources' class='nd-sources'></div>"
LAYOUT_CSS = """
#ask-row { flex-wrap: nowrap; gap: .5rem; }
#ask { min-width: 5rem; }
#filter-error { color: #b91c1c; }
#library table, #add-results table { table-layout: auto; }
@media (max-width: 640px) {
  #chat { height: 42vh !important; min-height: 260px; }
  #title-md h2 { margin: 0; font-size: 1.2rem; }
  #title-md p { display: none; }
}
"""


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
    store = assistant.conversations
    llm = describe(assistant.settings.llm)

    def token_problem(given: str) -> str:
        if token is not None and not hmac.compare_digest(
            (given or "").encode(), token.get_secret_value().encode()
        ):
            return "**This server needs its API token to add or delete articles.**"
        return ""

    def library_line() -> str:
        return views.library_line(assistant.stats())

    def outlet_choices() -> Any:
        return gr.update(choices=[o for o, _ in assistant.outlets()])

    def conversation_list(selected: str | None = None) -> Any:
        return gr.update(choices=views.conversation_choices(store.all()), value=selected)

    def show_filters(outlets: list[str] | None, since: str, until: str) -> tuple[str, str]:
        filters, problem = views.parse_filters(outlets, since, until)
        return views.describe_filters(filters), problem

    def respond(
        message: str,
        chat: list[dict[str, str]],
        turns: list[dict[str, str]],
        conversation: str | None,
        outlets: list[str] | None,
        since: str,
        until: str,
        engine: str,
        research: bool,
    ) -> Iterator[tuple[Any, ...]]:
        keep = gr.update()
        if not message or not message.strip():
            yield chat, turns, keep, "", conversation, keep, "", keep
            return
        filters, problem = views.parse_filters(outlets, since, until)
        if filters is None:  # shown beside the date fields; the chat and the question stay
            yield chat, turns, keep, keep, conversation, keep, problem, keep
            return
        chat = [*chat, {"role": "user", "content": escape_markdown(message)}]
        chat.append({"role": "assistant", "content": "*Searching the articles…*"})
        yield chat, turns, keep, "", conversation, keep, "", keep
        draft, cards = "", NO_SOURCES
        try:
            history = recent_history([Turn.model_validate(t) for t in turns])
            for item in assistant.stream(
                message, filters, history=history, engine=engine, research=research
            ):
                if isinstance(item, Answer):
                    chat[-1] = {"role": "assistant", "content": answer_markdown(item)}
                    turns = [
                        *turns,
                        {"role": "user", "text": message},
                        {"role": "assistant", "text": item.body},
                    ]
                    cards = source_cards(item)
                elif engine == "llm":
                    draft += item
                    chat[-1] = {"role": "assistant", "content": escape_markdown(draft) + " ▌"}
                    yield chat, turns, keep, "", conversation, keep, "", keep
        except AssistantError as e:
            chat[-1] = {"role": "assistant", "content": views.error_text(e)}
        except Exception as e:  # never a stack trace in the page
            chat[-1] = {
                "role": "assistant",
                "content": f"**Something went wrong** ({type(e).__name__}). See the server log.",
            }
        named: Any = keep
        try:
            saved = store.save(conversation, turns, chat, cards, message)
            conversation, named = saved.id, saved.title
        except AssistantError:
            pass  # the answer still shows; the list says nothing new
        yield chat, turns, cards, "", conversation, conversation_list(conversation), "", named

    def open_conversation(conversation: str | None) -> tuple[Any, ...]:
        if not conversation:
            return [], [], NO_SOURCES, None, "", ""
        try:
            found = store.get(conversation)
        except AssistantError as e:
            return [], [], NO_SOURCES, None, "", escape_markdown(str(e))
        return found.chat, found.turns, found.cards or NO_SOURCES, found.id, found.title, ""

    def restore(conversation: str | None) -> tuple[Any, ...]:
        """Reopen the conversation this browser had open (if it still exists)."""
        shown = open_conversation(conversation)
        if shown[3] is None:
            return [], [], NO_SOURCES, None, "", "", conversation_list(None)
        return (*shown, conversation_list(shown[3]))

    def rename(conversation: str | None, title: str) -> tuple[Any, str]:
        if not conversation:
            return gr.update(), "Ask a question first: it starts a conversation."
        try:
            store.rename(conversation, title)
        except AssistantError as e:
            return gr.update(), escape_markdown(str(e))
        return conversation_list(conversation), "Renamed."

    def forget(conversation: str | None) -> tuple[Any, ...]:
        message = "Nothing to delete."
        if conversation:
            try:
                store.delete(conversation)
                message = "Conversation deleted."
            except AssistantError as e:
                message = escape_markdown(str(e))
        return [], [], NO_SOURCES, None, "", conversation_list(None), message

    def answer_api(
        question: str,
        history: list[dict[str, str]] | None = None,
        outlets: list[str] | None = None,
        since: str = "",
        until: str = "",
        engine: str = "extractive",
        research: bool = False,
    ) -> dict[str, Any]:
        """The answer as data: ``answer`` (text with [n]), ``citations``, ``sources``."""
        filters, problem = views.parse_filters(outlets, since, until)
        if filters is None:
            raise gr.Error(problem.replace("**", ""))
        try:
            answer = assistant.ask(
                question, filters, history=history or [], engine=engine, research=research
            )
        except AssistantError as e:
            raise gr.Error(str(e)) from e
        return views.answer_data(answer)

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
    ) -> tuple[str, Any]:
        if problem := token_problem(given_token):
            return problem, gr.update()
        pasted = {
            "text": text,
            "title": title,
            "url": url,
            "outlet": outlet,
            "published_at": published,
        }
        names = [_uploaded(f) for f in files or []]  # only Gradio's upload cache; names kept
        try:
            reports = views.add_everything(
                assistant, names, pasted, urls, views.progress_text(progress)
            )
        except AssistantError as e:
            return f"**Could not add:** {escape_markdown(str(e))}", gr.update()
        if not reports:
            return "**Choose files, paste a text or give URLs first.**", gr.update()
        rows = [row for r in reports for row in views.report_rows(r)]
        summary = "; ".join(r.summary() for r in reports)
        return f"**Done:** {escape_markdown(summary)}", rows

    def show_timeline(topic: str, outlets: list[str] | None, since: str, until: str) -> str:
        filters, problem = views.parse_filters(outlets, since, until)
        if filters is None:
            return f"<p class='nd-empty'>{problem.replace('**', '')}</p>"
        try:
            return timeline_html(assistant.timeline(topic, filters))
        except AssistantError as e:
            raise gr.Error(str(e)) from e

    def library(query: str) -> list[list[Any]]:
        return views.library_rows(assistant.articles(limit=500, title=query or None))

    def pick_article(evt: gr.SelectData) -> tuple[str, Any]:
        row = list(evt.row_value or [])
        if len(row) < 5:
            return "", gr.update(interactive=False, value="Delete the selected article")
        label = f"Delete “{views.shorten(str(row[0]), 60)}”"
        return str(row[4]), gr.update(interactive=True, value=label)

    def delete(article_id: str, given_token: str, query: str) -> tuple[str, Any, str, Any]:
        keep = gr.update()
        if problem := token_problem(given_token):
            return problem, keep, article_id, keep
        if not article_id:
            return "**Click an article in the list first.**", keep, "", keep
        try:
            found = assistant.article(article_id)
            assistant.delete(article_id)
        except AssistantError as e:
            return f"**Could not delete:** {escape_markdown(str(e))}", keep, article_id, keep
        off = gr.update(interactive=False, value="Delete the selected article")
        return f"Deleted “{escape_markdown(found.title)}”.", library(query), "", off

    # Gradio's upload cache: files older than a day are removed, checked every hour.
    with gr.Blocks(title="newsdesk", delete_cache=(3600, 86400)) as demo:
        gr.Markdown(
            "## newsdesk\nAsk your news articles. Every answer quotes and cites its sources.",
            elem_id="title-md",
        )
        status = gr.Markdown(elem_id="library-line")
        saved_id = gr.BrowserState(None, storage_key="newsdesk-conversation")
        conversation = gr.State(None)
        turns = gr.State([])
        with gr.Tab("Ask", id="ask-tab"), gr.Row():
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    height="52vh", sanitize_html=True, label="Conversation", elem_id="chat",
                    placeholder=views.EMPTY_CHAT, show_label=False,
                )  # fmt: skip
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(
                        placeholder="Ask about the loaded articles…", show_label=False,
                        scale=5, min_width=120, lines=1, elem_id="question",
                    )  # fmt: skip
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=72,
                                    elem_id="ask")  # fmt: skip
                with gr.Row():
                    research = gr.Checkbox(
                        value=True, label="Check other articles (support, conflicts)",
                        elem_id="research",
                    )  # fmt: skip
                    engine = gr.Radio(
                        ["extractive", "llm"],
                        value=assistant.settings.answer.engine if llm else "extractive",
                        label="Engine",
                        interactive=llm is not None,
                        info=f"Language model: {llm}" if llm else views.NO_MODEL,
                        elem_id="engine",
                    )
            with gr.Column(scale=2, min_width=300):
                gr.Markdown("### Sources")
                cards = gr.HTML(NO_SOURCES, elem_id="sources-panel")
                with gr.Accordion("Filters for the next question", open=True):
                    outlets = gr.Dropdown([], multiselect=True, label="Outlets", elem_id="outlets")
                    with gr.Row():
                        since = gr.Textbox(label="Published since (YYYY-MM-DD)", elem_id="since")
                        until = gr.Textbox(label="until (YYYY-MM-DD)", elem_id="until")
                    filter_error = gr.Markdown(elem_id="filter-error")
                    active = gr.Markdown(
                        "No filters: every article is searched.", elem_id="active-filters"
                    )
                with gr.Accordion("Conversations", open=True, elem_id="conversations-box"):
                    with gr.Row():
                        listed = gr.Dropdown(
                            [], label="Saved conversations (open one)", scale=4,
                            elem_id="conversations",
                        )  # fmt: skip
                        new_chat = gr.Button("New conversation", scale=1, elem_id="new-chat")
                    with gr.Row():
                        title = gr.Textbox(label="Title", scale=4, elem_id="conv-title")
                        rename_button = gr.Button("Rename", scale=1, elem_id="conv-rename")
                        delete_conv = gr.Button(
                            "Delete conversation", variant="stop", scale=1,
                            elem_id="conv-delete",
                        )  # fmt: skip
                    conv_message = gr.Markdown(elem_id="conv-message")
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
                headers=views.RESULT_COLUMNS, interactive=False, wrap=True,
                column_widths=["20%", "10%", "35%", "35%"], elem_id="add-results",
            )  # fmt: skip
        with gr.Tab("Library", id="library-tab"):
            lib_query = gr.Textbox(label="Find articles by title", elem_id="library-search")
            gr.Markdown("Click an article to select it, then delete it with the button below.")
            lib_table = gr.Dataframe(
                headers=views.LIBRARY_COLUMNS, interactive=False, wrap=True,
                column_widths=["44%", "18%", "11%", "9%", "18%"], elem_id="library",
            )  # fmt: skip
            chosen = gr.State("")
            with gr.Row():
                del_token = gr.Textbox(
                    label="API token", type="password", visible=token is not None
                )
                del_button = gr.Button(
                    "Delete the selected article", variant="stop", interactive=False,
                    elem_id="delete",
                )  # fmt: skip
            del_result = gr.Markdown(elem_id="delete-result")

        filter_inputs = [outlets, since, until]
        gr.on(
            [outlets.change, since.change, until.change],
            show_filters,
            filter_inputs,
            [active, filter_error],
            api_visibility="undocumented",
        )
        chat_inputs = [question, chatbot, turns, conversation, *filter_inputs, engine, research]
        chat_outputs = [chatbot, turns, cards, question, conversation, listed, filter_error, title]
        for trigger in (ask.click, question.submit):
            trigger(respond, chat_inputs, chat_outputs, api_visibility="undocumented").then(
                lambda c: c, conversation, saved_id, api_visibility="undocumented"
            )
        gr.api(answer_api, api_name="answer")
        opened = [chatbot, turns, cards, conversation, title, conv_message]
        listed.input(open_conversation, listed, opened, api_visibility="undocumented").then(
            lambda c: c, conversation, saved_id, api_visibility="undocumented"
        )
        new_chat.click(
            lambda: ([], [], NO_SOURCES, None, "", gr.update(value=None), ""),
            None,
            [chatbot, turns, cards, conversation, title, listed, conv_message],
            api_visibility="undocumented",
        ).then(lambda: None, None, saved_id, api_visibility="undocumented")
        rename_button.click(
            rename, [conversation, title], [listed, conv_message], api_visibility="undocumented"
        )
        delete_conv.click(
            forget,
            conversation,
            [chatbot, turns, cards, conversation, title, listed, conv_message],
            api_visibility="undocumented",
        ).then(lambda: None, None, saved_id, api_visibility="undocumented")
        add_button.click(
            add,
            [upload, pasted, p_title, p_url, p_outlet, p_date, urls, add_token],
            [add_summary, add_results],
            api_name="add",
        ).then(library_line, None, status).then(outlet_choices, None, outlets).then(
            library, lib_query, lib_table
        )
        lib_query.change(library, lib_query, lib_table, api_visibility="undocumented")
        lib_table.select(pick_article, None, [chosen, del_button], api_visibility="undocumented")
        lay_out.click(show_timeline, [topic, *filter_inputs], timeline_box, api_name="timeline")
        topic.submit(
            show_timeline, [topic, *filter_inputs], timeline_box, api_visibility="undocumented"
        )
        del_button.click(
            delete,
            [chosen, del_token, lib_query],
            [del_result, lib_table, chosen, del_button],
            api_visibility="undocumented",
        ).then(library_line, None, status).then(outlet_choices, None, outlets)
        demo.load(library_line, None, status).then(outlet_choices, None, outlets).then(
            library, lib_query, lib_table
        ).then(restore, saved_id, [*opened, listed])
    return demo


def mount_ui(app: Any, assistant: Assistant) -> Any:
    """Mount the UI at / on a FastAPI app (used by `newsdesk serve`)."""
    demo = build_ui(assistant)
    mounted = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CARD_CSS + LAYOUT_CSS,
        show_error=True,
        max_file_size=int(assistant.settings.server.max_request_mb * 2**20),
    )
    # Gradio refuses file payloads outside its upload cache only once a Blocks has "launched",
    # which a mounted one never does: without this, a client could name any server path.
    demo.has_launched = True
    return mounted


if __name__ == "__main__":
    build_ui(Assistant()).launch(server_name="127.0.0.1", css=CARD_CSS + LAYOUT_CSS)
