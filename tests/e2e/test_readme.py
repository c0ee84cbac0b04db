"""The README's examples run as written (from the repository root), and its links resolve.

Every `newsdesk` command line in a bash block names a real command with real options (its
`--help` runs); the ones that only read a library (ask, search, articles, stats, timeline) run on
the seed. Every relative link of the README and of docs/ names a file (and heading) that exists.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

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


READ_ONLY = {"ask", "search", "articles", "stats", "timeline"}  # safe offline, on the seed
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def newsdesk_lines() -> list[list[str]]:
    """The arguments of every `newsdesk` command line in the README's bash blocks."""
    text = (ROOT / "README.md").read_text()
    found = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line.split("  #")[0], comments=True)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # VAR=value newsdesk ...
                words = words[1:]
            if words and words[0] in ("newsdesk", ".venv/bin/newsdesk"):
                found.append(words[1:])
    return found


def resolve(args: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """(command path, command, the rest) for ``newsdesk ARGS``."""
    from assistant.cli import cli

    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        path.append(args[0])
        command, args = command.commands[args[0]], args[1:]
    return path, command, args


def inline_commands() -> list[list[str]]:
    """The arguments of every `newsdesk ...` code span in the README's prose ([optional] unwrapped)."""
    text = (ROOT / "README.md").read_text()
    spans = re.findall(r"(?<!`)`(?:\.venv/bin/)?newsdesk ([^`]+)`", text)
    return [shlex.split(span.replace("[", "").replace("]", "")) for span in spans]


def test_readme_command_lines_name_real_commands_and_options() -> None:
    lines = newsdesk_lines()
    assert len(lines) >= 10
    for args in lines + inline_commands():
        path, command, rest = resolve(args)
        assert path and not isinstance(command, click.Group), f"no such command: {args}"
        options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for word in rest:
            if word.startswith("-") and word != "-":
                assert word.split("=")[0] in options, f"newsdesk {' '.join(path)}: {word}"
        shown = CliRunner().invoke(command, ["--help"], prog_name=f"newsdesk {' '.join(path)}")
        assert shown.exit_code == 0 and "Usage:" in shown.output, (path, shown.output)


def test_readme_read_only_commands_run_on_the_seed(
    tmp_path_factory, embedder, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ask, search, articles and stats as the README writes them (the llm engine aside)."""
    import assistant.service
    from assistant.cli import cli

    home = seeded_home(tmp_path_factory, embedder, seed_dir, "readme-cli")
    monkeypatch.setattr(assistant.service.Assistant, "embedder", embedder)
    monkeypatch.setenv("NEWSDESK_HOME", str(home))
    ran = 0
    for args in newsdesk_lines():
        if args[0] not in READ_ONLY or "llm" in args:
            continue
        done = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert done.exit_code == 0, (args, done.output)
        if not {"--outlet", "--since", "--until"} & set(args):  # the seed has no outlet or date
            assert done.output.strip(), args
        ran += 1
    assert ran >= 7


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_from_the_readme_and_docs_resolve() -> None:
    """Relative links name files that exist, and anchors into them name real headings."""
    for page in PAGES:
        text = page.read_text()
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            linked = (page.parent / file).resolve() if file else page
            assert linked.exists(), f"{page.name}: {target}"
            if anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", linked.read_text(), re.M)
                assert anchor in {slug(h) for h in headings}, f"{page.name}: {target}"
        for script in re.findall(r"\b((?:benchmarks|studies)/[\w/]+\.(?:py|jsonl))", text):
            assert (ROOT / script).exists(), f"{page.name} names {script}"


def test_the_readme_stays_short() -> None:
    """The README is the user's entry; measurements live in docs/ (issue 25: under 400 lines)."""
    assert len((ROOT / "README.md").read_text().splitlines()) < 400
