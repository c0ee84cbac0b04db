"""HTML pages: the main text and metadata, extracted with trafilatura."""

from __future__ import annotations

import re
from typing import Any

from index.errors import IngestError
from index.fields import clean_text, make_title, outlet_from_url, parse_date
from index.types import ParsedArticle


def read_html(
    data: bytes | str, origin: str, key: str | None = None, url: str | None = None
) -> ParsedArticle:
    """The main text and metadata of an HTML page, via trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    doc: dict[str, Any] = {}
    if extracted is not None:
        doc = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = clean_text(doc.get("text") or "")
    if not text:
        raise IngestError(origin, "no article text found in the HTML page")
    page_url = url or doc.get("url")
    return ParsedArticle(
        origin=origin,
        key=page_url or key,
        title=doc.get("title") or make_title(text.split("\n", 1)[0]),
        text=text,
        url=page_url,
        outlet=_sitename(doc.get("sitename")) or outlet_from_url(page_url),
        author=doc.get("author"),
        published_at=parse_date(doc.get("date")),
    )


def _sitename(value: str | None) -> str | None:
    """Trafilatura's site name, with a bare ``host:port`` reduced to the host."""
    if not value:
        return None
    return re.sub(r"^(?:www\.)?([\w.-]+\.[\w-]+|[\d.]+):\d+$", r"\1", value.strip())
