"""Uploaded files: read under the names their owner knows, never under the server's temp paths.

An upload is saved to a temporary folder to be read, but the article's source key is
``upload:<file name>`` and every message names the original file: uploading the same file
again is ``unchanged`` (its key and text are known), and no source is ever recorded under a
temporary path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from index.errors import IngestError
from index.readers import Item, read_path


def uploaded_items(
    files: Sequence[tuple[str, bytes]],
    folder: Path,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[Item]:
    """The articles (or failures) of uploaded ``(name, content)`` pairs, saved in ``folder``."""
    for i, (name, content) in enumerate(files):
        original = Path(name.replace("\\", "/")).name or f"upload-{i}"
        safe = re.sub(r"[^\w.-]", "_", original)[:120] or f"upload-{i}"
        (folder / str(i)).mkdir()
        path = folder / str(i) / safe
        path.write_bytes(content)
        if progress:
            progress("inputs", 1)
        for item in read_path(path):
            yield _renamed(item, path, original)


def _renamed(item: Item, path: Path, original: str) -> Item:
    temp = str(path)
    if isinstance(item, IngestError):
        origin = original + item.origin.removeprefix(temp)
        return IngestError(origin, item.reason.replace(temp, original), item.line)
    key = item.key
    if key == path.resolve().as_uri():
        key = f"upload:{original}"
    return item.model_copy(update={"origin": original + item.origin.removeprefix(temp), "key": key})


class AddTracker:
    """Counts the adds running in this process, so an ask meanwhile can say so."""

    def __init__(self) -> None:
        self._running = 0
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Hold while adding articles."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1

    @property
    def active(self) -> bool:
        """Whether an add is running."""
        return self._running > 0
