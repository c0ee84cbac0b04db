"""The Ask tab: the chat, its sources, the filters and the saved conversations.

``ask_tab`` lays the tab out, ``Chat`` answers its events, ``wire_ask`` connects the two.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.engines.chat import describe
from assistant.errors import AssistantError
from assistant.present import chat as views
from assistant.present.chat import NO_SOURCES
from assistant.present.markdown import answer_markdown, escape_markdown, source_cards
from assistant.question.history import recent_history
from assistant.service import Assistant
from assistant.types import Answer, Turn

Message = dict[str, str]


@dataclass
class AskTab:
    """The components of the Ask tab that events read or write."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    research: gr.Checkbox
    engine: gr.Radio
    cards: gr.HTML
    outlets: gr.Dropdown
    since: gr.Textbox
    until: gr.Textbox
    as_of: gr.Textbox
    filter_error: gr.Markdown
    active: gr.Markdown
    listed: gr.Dropdown
    new_chat: gr.Button
    title: gr.Textbox
    rename: gr.Button
    delete: gr.Button
    confirm_box: gr.Column
    confirm: gr.Button
    cancel: gr.Button
    message: gr.Markdown
    conversation: gr.State
    turns: gr.State

    @property
    def filters(self) -> list[Any]:
        """The filter fields, in the order handlers take them."""
        return [self.outlets, self.since, self.until, self.as_of]

    @property
    def opened(self) -> list[Any]:
        """What opening a saved conversation fills in."""
        return [self.chatbot, self.turns, self.cards, self.conversation, self.title, self.message]


def ask_tab(assistant: Assistant) -> AskTab:
    """Lay out the Ask tab: the chat on the left, sources, filters and conversations beside it."""
    conversation = gr.State(None)
    turns = gr.State([])
    with gr.Tab("Ask", id="ask-tab"), gr.Row():
        with gr.Column(scale=3, min_width=300):
            chat = _chat_column(assistant)
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Sources")
            cards = gr.HTML(NO_SOURCES, elem_id="sources-panel")
            filters = _filters_box()
            saved = _conversations_box()
    return AskTab(**chat, cards=cards, **filters, **saved, conversation=conversation, turns=turns)


def _chat_column(assistant: Assistant) -> dict[str, Any]:
    llm = describe(assistant.settings.llm)
    chatbot = gr.Chatbot(
        height="52vh", sanitize_html=True, label="Conversation", elem_id="chat",
        placeholder=views.EMPTY_CHAT, show_label=False,
    )  # fmt: skip
    with gr.Row(elem_id="ask-row"):
        question = gr.Textbox(
            placeholder="Ask about the loaded articles…", show_label=False,
            scale=5, min_width=120, lines=1, elem_id="question",
        )  # fmt: skip
        ask = gr.Button("Ask", variant="primary", scale=1, min_width=72, elem_id="ask")
    with gr.Row():
        research = gr.Checkbox(
            value=True, label="Check other articles (support, conflicts)", elem_id="research"
        )
        engine = gr.Radio(
            ["extractive", "llm"],
            value=assistant.settings.answer.engine if llm else "extractive",
            label="Engine",
            interactive=llm is not None,
            info=f"Language model: {llm}" if llm else views.NO_MODEL,
            elem_id="engine",
        )
    return {
        "chatbot": chatbot, "question": question, "ask": ask, "research": research,
        "engine": engine,
    }  # fmt: skip


def _filters_box() -> dict[str, Any]:
    with gr.Accordion("Filters for the next question", open=True):
        outlets = gr.Dropdown([], multiselect=True, label="Outlets", elem_id="outlets")
        with gr.Row():
            since = gr.Textbox(label="Published since (YYYY-MM-DD)", elem_id="since")
            until = gr.Textbox(label="until (YYYY-MM-DD)", elem_id="until")
            as_of = gr.Textbox(
                label="Ask as of (YYYY-MM-DD)", elem_id="as-of",
                info="“this week” counts back from this day, not from the newest article",
            )  # fmt: skip
        filter_error = gr.Markdown(elem_id="filter-error")
        active = gr.Markdown("No filters: every article is searched.", elem_id="active-filters")
    return {
        "outlets": outlets, "since": since, "until": until, "as_of": as_of,
        "filter_error": filter_error, "active": active,
    }  # fmt: skip


