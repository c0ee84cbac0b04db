"""newsdesk: chat with news articles; every answer cites the passages it rests on.

The names below are imported on first use (PEP 562), so that `import assistant.cli` (every
`newsdesk` command, `--help` included) does not pay for the service and its dependencies.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.errors import AssistantError
    from assistant.integrations.chain import NewsdeskChain
    from assistant.integrations.retriever import NewsdeskRetriever
    from assistant.service import Assistant, Stats
    from assistant.settings import Settings, get_settings
    from assistant.types import Answer, Citation, Filters, Source

_HOMES = {
    "Answer": "assistant.types",
    "Assistant": "assistant.service",
    "AssistantError": "assistant.errors",
    "Citation": "assistant.types",
    "Filters": "assistant.types",
    "NewsdeskChain": "assistant.integrations.chain",
    "NewsdeskRetriever": "assistant.integrations.retriever",
    "Settings": "assistant.settings",
    "Source": "assistant.types",
    "Stats": "assistant.service",
    "get_settings": "assistant.settings",
}

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "Filters",
    "NewsdeskChain",
    "NewsdeskRetriever",
    "Settings",
    "Source",
    "Stats",
    "get_settings",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
