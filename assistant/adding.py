"""How articles get in: files, folders, URLs, feeds, article objects, uploads, exports.

``Adding`` is the part of the ``Assistant`` (which inherits it) that writes to the library;
every path goes through the same limits (``index.limits``) and reports per item.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from assistant.errors import NotFound, translated
from assistant.language.lexicon import counted
from assistant.question.checks import check_urls
from assistant.settings import Settings
from assistant.uploads import AddTracker, clean_stale_uploads, upload_folder, uploaded_items
from index import IngestReport, Library, ingest
from index.backup import read_export, write_export
from index.ingest import add_items
from index.limits import MAX_ARTICLES_PER_REQUEST
from index.readers import read_object


class Adding:
    """Adding articles to the library (the ``Assistant`` provides ``library`` and ``settings``)."""

    settings: Settings
    _adds: AddTracker

    @property
    def library(self) -> Library:
        """The library written to (the ``Assistant`` opens it)."""
        raise NotImplementedError

    def ingest(
        self,
        paths_or_urls: Iterable[str | Path] | str | Path,
        progress: Callable[[str, int], None] | None = None,
        max_articles: int | None = None,
    ) -> IngestReport:
        """Add files, folders, globs, URLs or feeds. Bad inputs are reported, not raised.

        ``max_articles``: refuse (TooLarge) inputs holding more articles than this, storing none.
        """
        if isinstance(paths_or_urls, str | Path):
            paths_or_urls = [paths_or_urls]
        with translated("Nothing was added."), self._adds.running():
            return ingest(
                self.library, list(paths_or_urls), progress, *self._chunking(),
                self.settings.index.allow_private_urls, max_articles,
            )  # fmt: skip

    def add_urls(
        self, urls: Sequence[str], progress: Callable[[str, int], None] | None = None
    ) -> IngestReport:
        """Fetch and add web pages, PDFs or feeds: only http(s) URLs, never a server-side path.

        What a remote user may ask the server to read (the API's URL route, the UI's URL box).
        """
        return self.ingest(check_urls(urls), progress, MAX_ARTICLES_PER_REQUEST)

    def _chunking(self) -> tuple[int, int, int]:
        ix = self.settings.index
        return ix.passage_tokens, ix.overlap_sentences, ix.ingest_batch

    def add_articles(
        self,
        articles: Sequence[dict[str, Any]],
        progress: Callable[[str, int], None] | None = None,
    ) -> IngestReport:
        """Add articles given as objects (``text``, and optionally more).

        Fields: ``text`` plus optional ``title``, ``url``, ``outlet``, ``author``,
        ``published_at``; the other field names of JSON dumps are accepted too.
        """
        items = [read_object(a, f"article {i}") for i, a in enumerate(articles)]
        with translated(_unwritten(len(items), "article")), self._adds.running():
            return add_items(
                self.library, items, IngestReport(), progress, *self._chunking(),
                MAX_ARTICLES_PER_REQUEST,
            )  # fmt: skip

    def add_files(
        self,
        files: Sequence[tuple[str, bytes]],
        progress: Callable[[str, int], None] | None = None,
    ) -> IngestReport:
        """Add uploaded files, given as (file name, content); any supported format.

        The files are written to a folder of their own under ``home/uploads`` that is removed
        afterwards (and at the next start of a server, if the process was killed meanwhile).
        Articles and messages keep the names the user knows (source ``upload:<file name>``),
        never the temporary paths, so uploading the same file again is ``unchanged``.
        """
        started = time.perf_counter()
        report = IngestReport()
        if progress:
            progress("inputs_total", len(files))
        with upload_folder(self.settings.home, files) as paths, self._adds.running():
            items = uploaded_items(files, paths, progress)
            with translated(_unwritten(len(files), "uploaded file")):
                add_items(
                    self.library, items, report, progress, *self._chunking(),
                    MAX_ARTICLES_PER_REQUEST,
                )  # fmt: skip
        report.seconds = time.perf_counter() - started
        return report

    def clean_uploads(self) -> list[Path]:
        """Remove upload folders left by processes that no longer run (e.g. after kill -9)."""
        return clean_stale_uploads(self.settings.home)

    def export(self, out: IO[str]) -> int:
        """Write every article with its metadata and sources as JSON lines; returns the count."""
        return write_export(self.library.catalog, out)

    def restore(
        self, path: str | Path, progress: Callable[[str, int], None] | None = None
    ) -> IngestReport:
        """Add the articles of an export (``newsdesk export``), sources and ingest times kept."""
        source = Path(path).expanduser()
        if not source.is_file():
            raise NotFound(f"No export file at {source}.")
        with translated("Nothing was added."):
            return add_items(
                self.library, read_export(source), IngestReport(), progress, *self._chunking()
            )


def _unwritten(n: int, noun: str) -> str:
    """What a write that waited too long for the lock did not add."""
    return f"Not added: the {counted(n, noun)} of this request."
