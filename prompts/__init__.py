"""Prompt and answer templates, shipped as package data and filled with ``string.Template``."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

# The placeholders each template must use (and may not exceed).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "answer": frozenset({"body", "sources"}),
    "abstain": frozenset({"leads"}),
    "answer_system": frozenset({"cannot_answer", "max_sentences"}),
    "answer_user": frozenset({"context", "question"}),
    "choice_user": frozenset({"context", "question", "choices", "cannot_answer"}),
    "condense_question": frozenset({"history", "question"}),
    "check_claim": frozenset({"claim"}),  # MCP prompts (assistant/mcpserver)
    "brief_topic": frozenset({"topic"}),
}

# The exact reply that means "the sources do not answer this": shared by the prompts (which ask
# the model for it), the answer parser (which detects it) and the tests.
CANNOT_ANSWER = "NOT IN THE SOURCES"


class TemplateError(Exception):
    """A template is missing, or its placeholders do not match what the code fills in."""


def names() -> list[str]:
    """Names of the shipped templates (file names without ``.md``)."""
    return sorted(
        p.name.removesuffix(".md")
        for p in resources.files(__package__).iterdir()
        if p.name.endswith(".md")
    )


@cache
def load(name: str) -> string.Template:
    """The template ``name`` (``prompts/<name>.md``), with its placeholders checked."""
    path = resources.files(__package__) / f"{name}.md"
    if not path.is_file():
        raise TemplateError(f"No template {name!r}; templates are: {', '.join(names())}")
    template = string.Template(path.read_text(encoding="utf-8"))
    found = set(template.get_identifiers())
    expected = PLACEHOLDERS.get(name, frozenset())
    if found != expected:
        raise TemplateError(
            f"Template {name}.md uses {sorted(found)} but the code fills {sorted(expected)}"
        )
    return template


def render(name: str, **values: str) -> str:
    """Fill template ``name``; every placeholder must be given."""
    missing = PLACEHOLDERS.get(name, frozenset()) - values.keys()
    if missing:
        raise TemplateError(f"Template {name} needs {sorted(missing)}")
    return load(name).substitute(values).strip()
