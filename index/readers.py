"""Read articles from files: text/Markdown, HTML, PDF, JSON/JSONL dumps and RealTimeQA dumps.

Readers yield ``ParsedArticle`` values and, for inputs they cannot read, ``IngestError`` values
(not raised), so one bad line or file never stops the rest of an ingest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from index.errors import IngestError
from index.fields import clean_text, make_title, outlet_from_url, parse_date
from index.limits import (
    MAX_ARTICLE_CHARS,
    MAX_FRONT_MATTER_CHARS,
    MAX_FRONT_MATTER_DEPTH,
    MAX_JSON_DEPTH,
    json_depth,
)
from index.types import ParsedArticle

Item = ParsedArticle | IngestError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | PDF_SUFFIXES

# Field names accepted in JSON article objects, in order of preference.
TITLE_FIELDS = ("title", "headline", "name")
TEXT_FIELDS = ("text", "body", "content", "article", "maintext", "full_text", "story")
URL_FIELDS = ("url", "link", "canonical_url", "href")
OUTLET_FIELDS = ("outlet", "source", "publisher", "site_name", "sitename", "site", "publication")
AUTHOR_FIELDS = ("author", "authors", "byline", "creator")
DATE_FIELDS = (
    "published_at", "publishedAt", "published", "date", "pubDate", "publish_date",
    "date_publish", "datetime", "timestamp", "created_at",
)  # fmt: skip
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


def decode(data: bytes, origin: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else the detected encoding; binary is refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(origin, f"invalid UTF-16 text: {e.reason}") from e
    if b"\x00" in data[:8192]:
        raise IngestError(origin, "looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise IngestError(origin, "cannot detect the text encoding; save the file as UTF-8")
    # Short Western texts fit several code pages equally well; cp1252 (a superset of Latin-1) is
    # by far the most common of them, so it wins a tie.
    tied = [m for m in matches if m.chaos <= matches[0].chaos]
    return str(next((m for m in tied if m.encoding == "cp1252"), matches[0]))


def read_text(raw: str, origin: str, key: str | None = None) -> ParsedArticle:
    """A plain-text or Markdown article, with optional YAML front matter for its metadata.

    Without front matter the title is the first non-empty line; the text keeps that line, since
    in many dumps it is the lede rather than a headline.
    """
    meta: dict[str, Any] = {}
    body = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front = re.match(r"^---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|$)", body, re.S)
    if front:
        loaded = _front_matter(front.group(1) or "", origin)
        meta = {str(k): v for k, v in loaded.items()}
        body = body[front.end() :]
    text = clean_text(body)
    if not text:
        raise IngestError(origin, "no article text (the file is empty)")
    title = _first(meta, TITLE_FIELDS) or make_title(text.split("\n", 1)[0])
    url = _first(meta, URL_FIELDS)
    return ParsedArticle(
        origin=origin,
        key=url or key,
        title=str(title),
        text=text,
        url=url,
        outlet=_outlet(meta, url),
        author=_author(meta),
        published_at=parse_date(_first(meta, DATE_FIELDS)),
    )


def _front_matter(raw: str, origin: str) -> dict[Any, Any]:
    """YAML front matter as a mapping: small, shallow, and without anchors or aliases.

    Aliases let a few hundred bytes expand into gigabytes (a "billion laughs"), so they are
    refused outright rather than expanded and measured.
    """
    import yaml

    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise IngestError(
            origin,
            f"front matter is {len(raw):,} characters; the limit is {MAX_FRONT_MATTER_CHARS:,}. "
            "Keep only the metadata (title, url, outlet, author, date) in it",
            2,
        )
    try:
        loaded = yaml.load(raw, Loader=_front_matter_loader())  # a SafeLoader
    except RecursionError as e:
        raise IngestError(origin, "front matter is nested too deeply", 2) from e
    except yaml.YAMLError as e:
        # "title: Fire at plant: 800 flee" is invalid YAML but plainly meant: read such
        # key: value lines as written; anything else is reported.
        plain = _plain_front_matter(raw)
        if plain is not None:
            return plain
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise IngestError(origin, f"invalid front matter: {e}", line) from e
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise IngestError(origin, "front matter must be key: value lines", 2)
    return loaded


@cache
def _front_matter_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that refuses anchors and aliases and caps nesting."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise yaml.composer.ComposerError(
                    None, None, "anchors and aliases (& and *) are not allowed in front matter",
                    event.start_mark,
                )  # fmt: skip
            self.depth += 1
            try:
                if self.depth > MAX_FRONT_MATTER_DEPTH:
                    limit = MAX_FRONT_MATTER_DEPTH
                    raise yaml.composer.ComposerError(
                        None, None, f"front matter nests deeper than {limit} levels (the limit)",
                        event.start_mark,
                    )  # fmt: skip
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Loader


def _plain_front_matter(block: str) -> dict[str, str] | None:
    """``key: value`` lines split at their first colon, or None if a line is not one."""
    meta = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _PLAIN_LINE.match(line)
        if not found or found.group(2).lstrip()[:1] in tuple("[]{}&*!|>%@`"):
            return None  # YAML syntax gone wrong, not a plain title
        meta[found.group(1)] = found.group(2).strip().strip("\"'")
    return meta


_PLAIN_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+(.*)$")


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


def read_jsonl(path: Path) -> Iterator[Item]:
    """One JSON value per line: an article object or a RealTimeQA search-result record."""
    origin = str(path)
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = _load_json(decode(line, origin), origin)
            except IngestError as e:
                yield IngestError(origin, e.reason, number)
                continue
            yield from _from_json_value(value, origin, number)


def read_json(raw: str, origin: str) -> Iterator[Item]:
    """A JSON file: one article, a list of articles, or an object with an article list."""
    try:
        value = _load_json(raw, origin)
    except IngestError as e:
        yield e
        return
    if isinstance(value, dict):
        for field in ("articles", "items", "data", "results", "documents"):
            if isinstance(value.get(field), list):
                value = value[field]
                break
    if isinstance(value, list):
        for i, item in enumerate(value):
            for result in _from_json_value(item, origin, None):
                if isinstance(result, IngestError):
                    yield IngestError(origin, f"item {i}: {result.reason}")
                else:
                    yield result.model_copy(update={"origin": f"{origin}[{i}]"})
    else:
        yield from _from_json_value(value, origin, None)


def _load_json(raw: str, origin: str) -> Any:
    """One JSON value, refused (IngestError) when invalid or nested past ``MAX_JSON_DEPTH``."""
    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit); flatten the article"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise IngestError(
            origin,
            f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}. Fix the file there "
            "and add it again.",
            e.lineno,
        ) from e
    except RecursionError as e:  # deeper than Python's recursion limit: json gives up
        raise IngestError(origin, too_deep) from e
    if json_depth(value) > MAX_JSON_DEPTH:
        raise IngestError(origin, too_deep)
    return value


def _from_json_value(value: Any, origin: str, line: int | None) -> Iterator[Item]:
    if isinstance(value, dict) and isinstance(value.get("search_result"), list):
        # RealTimeQA: {"question_id", "search_time", "search_result": [{url, title, text}]}
        for i, result in enumerate(value["search_result"]):
            item = read_object(result, origin, line)
            if isinstance(item, ParsedArticle):
                where = f"{origin}:{line}" if line else origin
                item = item.model_copy(update={"origin": f"{where} result {i}"})
            elif isinstance(item, IngestError):
                item = IngestError(origin, f"search_result {i}: {item.reason}", line)
            yield item
        return
    yield read_object(value, origin, line)


def read_object(value: Any, origin: str, line: int | None = None) -> Item:
    """One article from a JSON-like object (the field names of JSON dumps are accepted)."""
    if not isinstance(value, dict):
        return IngestError(origin, f"expected an article object, got {type(value).__name__}", line)
    text = _first(value, TEXT_FIELDS)
    if not isinstance(text, str) or not clean_text(text):
        return IngestError(
            origin, f"no article text: none of the fields {', '.join(TEXT_FIELDS)} holds text", line
        )
    text = clean_text(text)
    url = _first(value, URL_FIELDS)
    url = url if isinstance(url, str) and url.strip() else None
    title = _first(value, TITLE_FIELDS)
    return ParsedArticle(
        origin=f"{origin}:{line}" if line else origin,
        key=url,
        title=str(title).strip() if title else make_title(text.split("\n", 1)[0]),
        text=text,
        url=url,
        outlet=_outlet(value, url),
        author=_author(value),
        published_at=parse_date(_first(value, DATE_FIELDS)),
    )


def _first(obj: dict[str, Any], fields: tuple[str, ...]) -> Any:
    for field in fields:
        value = obj.get(field)
        if value not in (None, "", [], {}):
            return value
    return None


def _outlet(obj: dict[str, Any], url: str | None) -> str | None:
    value = _first(obj, OUTLET_FIELDS)
    if isinstance(value, dict):  # NewsAPI: "source": {"id": ..., "name": ...}
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return outlet_from_url(url)


def _author(obj: dict[str, Any]) -> str | None:
    value = _first(obj, AUTHOR_FIELDS)
    if isinstance(value, list):
        names = [str(v.get("name") if isinstance(v, dict) else v).strip() for v in value if v]
        names = list(dict.fromkeys(n for n in names if n))
        # Some scrapers prepend all names run together ("Ann Lee Bo Chan", "Ann Lee", "Bo Chan").
        names = [n for n in names if sum(other in n for other in names if other != n) < 2]
        value = ", ".join(names)
    elif isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None