def _conversations_box() -> dict[str, Any]:
    with gr.Accordion("Conversations", open=True, elem_id="conversations-box"):
        with gr.Row():
            listed = gr.Dropdown(
                [], label="Saved conversations (open one)", scale=4, elem_id="conversations"
            )
            new_chat = gr.Button("New conversation", scale=1, elem_id="new-chat")
        with gr.Row():
            title = gr.Textbox(label="Title", scale=4, elem_id="conv-title")
            rename = gr.Button("Rename", scale=1, elem_id="conv-rename")
        # destructive, so quiet: shown only while a conversation is open, and it asks first
        delete = gr.Button("Delete conversation…", size="sm", visible=False, elem_id="conv-delete")
        with gr.Column(visible=False, elem_id="conv-confirm") as confirm_box:
            gr.Markdown(views.CONFIRM_DELETE_CONVERSATION)
            with gr.Row():
                confirm = gr.Button(
                    "Delete", variant="stop", size="sm", elem_id="conv-delete-confirm"
                )
                cancel = gr.Button("Keep it", size="sm", elem_id="conv-delete-cancel")
        message = gr.Markdown(elem_id="conv-message")
    return {
        "listed": listed, "new_chat": new_chat, "title": title, "rename": rename,
        "delete": delete, "confirm_box": confirm_box, "confirm": confirm, "cancel": cancel,
        "message": message,
    }  # fmt: skip


