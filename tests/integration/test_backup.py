"""Export then import into an empty home: the same articles, sources, passages and answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.integration.test_ingest import (
    ARTICLE_A,
    ARTICLE_B,
    ARTICLE_C,
    stored_passages,
    write_jsonl,
)

pytestmark = pytest.mark.slow


def snapshot(bot) -> dict:
    lib = bot.library
    out = {}
    for a in lib.catalog.list_articles():
        passages = [
            (p.id, p.start, p.end, p.sentences) for p in stored_passages(lib.catalog, a.id, a.text)
        ]
        out[a.id] = (a.model_dump(), passages)
    return out


def test_export_import_rebuilds_an_identical_index(
    tmp_path: Path, embedder, seed_dir: Path
) -> None:
    from assistant import Assistant

    source = Assistant(home=tmp_path / "a")
    source.embedder = embedder
    rows = [
        {"title": "Rates", "text": ARTICLE_C, "url": "https://apnews.com/r", "date": "2024-01-10",
         "author": "Ann Lee"},
        {"title": "Rates (copy)", "text": ARTICLE_C, "url": "https://wtop.com/r", "date": "2024-01-11"},
        {"title": "Farmers", "text": ARTICLE_B, "outlet": "Example PL"},
        {"title": "Air defence", "text": ARTICLE_A, "url": "https://kyiv.example/a"},
    ]  # fmt: skip
    source.ingest([write_jsonl(tmp_path / "in.jsonl", rows), seed_dir])
    source.ingest(write_jsonl(tmp_path / "upd.jsonl", [{**rows[3], "text": ARTICLE_A + " More."}]))

    export = tmp_path / "backup.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(tmp_path / "a"), "export", str(export)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in export.read_text().splitlines()]
    assert len(records) == 4 and all(r["format"] == "newsdesk-export/1" for r in records)

    target = Assistant(home=tmp_path / "b")
    target.embedder = embedder
    report = target.restore(export)
    assert (report.added, report.duplicates, report.failed) == (4, 1, 0)
    assert snapshot(target) == snapshot(source)
    question = "How much did the central bank raise rates?"
    assert [h.passage_id for h in target.search(question)] == [
        h.passage_id for h in source.search(question)
    ]
    assert target.ask(question).text == source.ask(question).text

    # importing again changes nothing; a damaged line is reported and the rest still imported
    assert target.restore(export).unchanged == 5
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(export.read_text() + "{broken\n" + json.dumps({"format": "other"}) + "\n")
    again = target.restore(damaged)
    assert again.failed == 2 and {i.line for i in again.items if i.status == "failed"} == {5, 6}
