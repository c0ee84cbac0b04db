"""Server-rendered HTML: the article reader, the API reference, and ``render`` for the rest.

The markup lives in Jinja2 templates (``templates/*.html.j2``) with autoescape on: every value
from an article is HTML-escaped, so an article can never inject markup or script into a page.
The pages work offline (no CDN, no script).
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined

from assistant.errors import BadRequest
from index.types import Article

MAX_SPANS = 100
_NUMBER = re.compile(r"[0-9]+")
_TEMPLATES = Environment(
    loader=PackageLoader("assistant.present"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)


class Part(NamedTuple):
    """A run of text, marked (a quote, a cited span) or not; ``id`` names a reader highlight."""

    text: str
    id: int | None = None
    mark: bool = False


def render(template: str, **values: Any) -> str:
    """The template ``templates/<template>`` filled with ``values`` (all escaped)."""
    return _TEMPLATES.get_template(template).render(**values)


def marked(text: str, spans: list[tuple[int, int]], ids: bool = False) -> list[Part]:
    """``text`` cut into parts at sorted ``spans``; spans that overlap a kept one are skipped."""
    parts, cursor = [], 0
    for i, (start, end) in enumerate(spans):
        if start < cursor:
            continue
        parts.append(Part(text[cursor:start]))
        parts.append(Part(text[start:end], i if ids else None, True))
        cursor = end
    parts.append(Part(text[cursor:]))
    return parts


def parse_spans(raw: str | None, length: int) -> list[tuple[int, int]]:
    """Spans from ``"12-80,200-260"``, clipped to the text, sorted, overlaps merged.

    Malformed parts are skipped; past ``MAX_SPANS`` parts the rest are ignored. A position with
    more than 12 digits is refused (BadRequest, 422): no article is that long.
    """
    spans: list[tuple[int, int]] = []
    for part in (raw or "").split(",")[:MAX_SPANS]:
        start, sep, end = part.strip().partition("-")
        if not sep or not _NUMBER.fullmatch(start) or not _NUMBER.fullmatch(end):
            continue
        if len(start) > 12 or len(end) > 12:
            raise BadRequest(
                f"h: {part.strip()[:40]!r} is not a span of the article; positions have at "
                "most 12 digits.",
                "Use h=start-end,... with character offsets, e.g. h=0-120.",
                status=422,
            )
        s, e = max(0, int(start)), min(length, int(end))
        if s < e:
            spans.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def reader(article: Article, highlights: list[tuple[int, int]]) -> str:
    """The full article text with the cited spans highlighted (``<mark id="hl-i">``)."""
    meta = ", ".join(x for x in (article.outlet, article.author, article.published_at) if x)
    return render(
        "reader.html.j2",
        title=article.title,
        article=article,
        meta=meta,
        highlights=len(highlights),
        parts=marked(article.text, highlights, ids=True),
    )


def api_reference(schema: dict[str, Any]) -> str:
    """A readable reference of every route, generated from the OpenAPI schema."""
    info = schema.get("info", {})
    routes = [
        _route(path, method, op)
        for path, methods in sorted(schema.get("paths", {}).items())
        for method, op in methods.items()
    ]
    models = [
        (name, json.dumps(model.get("properties", {}), indent=2)[:4000])
        for name, model in sorted(schema.get("components", {}).get("schemas", {}).items())
    ]
    return render(
        "api_reference.html.j2",
        title="newsdesk API",
        name=info.get("title", "API"),
        version=info.get("version", ""),
        description=info.get("description", ""),
        routes=routes,
        models=models,
    )


def _route(path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    """One route of the reference: method, path, summary, description, parameters, body."""
    content: dict[str, Any] = op.get("requestBody", {}).get("content", {})
    first: dict[str, Any] = next(iter(content.values()), {}) if content else {}
    return {
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", ""),
        "description": op.get("description", "") or "",
        "params": ", ".join(f"{p['name']} ({p['in']})" for p in op.get("parameters", [])),
        "body": _ref_name(first.get("schema", {})) if content else None,
    }


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else schema.get("type", "object")
