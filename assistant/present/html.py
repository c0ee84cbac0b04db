"""Server-rendered HTML pages: the article reader and the API reference.

Both work offline (no CDN, no script). Every piece of article text is HTML-escaped: an article
can never inject markup or script into a page.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from assistant.errors import BadRequest
from index.types import Article

MAX_SPANS = 100
_NUMBER = re.compile(r"[0-9]+")

_STYLE = """
body { font: 16px/1.6 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d1d1f; }
h1 { font-size: 1.5rem; line-height: 1.3; } .meta { color: #555; font-size: .9rem; }
mark { background: #ffe58a; padding: 0 .1em; } p.text { white-space: pre-wrap; }
code, pre { background: #f4f4f5; padding: .1em .3em; border-radius: 3px; }
pre { padding: .6em; overflow-x: auto; font-size: .85rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .3em .5em; }
.route { margin: 1.5rem 0; padding-top: .5rem; border-top: 1px solid #eee; }
.method { font-weight: bold; font-family: monospace; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>"
        f"{html.escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


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


def link(url: str, text: str | None = None) -> str:
    """An escaped link that opens in a new tab; only http(s) URLs become links."""
    label = html.escape(text or url)
    if not url.startswith(("http://", "https://")):
        return label
    href = html.escape(url, quote=True)
    return f"<a href='{href}' target='_blank' rel='noopener noreferrer'>{label}</a>"


def reader(article: Article, highlights: list[tuple[int, int]]) -> str:
    """The full article text with the cited spans highlighted (``<mark id="hl-i">``)."""
    text = article.text
    parts, cursor = [], 0
    for i, (start, end) in enumerate(highlights):
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<mark id='hl-{i}'>{html.escape(text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    sources = "".join(
        "<li>"
        + html.escape(s.outlet or "unknown outlet")
        + (f", {html.escape(s.published_at)}" if s.published_at else "")
        + (f" — {link(s.url)}" if s.url else "")
        + "</li>"
        for s in article.sources
    )
    meta = ", ".join(x for x in (article.outlet, article.author, article.published_at) if x)
    body = (
        f"<h1 id='title'>{html.escape(article.title)}</h1>"
        f"<p class='meta'>{html.escape(meta or 'unknown outlet')} · id <code>{article.id}</code>"
        f" · {len(highlights)} cited span(s) highlighted</p>"
        f"<p class='meta'>Published by:</p><ul class='meta'>{sources}</ul>"
        f"<p class='text' id='article-text'>{''.join(parts)}</p>"
    )
    if highlights:  # scroll to the first highlight without any script
        body = f"<p class='meta'><a href='#hl-0'>Jump to the first cited passage</a></p>{body}"
    return _page(article.title, body)


def api_reference(schema: dict[str, Any]) -> str:
    """A readable reference of every route, generated from the OpenAPI schema."""
    info = schema.get("info", {})
    rows = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            content: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            first: dict[str, Any] = next(iter(content.values()), {}) if content else {}
            body_ref: dict[str, Any] = first.get("schema", {})
            params = ", ".join(f"{p['name']} ({p['in']})" for p in op.get("parameters", []))
            rows.append(
                f"<div class='route'><span class='method'>{method.upper()}</span> "
                f"<code>{html.escape(path)}</code><p>{html.escape(op.get('summary', ''))}</p>"
                f"<p>{html.escape(op.get('description', '') or '')}</p>"
                + (f"<p>Parameters: {html.escape(params)}</p>" if params else "")
                + (
                    f"<p>Body: <code>{html.escape(_ref_name(body_ref))}</code></p>"
                    if content
                    else ""
                )
                + "</div>"
            )
    models = "".join(
        f"<h3 id='{html.escape(name)}'>{html.escape(name)}</h3><pre>"
        f"{html.escape(json.dumps(model.get('properties', {}), indent=2)[:4000])}</pre>"
        for name, model in sorted(schema.get("components", {}).get("schemas", {}).items())
    )
    body = (
        f"<h1>{html.escape(info.get('title', 'API'))} API {html.escape(info.get('version', ''))}"
        f"</h1><p>{html.escape(info.get('description', ''))}</p>"
        "<p>The machine-readable schema is at <a href='/openapi.json'>/openapi.json</a>. Errors "
        'always have the shape <code>{"ok": false, "error": "...", "status": 404}</code>.'
        "</p><h2>Routes</h2>" + "".join(rows) + "<h2>Schemas</h2>" + models
    )
    return _page("newsdesk API", body)


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else schema.get("type", "object")
