"""Imports run one way: edges -> service -> core -> index; heavy dependencies have one owner."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the HTTP API edge: every module of assistant/http (the app, its routers, schemas and limits)
API = {f"assistant.http.{p.stem}" for p in (ROOT / "assistant" / "http").glob("[!_]*.py")}
# the web UI edge: the package assistant/ui (one module a tab)
UI = {"assistant.ui"} | {
    f"assistant.ui.{p.stem}"
    for p in (ROOT / "assistant" / "ui").glob("*.py")
    if p.stem != "__init__"
}
# the MCP edge: the package assistant/mcpserver (the server for agents, stdio and HTTP)
MCP = {"assistant.mcpserver"} | {
    f"assistant.mcpserver.{p.stem}"
    for p in (ROOT / "assistant" / "mcpserver").glob("*.py")
    if p.stem != "__init__"
}
CLI = {
    "assistant.cli", "assistant.cli.commands", "assistant.cli.evaluate", "assistant.cli.output",
    "assistant.cli.serving", "assistant.cli.train",
}  # fmt: skip
EDGES = {*CLI, *UI, *API, *MCP}
# third-party package -> the only modules allowed to import it
OWNERS = {
    "chromadb": {"index.vectors"},
    "sentence_transformers": {"index.embed"},
    "torch": {"index.embed", "assistant.reader.model", "assistant.training.reader"},
    "transformers": {"index.embed", "assistant.reader.model"},
    "gradio": UI,
    "gradio_client": set(),
    "fastapi": API,
    "starlette": API,
    "jinja2": {"assistant.present.html"},
    "click": CLI,
    "uvicorn": {"assistant.cli.serving"},
    "mcp": MCP,
    "langchain_mcp_adapters": set(),
    "tqdm": {"assistant.cli.output", "assistant.training.reader"},
    "bm25s": {"assistant.evaluation.baselines"},
    "spacy": {"assistant.language.attribution"},
    "langchain_text_splitters": {"assistant.evaluation.baselines"},
    "langchain_openai": {"assistant.engines.chat"},
    "langchain_ollama": {"assistant.engines.chat"},
    "psycopg": {"index.catalog.postgres"},
    "psycopg_pool": {"index.catalog.postgres"},
    "sqlalchemy": {"index.catalog.migrate"},
    "alembic": {
        "index.catalog.migrate",
        "index.catalog.migrations.env",
        "index.catalog.migrations.versions.0001_catalog",
        "index.catalog.migrations.versions.0002_superseded",
    },
}


def modules() -> dict[str, Path]:
    found = {}
    for package in ("assistant", "index", "prompts"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


# assistant's layers, lowest first (ARCHITECTURE.md): a module imports its own layer or lower ones.
LAYERS = [
    {"language"},
    {"settings", "errors", "types"},
    {"question"},
    {"reader"},
    {"retrieve"},
    {"engines"},
    {"research"},
    {"pipeline", "adding", "conversations", "uploads"},
    {"service"},
    {"present"},
    {"integrations", "evaluation", "training"},
    {"http", "ui", "mcpserver"},
    {"cli"},
]


def layer(module: str) -> int:
    """The layer of an ``assistant`` module (by its first name under ``assistant``)."""
    room = module.split(".")[1]
    return next(n for n, rooms in enumerate(LAYERS) if room in rooms)


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_follow_the_module_map(module: str) -> None:
    imported = imports(modules()[module])
    top = {name.split(".")[0] for name in imported}
    if module.startswith("index"):
        assert not top & {"assistant", "prompts"}, (
            f"{module} imports {top & {'assistant', 'prompts'}}"
        )
    if module.startswith("prompts"):
        assert not top & {"assistant", "index"}
    if module.startswith("assistant."):
        assert "assistant" not in imported, f"{module} imports the package facade"
        for name in (n for n in imported if n.startswith("assistant.")):
            assert layer(name) <= layer(module), f"{module} (layer {layer(module)}) imports {name}"
    if module in EDGES - CLI:
        own = next((edge for edge in (API, UI, MCP) if module in edge), {module})
        assert not imported & (EDGES - own), f"{module} imports another edge"
    for package, owners in OWNERS.items():
        if package in top:
            assert module in owners, f"{module} imports {package}; only {owners or 'tests'} may"


def test_every_room_has_a_layer() -> None:
    rooms = {m.split(".")[1] for m in modules() if m.startswith("assistant.")}
    assert rooms == set().union(*LAYERS), "add the new room to LAYERS and ARCHITECTURE.md"


def test_packages_resolve_inside_the_project() -> None:
    import assistant
    import index
    import prompts

    for package in (assistant, index, prompts):
        assert Path(package.__file__).resolve().is_relative_to(ROOT), package.__file__


def test_public_surface_is_pinned() -> None:
    import assistant
    import index

    assert sorted(assistant.__all__) == [
        "Answer", "Assistant", "AssistantError", "Citation", "Filters", "NewsdeskChain",
        "NewsdeskRetriever", "Settings", "Source", "Stats", "get_settings",
    ]  # fmt: skip
    assert sorted(index.__all__) == sorted([
        "DEFAULT_MODEL", "Article", "Hit", "IngestError", "IngestReport", "ItemResult", "Library",
        "LockedError", "ParsedArticle", "Passage", "SentenceEmbedder", "Source", "StoreError",
        "expand_inputs", "ingest",
    ])  # fmt: skip
    for package in (assistant, index):
        for name in package.__all__:
            assert hasattr(package, name), name


def test_no_class_named_indexerror() -> None:
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            assert not (isinstance(node, ast.ClassDef) and node.name == "IndexError"), path


MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("module", sorted(m for m in modules() if ".migrations." not in m))
def test_modules_and_functions_stay_small(module: str) -> None:
    """A module a newcomer can read in one sitting: at most 350 lines, functions at most 60."""
    path = modules()[module]
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{path}: split it by role"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path}:{node.lineno} {node.name} is {length}"
