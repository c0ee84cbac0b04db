"""The README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, seeded_home
from tests.e2e.test_serve import server  # noqa: F401  (fixture)
from tests.integration.test_llm import llm_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_dir: Path, embedder, capsys
) -> None:
    import assistant.service

    block = python_blocks()[0]  # the Python API example
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


def curl_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "curl" in b)
    commands = block.replace("\\\n", " ").splitlines()
    return [c.split("  #")[0] for c in commands if c.startswith("curl")]


def test_readme_api_examples_run(server: str, tmp_path: Path) -> None:  # noqa: F811
    """Every curl line of the README (bar placeholders), then the openai and gradio_client code."""
    import subprocess

    port = server.rsplit(":", 1)[1]
    ran = 0
    for command in curl_commands():
        if any(p in command for p in ("ARTICLE_ID", "example.com")):
            continue  # placeholders a reader fills in
        done = subprocess.run(
            command.replace("7860", port), shell=True, capture_output=True, text=True, timeout=120,
            cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
        assert '"ok":false' not in done.stdout.replace(" ", ""), (command, done.stdout)
        if "/upload" in command:  # the upload example adds its file (or finds it unchanged)
            assert '"failed":0' in done.stdout.replace(" ", ""), done.stdout
        ran += 1
    assert ran >= 8
    served = [b for b in python_blocks() if "7860" in b]  # the openai and gradio_client blocks
    assert len(served) == 2
    runs = []
    for block in served:
        out: dict = {}
        exec(compile(block.replace("7860", port), "README.md", "exec"), out)
        runs.append(out)
    openai_run, gradio_run = runs
    assert "The New York Times" in openai_run["reply"].choices[0].message.content
    assert openai_run["cited"] and openai_run["chunk"].usage.total_tokens > 0
    answer = gradio_run["answer"]  # data, not Markdown: the text and its citations
    assert "The New York Times" in answer["answer"] and "\\" not in answer["answer"]
    assert answer["citations"][0]["quote"] in answer["answer"]


@pytest.mark.llm
@pytest.mark.server
def test_readme_langchain_example_runs(
    tmp_path_factory,
    embedder,
    seed_dir: Path,
    llm_url: str,  # noqa: F811
    monkeypatch,
    capsys,
) -> None:
    """The LangChain block, with the real llama server for its chat model."""
    import assistant.service

    (block,) = [b for b in python_blocks() if "NewsdeskRetriever" in b]
    home = seeded_home(tmp_path_factory, embedder, seed_dir, "readme-langchain")
    monkeypatch.setattr(assistant.service.Assistant, "embedder", embedder)
    code = (
        block.replace('"/tmp/newsdesk-demo"', repr(str(home)))
        .replace("http://127.0.0.1:8080/v1", llm_url)
        .replace('model="qwen2.5-0.5b"', 'model="qwen-test", max_completion_tokens=120')
    )
    out: dict = {}
    exec(compile(code, "README.md", "exec"), out)
    answer = out["answer"]
    assert answer.engine == "llm" and answer.claims and not answer.abstained
    printed = capsys.readouterr().out
    assert printed.strip() and all(c.quote in printed for c in answer.citations)


def test_readme_names_every_ui_tab() -> None:
    ui = "".join(p.read_text() for p in sorted((ROOT / "assistant" / "ui").glob("*.py")))
    tabs = re.findall(r'gr\.Tab\("([^"]+)"', ui)
    text = (ROOT / "README.md").read_text()
    count = {3: "three", 4: "four", 5: "five", 6: "six"}[len(tabs)]
    assert f"**The UI** has {count} tabs" in text
    for tab in tabs:
        assert f"- *{tab}*:" in text, tab