class Chat:
    """The Ask tab's events: answers, filters, and opening, renaming, deleting conversations.

    ``gr.update()`` in an output leaves that component as it is.
    """

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.store = assistant.conversations

    def conversation_list(self, selected: str | None = None) -> Any:
        """The saved-conversations list, ``selected`` chosen."""
        return gr.update(choices=views.conversation_choices(self.store.all()), value=selected)

    def show_filters(
        self, outlets: list[str] | None, since: str, until: str, as_of: str = ""
    ) -> tuple[str, str]:
        """The active-filters line and the problem with a filter field ("" when none)."""
        filters, problem = views.parse_filters(outlets, since, until, as_of)
        return views.describe_filters(filters), problem

    def respond(
        self,
        message: str,
        chat: list[Message],
        turns: list[Message],
        conversation: str | None,
        outlets: list[str] | None,
        since: str,
        until: str,
        as_of: str,
        engine: str,
        research: bool,
    ) -> Iterator[tuple[Any, ...]]:
        """Answer ``message`` into the chat (drafts as they come) and save the conversation."""
        keep = gr.update()
        if not message or not message.strip():
            yield chat, turns, keep, "", conversation, keep, "", keep
            return
        filters, problem = views.parse_filters(outlets, since, until, as_of)
        if filters is None:  # shown beside the date fields; the chat and the question stay
            yield chat, turns, keep, keep, conversation, keep, problem, keep
            return
        asked_now = {"role": "user", "content": escape_markdown(message)}
        chat = [*views.plain_messages(chat), asked_now]  # Gradio returns content as parts
        chat.append({"role": "assistant", "content": "*Searching the articles…*"})
        yield chat, turns, keep, "", conversation, keep, "", keep
        asked = (message, filters, engine, research)
        turns, cards = yield from self._answer(asked, chat, turns, conversation)
        named: Any = keep
        try:
            saved = self.store.save(conversation, turns, chat, cards, message)
            conversation, named = saved.id, saved.title
        except AssistantError:
            pass  # the answer still shows; the list says nothing new
        yield chat, turns, cards, "", conversation, self.conversation_list(conversation), "", named

    def _answer(
        self,
        asked: tuple[str, Any, str, bool],
        chat: list[Message],
        turns: list[Message],
        conversation: str | None,
    ) -> Generator[tuple[Any, ...], None, tuple[list[Message], str]]:
        """Stream the answer into ``chat[-1]``; return the turns and the source cards."""
        message, filters, engine, research = asked
        keep, draft, cards = gr.update(), "", NO_SOURCES
        try:
            history = recent_history([Turn.model_validate(t) for t in turns])
            for item in self.assistant.stream(
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
            chat[-1] = {"role": "assistant", "content": views.unexpected_text(e)}
        return turns, cards

    def open_conversation(self, conversation: str | None) -> tuple[Any, ...]:
        """A saved conversation: chat, turns, cards, id, title and a message."""
        if not conversation:
            return [], [], NO_SOURCES, None, "", ""
        try:
            found = self.store.get(conversation)
        except AssistantError as e:
            return [], [], NO_SOURCES, None, "", escape_markdown(str(e))
        chat = views.plain_messages(found.chat)  # saved by older versions as Gradio's parts
        return chat, found.turns, found.cards or NO_SOURCES, found.id, found.title, ""

    def restore(self, conversation: str | None) -> tuple[Any, ...]:
        """Reopen the conversation this browser had open (if it still exists)."""
        shown = self.open_conversation(conversation)
        if shown[3] is None:
            return [], [], NO_SOURCES, None, "", "", self.conversation_list(None)
        return (*shown, self.conversation_list(shown[3]))

    def rename(self, conversation: str | None, title: str) -> tuple[Any, str]:
        """Rename the open conversation."""
        if not conversation:
            return gr.update(), "Ask a question first: it starts a conversation."
        try:
            self.store.rename(conversation, title)
        except AssistantError as e:
            return gr.update(), escape_markdown(str(e))
        return self.conversation_list(conversation), "Renamed."

    def forget(self, conversation: str | None) -> tuple[Any, ...]:
        """Delete the open conversation and clear the chat."""
        message = "Nothing to delete."
        if conversation:
            try:
                self.store.delete(conversation)
                message = "Conversation deleted."
            except AssistantError as e:
                message = escape_markdown(str(e))
        return [], [], NO_SOURCES, None, "", self.conversation_list(None), message

    def answer_api(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        outlets: list[str] | None = None,
        since: str = "",
        until: str = "",
        engine: str = "extractive",
        research: bool = False,
        as_of: str = "",
    ) -> dict[str, Any]:
        """The answer as data: ``answer`` (text with [n]), ``citations``, ``sources``."""
        filters, problem = views.parse_filters(outlets, since, until, as_of)
        if filters is None:
            raise gr.Error(problem.replace("**", ""))
        try:
            answer = self.assistant.ask(
                question, filters, history=history or [], engine=engine, research=research
            )
        except AssistantError as e:
            raise gr.Error(str(e)) from e
        return views.answer_data(answer)


def wire_ask(tab: AskTab, chat: Chat, saved_id: gr.BrowserState) -> None:
    """Connect the Ask tab's events; ``saved_id`` keeps the open conversation in the browser."""
    hidden: dict[str, Any] = {"api_visibility": "undocumented"}
    gr.on(
        [tab.outlets.change, tab.since.change, tab.until.change, tab.as_of.change],
        chat.show_filters, tab.filters, [tab.active, tab.filter_error], **hidden,
    )  # fmt: skip
    inputs = [
        tab.question, tab.chatbot, tab.turns, tab.conversation, *tab.filters, tab.engine,
        tab.research,
    ]  # fmt: skip
    outputs = [
        tab.chatbot, tab.turns, tab.cards, tab.question, tab.conversation, tab.listed,
        tab.filter_error, tab.title,
    ]  # fmt: skip
    for trigger in (tab.ask.click, tab.question.submit):
        trigger(chat.respond, inputs, outputs, **hidden).then(
            lambda c: c, tab.conversation, saved_id, **hidden
        )
    gr.api(chat.answer_api, api_name="answer")
    tab.listed.input(chat.open_conversation, tab.listed, tab.opened, **hidden).then(
        lambda c: c, tab.conversation, saved_id, **hidden
    )
    cleared = [tab.chatbot, tab.turns, tab.cards, tab.conversation, tab.title, tab.listed,
               tab.message]  # fmt: skip
    tab.new_chat.click(
        lambda: ([], [], NO_SOURCES, None, "", gr.update(value=None), ""), None, cleared, **hidden
    ).then(lambda: None, None, saved_id, **hidden)
    tab.rename.click(
        chat.rename, [tab.conversation, tab.title], [tab.listed, tab.message], **hidden
    )
    # the delete button shows only while a conversation is open; it asks before deleting
    tab.conversation.change(
        lambda c: (gr.update(visible=bool(c)), gr.update(visible=False)), tab.conversation,
        [tab.delete, tab.confirm_box], **hidden,
    )  # fmt: skip
    tab.delete.click(lambda: gr.update(visible=True), None, tab.confirm_box, **hidden)
    tab.cancel.click(lambda: gr.update(visible=False), None, tab.confirm_box, **hidden)
    tab.confirm.click(chat.forget, tab.conversation, cleared, **hidden).then(
        lambda: None, None, saved_id, **hidden
    )
