"""newsdesk: chat with news articles; every answer cites the passages it rests on."""

from assistant.chain import NewsdeskChain
from assistant.errors import AssistantError
from assistant.retriever import NewsdeskRetriever
from assistant.service import Assistant, Stats
from assistant.settings import Settings, get_settings
from assistant.types import Answer, Citation, Filters, Source

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
