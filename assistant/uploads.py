"""Uploaded files on disk: safe names, one folder per request, cleaned even after a crash.

Uploads go to ``NEWSDESK_HOME/uploads/<pid>-<random>/<n>/<name>``. The folder is removed when the
request ends; folders whose process no longer runs (killed with -9) are removed when a server
starts (``clean_stale_uploads``).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import BadRequest


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
