"""newsdesk's index: read news articles, split them into passages, embed and store them."""

from index.embed import DEFAULT_MODEL, SentenceEmbedder
from index.errors import IngestError, LockedError, StoreError
from index.ingest import expand_inputs, ingest
from index.library import Library
from index.types import Article, Hit, IngestReport, ItemResult, ParsedArticle, Passage, Source

__all__ = [
    "DEFAULT_MODEL",
    "Article",
    "Hit",
    "IngestError",
    "IngestReport",
    "ItemResult",
    "Library",
    "LockedError",
    "ParsedArticle",
    "Passage",
    "SentenceEmbedder",
    "Source",
    "StoreError",
    "expand_inputs",
    "ingest",
]
