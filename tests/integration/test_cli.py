"""The `newsdesk` command line, run in-process with click's runner on a temp NEWSDESK_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli

pytestmark = pytest.mark.slow


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_ingest_ask_search_articles_stats(seed_dir: Path, tmp_path: Path) -> None:
    out = run("ingest", str(seed_dir), "--json")
    report = json.loads(out.stdout)
    assert (report["added"], report["failed"], report["ok"]) == (1, 0, True)

    again = run("ingest", str(seed_dir))
    assert "added 0, updated 0, unchanged 1" in again.stdout

    answer = json.loads(run("ask", "Who analysed the satellite imagery?", "--json").stdout)
    assert not answer["abstained"]
    cite = answer["citations"][0]
    assert "The New York Times" in cite["quote"]
    assert {"n", "quote", "passage", "start", "end", "article_id", "title", "url", "outlet",
            "published_at"} <= cite.keys()  # fmt: skip

    text = run("ask", "Which outlet obtained the leaked military communication?").stdout
    assert "*The Global Times*" in text and "[1]" in text and "Sources:" in text

    dated = json.loads(
        run("ask", "Who analysed the imagery this week?", "--as-of", "2024-03-01", "--json").stdout
    )
    assert dated["filters"]["as_of"] == "2024-03-01"
    assert any("counted back from the date asked as of, 2024-03-01" in n for n in dated["notes"])

    declined = json.loads(run("ask", "Who won the Super Bowl?", "--json").stdout)
    assert declined["abstained"] and declined["citations"] == []

    hits = json.loads(run("search", "Konstantinovka retreat", "-k", "2", "--json").stdout)["hits"]
    assert len(hits) == 2
    assert {"text", "score", "article_id", "title", "url", "outlet", "published_at", "start",
            "end"} <= hits[0].keys()  # fmt: skip
    assert "Konstantinovka" in hits[0]["text"]

    listed = json.loads(run("articles", "--json").stdout)["articles"]
    assert len(listed) == 1 and "text" not in listed[0]
    stats = json.loads(run("stats", "--json").stdout)
    assert (stats["articles"], stats["passages"]) == (1, listed[0]["passages"])


def test_failures_are_reported_with_exit_code_1(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Headline\nThe council met on Tuesday. It approved the budget.")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x", "text": "Fine line of text here."}\n{oops\n')
    result = run("ingest", str(good), str(bad), str(tmp_path / "nope.txt"), ok=False)
    assert result.exit_code == 1
    assert f"failed: {bad}:2: invalid JSON" in result.stderr
    assert f"failed: {tmp_path / 'nope.txt'}: no such file" in result.stderr
    assert "added 2" in result.stdout and "failed 2" in result.stdout


def test_asking_an_empty_index_says_what_to_do() -> None:
    result = run("ask", "anything?", ok=False)
    assert "No articles are indexed" in result.stderr and "newsdesk ingest" in result.stderr
    assert "Traceback" not in result.output


def test_bad_filter_dates_are_rejected() -> None:
    result = run("search", "x", "--since", "2024-02-01", "--until", "2024-01-01", ok=False)
    assert "since" in result.stderr
    result = run("search", "x", "--since", "yesterday", ok=False)
    assert "--since" in result.stderr


def test_a_setting_out_of_range_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ANSWER__SENTENCE_LIMIT", "-1")
    result = run("stats", ok=False)
    assert "NEWSDESK_ANSWER__SENTENCE_LIMIT='-1'" in result.stderr
    assert "greater than or equal to 0" in result.stderr and "Traceback" not in result.output
