"""Reading retrieved passages against a question: each passage as its best window.

``PassageReader.read`` splits each passage into windows of whole sentences
(``assistant.reader.windows``), has the reader score every window against the question, and
remembers the scores for the question, so the rerank, the choice of the quoted sentence and the
decision to decline share one reading of each passage.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.reader.model import WEIGHTS, Reader, ReaderUnavailable
from assistant.reader.windows import pack
from assistant.settings import ReaderSettings
from index.types import Hit


@dataclass(frozen=True)
class Window:
    """A run of sentences of a passage (absolute character offsets) and the reader's logit.

    The logit, not its probability, is what the scores add: trained mostly on negatives, the
    reader puts nearly every window below a probability of 0.05, where the order it gives is
    still right but the probabilities barely differ.
    """

    start: int
    end: int
    logit: float

    def holds(self, start: int, end: int) -> bool:
        """Whether the sentence ``start``-``end`` lies in this window."""
        return self.start <= start and end <= self.end


Reading = dict[str, list[Window]]
"""Passage id -> its windows, as read for one question."""


def best(reading: Reading, passage_id: str) -> float | None:
    """The logit of a passage's best window (None when it was not read)."""
    windows = reading.get(passage_id)
    return max(w.logit for w in windows) if windows else None


def lowest(reading: Reading) -> float:
    """The lowest logit of all the windows read (0.0 when none was)."""
    return min((w.logit for ws in reading.values() for w in ws), default=0.0)


def lift(reading: Reading, hit: Hit, start: int, end: int, floor: float) -> float:
    """How far above ``floor`` (``lowest(reading)``) the window holding a sentence is (0: not read).

    Never negative, so a sentence of a passage the reader did not read is never favoured over
    one it read.
    """
    window = window_of(reading, hit, start, end)
    return window.logit - floor if window else 0.0


def window_of(reading: Reading, hit: Hit, start: int, end: int) -> Window | None:
    """The window of ``hit`` holding the sentence ``start``-``end``, if it was read."""
    return next((w for w in reading.get(hit.passage_id, ()) if w.holds(start, end)), None)


class PassageReader:
    """The reader applied to passages, with the windows of recent questions remembered.

    Args:
        model: the loaded ``Reader``.
        window_tokens: most word pieces of text per window.
        remember: questions whose readings are kept (least recently used dropped first).
    """

    def __init__(self, model: Reader, window_tokens: int = 64, remember: int = 64) -> None:
        self.model = model
        self.window_tokens = window_tokens
        self.remember = remember
        self._readings: OrderedDict[str, Reading] = OrderedDict()
        self._lock = threading.Lock()

    def windows(self, hit: Hit) -> list[tuple[int, int, str]]:
        """The windows of a passage: (start, end, text), absolute offsets."""
        spans = list(hit.sentences) or [(hit.start, hit.end)]
        texts = [hit.text[s - hit.start : e - hit.start] for s, e in spans]
        sizes = self.model.count_tokens(texts)
        return [
            (s, e, hit.text[s - hit.start : e - hit.start])
            for s, e in pack(spans, sizes, self.window_tokens)
        ]

    def read(self, question: str, hits: Sequence[Hit]) -> Reading:
        """The windows of ``hits`` scored against ``question`` (read once per question)."""
        with self._lock:
            known = self._readings.setdefault(question, {})
            self._readings.move_to_end(question)
            while len(self._readings) > self.remember:
                self._readings.popitem(last=False)
        todo = [h for h in dict.fromkeys(hits) if h.passage_id not in known]
        if todo:
            spans = [(h.passage_id, s, e, text) for h in todo for s, e, text in self.windows(h)]
            logits = self.model.score(question, [text for *_, text in spans])
            fresh: Reading = {}
            for (pid, s, e, _), logit in zip(spans, logits, strict=True):
                fresh.setdefault(pid, []).append(Window(s, e, logit))
            with self._lock:
                known.update(fresh)
        return {h.passage_id: known.get(h.passage_id, []) for h in hits}


@dataclass(frozen=True)
class ReadStage:
    """The reader as the question pipeline uses it, with its settings."""

    reader: PassageReader
    settings: ReaderSettings

    @property
    def active(self) -> bool:
        """Whether any use of the reader is weighted in (else it is never run)."""
        s = self.settings
        rerank = s.rerank_weight and s.depth
        return bool(rerank or s.sentence_weight or s.choice_weight or s.confidence_weight)

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        """Add ``rerank_weight`` x the reader's logit to the top ``depth`` hits' scores.

        The logit is counted from the lowest of those hits, so it only adds: they were the best
        by score and stay ahead of the unread rest, which keeps its order.
        """
        depth = self.settings.depth
        if not depth or not hits or not self.settings.rerank_weight:
            return hits
        head, rest = hits[:depth], hits[depth:]
        reading = self.reader.read(question, head)
        logits = [best(reading, h.passage_id) for h in head]
        floor = min((x for x in logits if x is not None), default=0.0)
        weight = self.settings.rerank_weight
        read = [
            h.model_copy(update={"score": round(h.score + weight * ((x or floor) - floor), 6)})
            for h, x in zip(head, logits, strict=True)
        ]
        return sorted(read, key=lambda h: h.score, reverse=True) + rest

    def read(self, question: str, hits: Sequence[Hit]) -> Reading:
        """The windows of ``hits`` (those read for the rerank are not read again)."""
        return self.reader.read(question, hits)


def open_reader(settings: ReaderSettings, log: Callable[[str], None]) -> ReadStage | None:
    """The reader the settings ask for, checked; None when it is off (or missing, if allowed).

    Raises:
        ReaderUnavailable: the weights are missing or corrupt and ``if_missing`` is ``error``.
    """
    if not settings.enabled:
        return None
    model = Reader(settings.folder or WEIGHTS)
    try:
        model.manifest  # noqa: B018 (checks the hash once; loading reuses the checked manifest)
    except ReaderUnavailable as e:
        if settings.if_missing == "error":
            raise
        log(f"newsdesk: answering without the reader: {e}")
        return None
    return ReadStage(PassageReader(model, settings.window_tokens), settings)
