"""What an ingest reads: files, folders (walked), globs and URLs, each opened in turn."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.fetch import is_url, read_url
from index.readers import SUPPORTED, Item, read_path
from index.types import ItemResult, ProgressCallback


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[str], list[str], list[ItemResult]]:
    """Files (folders walked recursively, globs expanded) and URLs to read.

    Returns (inputs to read, files ignored for their type, failures for inputs that do not exist).
    """
    found: list[str] = []
    ignored: list[str] = []
    missing: list[ItemResult] = []
    for raw in inputs:
        value = str(raw)
        if is_url(value):
            found.append(value)
            continue
        try:
            path = Path(value).expanduser()
            kind = "dir" if path.is_dir() else "file" if path.is_file() else None
        except (OSError, RuntimeError, ValueError) as e:  # "~nobody", NUL bytes, too long...
            missing.append(ItemResult(value, "failed", reason=f"not a usable path: {e}"))
            continue
        if kind == "dir":
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    p.startswith(".") for p in child.relative_to(path).parts
                ):
                    (found if child.suffix.lower() in SUPPORTED else ignored).append(str(child))
        elif kind == "file":
            found.append(str(path))
        elif any(c in value for c in "*?["):
            matches = sorted(m for m in glob.glob(str(path), recursive=True) if Path(m).is_file())
            if not matches:
                missing.append(ItemResult(value, "failed", reason="no files match this pattern"))
            found.extend(matches)
        else:
            missing.append(ItemResult(value, "failed", reason="no such file, folder or URL"))
    return list(dict.fromkeys(found)), ignored, missing


def read_inputs(
    inputs: list[str], progress: ProgressCallback | None = None, allow_private_urls: bool = False
) -> Iterator[Item]:
    """Every article (or failure) from each input in turn."""
    for value in inputs:
        if progress:
            progress("inputs", 1)
        if is_url(value):
            yield from read_url(value, allow_private=allow_private_urls)
        else:
            yield from read_path(Path(value))
