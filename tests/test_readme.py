"""The README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_dir: Path, embedder, capsys
) -> None:
    import assistant.service

    (block,) = python_blocks()
    monkeypatch.chdir(ROOT)
    # reuse the session's loaded model; everything else runs exactly as written
    monkeypatch.setattr(assistant.service.Assistant, "embedder", embedder)
    code = block.replace('"/tmp/newsdesk-demo"', repr(str(tmp_path / "demo")))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "added 1" in out
    assert "*The Global Times*" in out and "[1]" in out
    assert namespace["answer"].abstained is False
    assert namespace["dated"] == []  # the seed article has no date, so a date filter excludes it


def test_readme_documents_every_cli_command() -> None:
    from assistant.cli import cli

    text = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"newsdesk {name}" in text, name
    assert "make run" in text and "make test" in text
