"""PDF files: their text (pypdf), stopped at the article limit, lines re-flowed."""

from __future__ import annotations

import re
from typing import Any

from index.errors import IngestError
from index.fields import clean_text, make_title, outlet_from_url
from index.limits import MAX_ARTICLE_CHARS
from index.types import ParsedArticle


def read_pdf(
    data: bytes, origin: str, key: str | None = None, url: str | None = None
) -> ParsedArticle:
    """The text of a PDF (pypdf), with lines re-flowed into paragraphs."""
    import io

    from pypdf import PdfReader

    extracted = 0

    def count(text: str, *_: Any) -> None:  # called by pypdf for each piece of text it finds
        nonlocal extracted
        extracted += len(text)
        if extracted > MAX_ARTICLE_CHARS:
            raise _TooMuchText

    pages: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            pages.append(page.extract_text(visitor_text=count) or "")
        info_title = reader.metadata.get("/Title") if reader.metadata else None
    except _TooMuchText as e:
        raise IngestError(
            origin,
            f"the PDF holds more than {MAX_ARTICLE_CHARS:,} characters of text (the article "
            f"limit; reading stopped at page {len(pages) + 1}); split it into articles",
        ) from e
    except Exception as e:  # pypdf raises many types on damaged files; none may stop an ingest
        raise IngestError(origin, f"not a readable PDF: {type(e).__name__}: {e}") from e
    text = clean_text(_reflow("\n\n".join(pages)))
    if not text:
        raise IngestError(origin, "the PDF has no extractable text (scanned images need OCR first)")
    return ParsedArticle(
        origin=origin,
        key=url or key,
        title=_pdf_title(info_title) or make_title(text.split("\n", 1)[0]),
        text=text,
        url=url,
        outlet=outlet_from_url(url),
    )


class _TooMuchText(Exception):
    """Raised inside pypdf's text extraction to stop it at the article limit."""


def _pdf_title(value: object) -> str | None:
    """The PDF's own title, unless it is a placeholder written by the tool that made it."""
    title = str(value or "").strip()
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    if title.lower() in {"", "untitled", "untitled document", "document", "none", "title"}:
        return None
    if re.fullmatch(r"[\w.-]+\.(?:docx?|pdf|odt|rtf|txt|indd|tex)", title, re.I):
        return None  # a file name, not a headline
    return title


def _reflow(text: str) -> str:
    """Join PDF line breaks inside paragraphs; keep blank-line paragraph breaks."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)
