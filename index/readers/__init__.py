"""Read articles from files: text/Markdown, HTML, PDF, JSON/JSONL dumps and RealTimeQA dumps.

One module a format (``text``, ``html``, ``pdf``, ``records`` for JSON), sharing ``base``; this
package picks the reader by file extension.

Readers yield ``ParsedArticle`` values and, for inputs they cannot read, ``IngestError`` values
(not raised), so one bad line or file never stops the rest of an ingest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from index.errors import IngestError
from index.readers.base import Item, decode
from index.readers.html import read_html
from index.readers.pdf import read_pdf
from index.readers.records import read_json, read_jsonl, read_object
from index.readers.text import read_text

__all__ = [
    "SUPPORTED", "Item", "decode", "read_html", "read_json", "read_jsonl", "read_object",
    "read_path", "read_pdf", "read_text",
]  # fmt: skip

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | PDF_SUFFIXES

MAX_FILE_BYTES = 200 * 1024 * 1024


def read_path(path: Path) -> Iterator[Item]:
    """Every article in one file, dispatched on its extension."""
    suffix = path.suffix.lower()
    origin = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        yield IngestError(origin, f"cannot read the file: {e.strerror or e}")
        return
    if size > MAX_FILE_BYTES:
        yield IngestError(origin, f"file is {size // 2**20} MiB, over the 200 MiB limit; split it")
        return
    try:
        if suffix in TEXT_SUFFIXES:
            yield read_text(decode(path.read_bytes(), origin), origin, key=path.resolve().as_uri())
        elif suffix in HTML_SUFFIXES:
            yield read_html(path.read_bytes(), origin, key=path.resolve().as_uri())
        elif suffix in PDF_SUFFIXES:
            yield read_pdf(path.read_bytes(), origin, key=path.resolve().as_uri())
        elif suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path)
        elif suffix in JSON_SUFFIXES:
            yield from read_json(decode(path.read_bytes(), origin), origin)
        else:
            supported = ", ".join(sorted(SUPPORTED))
            yield IngestError(
                origin, f"unsupported file type {suffix or '(none)'}; use {supported}"
            )
    except IngestError as e:
        yield e
    except OSError as e:
        yield IngestError(origin, f"cannot read the file: {e.strerror or e}")
