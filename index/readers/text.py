"""Plain-text and Markdown articles, with optional YAML front matter for their metadata."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from index.errors import IngestError
from index.fields import clean_text, make_title, parse_date
from index.limits import MAX_FRONT_MATTER_CHARS, MAX_FRONT_MATTER_DEPTH
from index.readers.base import (
    DATE_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
    author_of,
    first,
    outlet_of,
)
from index.types import ParsedArticle


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
    title = first(meta, TITLE_FIELDS) or make_title(text.split("\n", 1)[0])
    url = first(meta, URL_FIELDS)
    return ParsedArticle(
        origin=origin,
        key=url or key,
        title=str(title),
        text=text,
        url=url,
        outlet=outlet_of(meta, url),
        author=author_of(meta),
        published_at=parse_date(first(meta, DATE_FIELDS)),
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
    """``key: value`` lines split at their first colon, or None if a line is not one.

    A value is plain text when it does not start like YAML syntax and no part of it after a
    colon starts with an anchor, alias, tag or merge key: "Fire at plant: 800 flee" is a title,
    "<<: *x" (the merge of an alias) is YAML gone wrong and stays an error naming its line.
    """
    meta = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _PLAIN_LINE.match(line)
        if not found or _looks_like_yaml(found.group(2)):
            return None  # YAML syntax gone wrong, not a plain title
        meta[found.group(1)] = found.group(2).strip().strip("\"'")
    return meta


def _looks_like_yaml(value: str) -> bool:
    """Whether a front matter value holds YAML syntax where a plain one would hold text."""
    first, *after = (piece.strip() for piece in re.split(r":\s", value))
    if first[:1] in tuple("[]{}&*!|>%@`") or first.startswith("<<"):
        return True
    return any(piece[:1] in ("&", "*", "!") or piece.startswith("<<") for piece in after)


_PLAIN_LINE = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+(.*)$")
