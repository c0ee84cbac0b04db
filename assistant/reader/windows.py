"""Windows: the short runs of whole sentences that the reader reads against a question.

A passage holds up to 200 word pieces; the reader reads a question and at most ``max_tokens``
word pieces of text at once (reading cost grows with length, and short inputs train faster).
So a passage is read as a few windows of consecutive sentences, each within the budget, and a
passage scores as its best window. A sentence longer than the budget is a window of its own,
cut by the tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.types import Span


def pack(spans: Sequence[Span], sizes: Sequence[int], max_tokens: int) -> list[Span]:
    """Group consecutive sentence ``spans`` (with word-piece ``sizes``) into windows.

    ``max_tokens`` 0 makes every sentence a window. Worked numbers: sizes 30, 25, 20, 40 with
    ``max_tokens=64`` give windows [30+25] (adding 20 would make 75), then [20+40].
    """
    if len(spans) != len(sizes):
        raise ValueError(f"{len(spans)} spans but {len(sizes)} sizes")
    windows: list[Span] = []
    first = last = None
    used = 0
    for span, size in zip(spans, sizes, strict=True):
        if first is not None and last is not None and max_tokens and used + size <= max_tokens:
            last = span
            used += size
            continue
        if first is not None and last is not None:
            windows.append((first[0], last[1]))
        first, last, used = span, span, size
    if first is not None and last is not None:
        windows.append((first[0], last[1]))
    return windows
