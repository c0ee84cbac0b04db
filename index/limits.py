"""Limits on what one input may make the index read, parse and store.

Every ingest path (files, folders, URLs, feeds, JSON bodies, uploads, the UI, restores) reads
through ``index.readers`` or ``index.fetch`` and stores through ``index.ingest.add_items``, so the
limits here hold for all of them. Each one is named in its error message, with what to do.
"""

from __future__ import annotations

MAX_ARTICLE_CHARS = 2_000_000
"""Characters of text in one article (after cleaning); PDF extraction stops at this many."""
MAX_ARTICLES_PER_REQUEST = 1000
"""Articles one request (API, upload, UI) may add; the CLI reads folders of any size."""
MAX_JSON_DEPTH = 64
"""Nesting of arrays and objects in one JSON value (an article dump needs 3 or 4)."""
MAX_FRONT_MATTER_CHARS = 64 * 1024
"""Size of the YAML front matter of one text or Markdown file."""
MAX_FRONT_MATTER_DEPTH = 16
"""Nesting of mappings and lists in YAML front matter; anchors and aliases are refused."""
MAX_PASSAGE_CHARS = 8000
"""Characters in one passage: a run of text without spaces is cut here (200 word pieces of
ordinary prose are about 1,000 characters), so no later step handles a huge single "word"."""


def json_depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of a parsed JSON value (arrays and objects), walked without recursion.

    Stops as soon as ``limit`` is passed. ``json.loads`` itself refuses values nested deeper than
    Python's recursion limit (RecursionError); this catches the depths in between.

    >>> json_depth({"a": [1, {"b": "[[["}]})
    3
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth) for child in children)
    return deepest
