"""The Add articles and Library tabs: adding files, texts and URLs; finding and deleting articles.

Adding and deleting need the API token when the server has one (``settings.token_matches``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.present import chat as views
from assistant.present.chat import DELETE_LABEL
from assistant.present.markdown import escape_markdown
from assistant.service import Assistant
from assistant.settings import token_matches


@dataclass
class AddTab:
    """The components of the Add articles tab that events read or write."""

    files: gr.File
    text: gr.Textbox
    title: gr.Textbox
    url: gr.Textbox
    outlet: gr.Textbox
    published: gr.Textbox
    urls: gr.Textbox
    token: gr.Textbox
    add: gr.Button
    summary: gr.Markdown
    results: gr.Dataframe

    @property
    def inputs(self) -> list[Any]:
        """What ``Articles.add`` takes, in its order."""
        return [
            self.files, self.text, self.title, self.url, self.outlet, self.published, self.urls,
            self.token,
        ]  # fmt: skip


@dataclass
class LibraryTab:
    """The components of the Library tab that events read or write."""

    query: gr.Textbox
    table: gr.Dataframe
    chosen: gr.State
    token: gr.Textbox
    delete: gr.Button
    result: gr.Markdown


def add_tab(needs_token: bool) -> AddTab:
    """Lay out the Add articles tab: upload, paste, URLs (and the token when one is needed)."""
    with gr.Tab("Add articles", id="add-tab"):
        files = gr.File(
            file_count="multiple",
            label="Article files (.txt .md .html .pdf .json .jsonl)",
            elem_id="upload",
        )
        with gr.Accordion("Paste an article", open=False):
            text = gr.Textbox(lines=6, label="Text", elem_id="paste-text")
            with gr.Row():
                title = gr.Textbox(label="Title (optional)")
                url = gr.Textbox(label="URL (optional)")
                outlet = gr.Textbox(label="Outlet (optional)")
                published = gr.Textbox(label="Published (YYYY-MM-DD, optional)")
        urls = gr.Textbox(lines=2, label="URLs or RSS/Atom feeds, one per line", elem_id="urls")
        token = gr.Textbox(label="API token", type="password", visible=needs_token)
        add = gr.Button("Add to library", variant="primary", elem_id="add")
        summary = gr.Markdown(elem_id="add-summary")
        results = gr.Dataframe(
            headers=views.RESULT_COLUMNS, interactive=False, wrap=True,
            column_widths=["20%", "10%", "35%", "35%"], elem_id="add-results",
        )  # fmt: skip
    return AddTab(files, text, title, url, outlet, published, urls, token, add, summary, results)


def library_tab(needs_token: bool) -> LibraryTab:
    """Lay out the Library tab: find by title, pick a row, delete it."""
    with gr.Tab("Library", id="library-tab"):
        query = gr.Textbox(label="Find articles by title", elem_id="library-search")
        gr.Markdown("Click an article to select it, then delete it with the button below.")
        table = gr.Dataframe(
            headers=views.LIBRARY_COLUMNS, interactive=False, wrap=True,
            column_widths=["44%", "18%", "11%", "9%", "18%"], elem_id="library",
        )  # fmt: skip
        chosen = gr.State("")
        with gr.Row():
            token = gr.Textbox(label="API token", type="password", visible=needs_token)
            delete = gr.Button(DELETE_LABEL, variant="stop", interactive=False, elem_id="delete")
        result = gr.Markdown(elem_id="delete-result")
    return LibraryTab(query, table, chosen, token, delete, result)


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


class Articles:
    """The events of the two tabs, and the library line and outlet list they refresh."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def library_line(self) -> tuple[str, Any]:
        """The counts above the tabs, and the empty chat's text (where to add articles, if none)."""
        stats = self.assistant.stats()
        return views.library_line(stats), gr.update(placeholder=views.empty_chat(stats))

    def outlet_choices(self) -> Any:
        """The outlets the Ask tab's filter offers."""
        return gr.update(choices=[o for o, _ in self.assistant.outlets()])

    def add(
        self,
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
        """Add uploaded files, a pasted article and URLs: a summary line and a row per item."""
        if not token_matches(given_token, self.assistant.settings.api_token):
            return views.NEEDS_TOKEN, gr.update()
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
                self.assistant, names, pasted, urls, views.progress_text(progress)
            )
        except AssistantError as e:
            return f"**Could not add:** {escape_markdown(str(e))}", gr.update()
        if not reports:
            return views.NOTHING_TO_ADD, gr.update()
        return views.added_text(reports)

    def library(self, query: str) -> list[list[Any]]:
        """The library table, filtered by words of the title."""
        return views.library_rows(self.assistant.articles(limit=500, title=query or None))

    def pick_article(self, evt: gr.SelectData) -> tuple[str, Any]:
        """The article of the clicked row, and the delete button naming it."""
        row = list(evt.row_value or [])
        if len(row) < 5:
            return "", gr.update(interactive=False, value=DELETE_LABEL)
        return str(row[4]), gr.update(interactive=True, value=views.delete_label(str(row[0])))

    def delete(self, article_id: str, given_token: str, query: str) -> tuple[str, Any, str, Any]:
        """Delete the picked article: a message, the table, the pick and the button."""
        keep = gr.update()
        if not token_matches(given_token, self.assistant.settings.api_token):
            return views.NEEDS_TOKEN, keep, article_id, keep
        if not article_id:
            return "**Click an article in the list first.**", keep, "", keep
        try:
            found = self.assistant.article(article_id)
            self.assistant.delete(article_id)
        except AssistantError as e:
            return f"**Could not delete:** {escape_markdown(str(e))}", keep, article_id, keep
        off = gr.update(interactive=False, value=DELETE_LABEL)
        return f"Deleted “{escape_markdown(found.title)}”.", self.library(query), "", off


def wire_articles(
    add: AddTab, library: LibraryTab, events: Articles, status: list[Any], outlets: gr.Dropdown
) -> None:
    """Connect both tabs; an add or delete refreshes ``status`` and ``outlets``.

    ``status`` is the library line and the chat (whose empty text depends on the library).
    """
    hidden: dict[str, Any] = {"api_visibility": "undocumented"}
    add.add.click(
        events.add, add.inputs, [add.summary, add.results], api_name="add", api_description=False
    ).then(events.library_line, None, status).then(events.outlet_choices, None, outlets).then(
        events.library, library.query, library.table
    )
    library.query.change(events.library, library.query, library.table, **hidden)
    library.table.select(events.pick_article, None, [library.chosen, library.delete], **hidden)
    library.delete.click(
        events.delete,
        [library.chosen, library.token, library.query],
        [library.result, library.table, library.chosen, library.delete],
        **hidden,
    ).then(events.library_line, None, status).then(events.outlet_choices, None, outlets)
