"""Uploaded files on disk: safe names, one folder per request, cleaned even after a crash.

Uploads go to ``NEWSDESK_HOME/uploads/<pid>-<random>/<n>/<name>``. The folder is removed when the
request ends; folders whose process no longer runs (killed with -9) are removed when a server
starts (``clean_stale_uploads``). Articles are read under the names their owner knows: the source
key is ``upload:<file name>`` and every message names the original file, so uploading the same
file again is ``unchanged`` and no source is ever recorded under a temporary path.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import BadRequest
from index.errors import IngestError
from index.readers import Item, read_path


@contextmanager
def upload_folder(home: Path, files: Sequence[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """Write ``(name, content)`` files to a fresh folder; yield their paths; remove the folder."""
    names = [upload_name(name, i) for i, (name, _) in enumerate(files)]
    folder = home / "uploads" / f"{os.getpid()}-{secrets.token_hex(6)}"
    try:
        paths = []
        for i, ((_, content), name) in enumerate(zip(files, names, strict=True)):
            (folder / str(i)).mkdir(parents=True)
            (folder / str(i) / name).write_bytes(content)
            paths.append(folder / str(i) / name)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clean_stale_uploads(home: Path) -> list[Path]:
    """Remove upload folders of processes that no longer run; returns those removed."""
    removed = []
    for folder in sorted((home / "uploads").glob("*-*")):
        pid = folder.name.split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def upload_name(name: str, i: int) -> str:
    """A safe file name for upload ``i``: one path part, at most 120 characters, extension kept.

    Raises BadRequest for names that are no file name at all (empty, ``.`` or ``..``).
    """
    base = re.split(r"[/\\]", name or "")[-1]
    if base in ("", ".", ".."):
        raise BadRequest(
            f"files[{i}]: {name!r} is not a file name.",
            "Give each uploaded file a name with its type, e.g. story.md.",
            status=422,
        )
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or len(suffix) > 16:
        stem, dot, suffix = base, "", ""
    stem = re.sub(r"[^\w.-]", "_", stem).lstrip(".")[: 120 - len(dot + suffix)] or f"upload-{i}"
    return stem + dot + re.sub(r"[^\w]", "_", suffix)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def uploaded_items(
    files: Sequence[tuple[str, bytes]],
    paths: Sequence[Path],
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[Item]:
    """The articles (or failures) of uploaded ``(name, content)`` pairs, saved at ``paths``."""
    for (name, _), path in zip(files, paths, strict=True):
        original = Path(name.replace("\\", "/")).name or path.name
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
