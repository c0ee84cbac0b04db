"""Backup and restore: every article with its metadata and sources, as JSON lines.

The export holds what cannot be recomputed (text, metadata, every source that carried the text,
ingest times); passages and vectors are rebuilt on import, so an export also moves a library to
another embedding model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from index.catalog import Catalog
from index.errors import IngestError
from index.readers import Item
from index.types import ParsedArticle

FORMAT = "newsdesk-export/1"


def export_records(catalog: Catalog) -> Iterator[dict[str, Any]]:
    """One record per article, oldest ingest first (so an import keeps the same order)."""
    for article in reversed(catalog.list_articles()):
        record = article.model_dump(exclude={"passages"})
        record["format"] = FORMAT
        record["sources"] = [s.model_dump() for s in article.sources]
        yield record


def write_export(catalog: Catalog, out: IO[str]) -> int:
    """Write the export to ``out``; returns the number of articles."""
    count = 0
    for record in export_records(catalog):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def read_export(path: Path) -> Iterator[Item]:
    """Articles to ingest from an export: one item per source, so syndication is restored."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield IngestError(str(path), f"invalid JSON at column {e.colno}: {e.msg}", number)
                continue
            if not isinstance(record, dict) or record.get("format") != FORMAT:
                yield IngestError(str(path), f"not a {FORMAT} record", number)
                continue
            if not isinstance(record.get("text"), str) or not record["text"].strip():
                yield IngestError(str(path), "record without text", number)
                continue
            sources = record.get("sources") or [{"key": None, "url": record.get("url")}]
            for source in sources:
                yield ParsedArticle(
                    origin=f"{path}:{number}",
                    key=source.get("key") or source.get("url"),
                    title=source.get("title") or record.get("title") or "(untitled)",
                    text=record["text"],
                    url=source.get("url"),
                    outlet=source.get("outlet"),
                    author=record.get("author"),
                    published_at=source.get("published_at") or record.get("published_at"),
                    ingested_at=record.get("ingested_at"),
                )
