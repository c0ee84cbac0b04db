"""newsdesk: chat with news articles; every answer cites the passages it rests on."""

from assistant.errors import AssistantError
from assistant.service import Assistant, Stats
from assistant.settings import Settings, get_settings
from assistant.types import Answer, Citation, Filters, Source

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "Filters",
    "Settings",
    "Source",
    "Stats",
    "get_settings",
]
