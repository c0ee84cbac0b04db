"""Cold start: a command does not import the heavy libraries it never uses (issue 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = [
    "torch", "sentence_transformers", "transformers", "chromadb", "gradio", "fastapi", "uvicorn",
    "langchain_core", "httpx", "spacy",
]  # fmt: skip


def _imported_after(code: str, home: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter; the HEAVY modules it left in sys.modules."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, check=True, timeout=120,
        env={"NEWSDESK_HOME": str(home), "HF_HUB_OFFLINE": "1", "PATH": ""},
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_cli(*args: str) -> str:
    return (
        "from assistant.cli import cli\n"
        f"try:\n    cli({list(args)!r}, prog_name='newsdesk')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
    )


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    assert _imported_after(_run_cli("--help"), tmp_path) == []
    # --help does not even import the service.
    probe = (
        "from assistant.cli import cli\nimport sys\nassert 'assistant.service' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=120)


@pytest.mark.parametrize("command", [["stats"], ["articles", "--limit", "1"]])
def test_catalog_commands_import_nothing_heavy(tmp_path: Path, command: list[str]) -> None:
    assert _imported_after(_run_cli(*command), tmp_path) == []


def test_public_names_still_import(tmp_path: Path) -> None:
    # The LangChain adapters (NewsdeskRetriever, NewsdeskChain) are LangChain classes: only
    # they may bring langchain_core in.
    code = "from assistant import Answer, Assistant, Settings, get_settings\nimport assistant\n"
    code += "assert all(getattr(assistant, n) for n in assistant.__all__ if 'Newsdesk' not in n)"
    assert "langchain_core" not in _imported_after(code, tmp_path)
    everything = "import assistant\nassert all(getattr(assistant, n) for n in assistant.__all__)"
    assert "langchain_core" in _imported_after(everything, tmp_path)
