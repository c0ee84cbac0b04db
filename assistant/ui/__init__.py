"""The Gradio UI: chat, saved conversations, sources, filters, adding articles, the library.

The only gradio package: one module a tab (``ask``, ``timeline``, ``articles``), this one puts
them together. It only calls the Assistant, the renderers and ``present.chat``; nothing is loaded
at import time. Text from articles is always escaped (see ``present``); errors show as messages
next to what caused them, never as stack traces and never instead of the chat.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.present.markdown import CARD_CSS
from assistant.service import Assistant
from assistant.ui.articles import Articles, add_tab, library_tab, wire_articles
from assistant.ui.ask import Chat, ask_tab, wire_ask
from assistant.ui.timeline import timeline_tab

__all__ = ["CSS", "build_ui", "mount_ui"]

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
CSS = CARD_CSS + LAYOUT_CSS


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The UI for ``assistant``."""
    needs_token = assistant.settings.api_token is not None
    chat, articles = Chat(assistant), Articles(assistant)
    # Gradio's upload cache: files older than a day are removed, checked every hour.
    with gr.Blocks(title="newsdesk", delete_cache=(3600, 86400)) as demo:
        gr.Markdown(
            "## newsdesk\nAsk your news articles. Every answer quotes and cites its sources.",
            elem_id="title-md",
        )
        status = gr.Markdown(elem_id="library-line")
        saved_id = gr.BrowserState(None, storage_key="newsdesk-conversation")
        ask = ask_tab(assistant)
        timeline_tab(assistant, ask.filters)
        add, library = add_tab(needs_token), library_tab(needs_token)
        wire_ask(ask, chat, saved_id)
        wire_articles(add, library, articles, [status, ask.chatbot], ask.outlets)
        demo.load(articles.library_line, None, [status, ask.chatbot]).then(
            articles.outlet_choices, None, ask.outlets
        ).then(articles.library, library.query, library.table).then(
            chat.restore, saved_id, [*ask.opened, ask.listed]
        )
    return demo


def mount_ui(app: Any, assistant: Assistant) -> Any:
    """Mount the UI at / on a FastAPI app (used by `newsdesk serve`)."""
    demo = build_ui(assistant)
    mounted = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CSS,
        show_error=True,
        max_file_size=int(assistant.settings.server.max_request_mb * 2**20),
    )
    # Gradio refuses file payloads outside its upload cache only once a Blocks has "launched",
    # which a mounted one never does: without this, a client could name any server path.
    demo.has_launched = True
    return mounted
