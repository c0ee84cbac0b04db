"""Saved conversations: JSON files under NEWSDESK_HOME, written atomically, listed newest first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.conversations import ConversationStore, title_from
from assistant.errors import BadRequest, NotFound

TURNS = [
    {"role": "user", "text": "How many residents were evacuated after the plant fire?"},
    {"role": "assistant", "text": "About 800 [1]."},
]
CHAT = [
    {"role": "user", "content": "How many residents were evacuated after the plant fire?"},
    {"role": "assistant", "content": "About 800 [\\[1\\]](#source-1)"},
]


def test_save_reopen_rename_delete_across_instances(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "conversations")
    assert store.all() == []
    saved = store.save(None, TURNS, CHAT, "<div id='sources'>card</div>")
    assert saved.title == "How many residents were evacuated after the plant fire?"
    # a new store on the same folder (a restarted server) sees the same conversation
    again = ConversationStore(tmp_path / "conversations")
    (listed,) = again.all()
    assert listed == saved and listed.turns == TURNS and listed.chat == CHAT
    more = again.save(saved.id, [*TURNS, {"role": "user", "text": "Why?"}], CHAT, "")
    assert more.id == saved.id and len(more.turns) == 3 and more.created_at == saved.created_at
    assert again.rename(saved.id, "  Norchem   fire ").title == "Norchem fire"
    assert store.get(saved.id).title == "Norchem fire"
    second = store.save(None, TURNS[:1], CHAT[:1], "")
    assert {c.id for c in store.all()} == {second.id, saved.id}
    store.delete(saved.id)
    assert [c.id for c in store.all()] == [second.id]
    with pytest.raises(NotFound):
        store.get(saved.id)
    with pytest.raises(NotFound):
        store.delete(saved.id)


def test_files_are_whole_json_and_ids_cannot_escape_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "conversations"
    store = ConversationStore(folder)
    saved = store.save(None, TURNS, CHAT, "")
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"{saved.id}.json"]  # no temporary file left behind
    assert json.loads((folder / files[0]).read_text())["id"] == saved.id
    (folder / "notes.json").write_text("not a conversation")
    assert [c.id for c in store.all()] == [saved.id]
    for bad in ("../../etc/passwd", "..", "", "ABCDEF0123456789"):
        with pytest.raises(NotFound):
            store.get(bad)
    with pytest.raises(BadRequest, match="1 to 120"):
        store.rename(saved.id, "   ")


def test_title_is_the_first_question_shortened() -> None:
    assert title_from("  When   will the council vote? ") == "When will the council vote?"
    long = title_from("word " * 40)
    assert long.endswith("…") and len(long) <= 61
