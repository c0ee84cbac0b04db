"""Saved conversations: one JSON file per conversation under ``NEWSDESK_HOME/conversations``.

Each file holds the title, the turns (what follow-ups are resolved against), the chat as shown
and the last source cards, so a conversation reopens exactly as it was left, after a page
reload or a server restart. Files are written atomically (a temporary file renamed over the
old one), so a crash never leaves half a conversation.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant.errors import BadRequest, NotFound

MAX_TITLE_CHARS = 120
MAX_CONVERSATIONS = 500
_ID_CHARS = frozenset("0123456789abcdef")


class Conversation(BaseModel):
    """One saved conversation."""

    id: str
    title: str
    created_at: str
    updated_at: str
    turns: list[dict[str, str]] = Field(
        default_factory=list, description="role/text pairs: the conversation follow-ups see."
    )
    chat: list[dict[str, str]] = Field(
        default_factory=list, description="role/content messages as the chat shows them."
    )
    cards: str = Field("", description="The source cards of the last answer (HTML).")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def title_from(question: str) -> str:
    """A conversation's default title: its first question, shortened."""
    text = " ".join(question.split())
    return text if len(text) <= 60 else text[:60].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class ConversationStore:
    """Conversations saved as JSON files in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def _path(self, conversation_id: str) -> Path:
        if not (8 <= len(conversation_id) <= 32 and set(conversation_id) <= _ID_CHARS):
            raise NotFound(f"No conversation with id {conversation_id!r}.")
        return self.folder / f"{conversation_id}.json"

    def all(self) -> list[Conversation]:
        """Every saved conversation, most recently updated first."""
        found = []
        for path in self.folder.glob("*.json") if self.folder.is_dir() else []:
            try:
                found.append(Conversation.model_validate_json(path.read_bytes()))
            except (OSError, ValidationError):
                continue  # a file someone else put there is not a conversation
        return sorted(found, key=lambda c: c.updated_at, reverse=True)

    def get(self, conversation_id: str) -> Conversation:
        """One conversation; NotFound if there is none with this id."""
        path = self._path(conversation_id)
        try:
            return Conversation.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as e:
            raise NotFound(f"No conversation with id {conversation_id!r}.") from e

    def save(
        self,
        conversation_id: str | None,
        turns: list[dict[str, str]],
        chat: list[dict[str, Any]],
        cards: str,
        question: str = "",
    ) -> Conversation:
        """Create (``conversation_id`` None) or update a conversation; returns it.

        A new conversation is titled after its first question (``question`` if no turn has
        one yet, e.g. when the first question could not be answered).
        """
        now = _now()
        with self._lock:
            if conversation_id:
                current = self.get(conversation_id)
            else:
                if len(list(self.folder.glob("*.json"))) >= MAX_CONVERSATIONS:
                    raise BadRequest(
                        f"{MAX_CONVERSATIONS} conversations are saved already.",
                        "Delete some in the Conversations list first.",
                    )
                first = next((t["text"] for t in turns if t.get("role") == "user"), question)
                current = Conversation(
                    id=secrets.token_hex(8),
                    title=title_from(first) or "Conversation",
                    created_at=now,
                    updated_at=now,
                )
            chat_text = [{"role": m["role"], "content": str(m["content"])} for m in chat]
            updated = current.model_copy(
                update={"turns": turns, "chat": chat_text, "cards": cards, "updated_at": now}
            )
            self._write(updated)
            return updated

    def rename(self, conversation_id: str, title: str) -> Conversation:
        """Give a conversation a new title (1 to 120 characters)."""
        title = " ".join((title or "").split())
        if not 1 <= len(title) <= MAX_TITLE_CHARS:
            raise BadRequest(f"A title needs 1 to {MAX_TITLE_CHARS} characters.")
        with self._lock:
            updated = self.get(conversation_id).model_copy(update={"title": title})
            self._write(updated)
            return updated

    def delete(self, conversation_id: str) -> None:
        """Remove a conversation; NotFound if there is none with this id."""
        path = self._path(conversation_id)
        with self._lock:
            try:
                path.unlink()
            except FileNotFoundError as e:
                raise NotFound(f"No conversation with id {conversation_id!r}.") from e

    def _write(self, conversation: Conversation) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(conversation.model_dump(), ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path(conversation.id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
