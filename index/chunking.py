"""Split an article into sentence-aligned passages that the embedding model reads whole.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so passage length is
counted with the model's own tokenizer, never estimated from characters.
"""

from __future__ import annotations

from typing import Protocol

from index.limits import MAX_PASSAGE_CHARS
from index.sentences import split_sentences
from index.types import Passage, Span


class TokenCounter(Protocol):
    """What chunking needs from a tokenizer (the embedder provides it)."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces in each text, without special tokens."""
        ...

    def token_spans(self, text: str) -> list[Span]:
        """Character span of each word piece of ``text``."""
        ...


def chunk_text(
    article_id: str,
    text: str,
    counter: TokenCounter,
    max_tokens: int = 200,
    overlap: int = 1,
    max_chars: int = MAX_PASSAGE_CHARS,
) -> list[Passage]:
    """Pack whole sentences into passages of at most ``max_tokens`` word pieces.

    Consecutive passages share their last/first ``overlap`` sentences, so a fact that straddles a
    boundary is still read in one piece. A sentence longer than ``max_tokens`` is cut at word
    boundaries into pieces that each fit. Word-piece counts add up across whitespace (BERT
    tokenizes word by word), so a passage's length is the sum of its sentences' lengths.

    Worked numbers: sentences of 80, 70, 60 and 90 tokens with ``max_tokens=200`` and
    ``overlap=1`` give passages [80+70] (adding 60 would make 210), then [70+60] re-reading the
    70-token sentence, then [60+90].

    A passage also holds at most ``max_chars`` characters: a "word" of thousands of characters
    is one unknown word piece to the model, and must not make a passage of a million.
    """
    if max_tokens < 8:
        raise ValueError(f"max_tokens must be at least 8, got {max_tokens}")
    sentences = [
        piece for span in split_sentences(text) for piece in _cut_chars(text, span, max_chars)
    ]
    if not sentences:
        return []
    counts = counter.count_tokens([text[s:e] for s, e in sentences])
    units: list[Span] = []
    sizes: list[int] = []
    for span, count in zip(sentences, counts, strict=True):
        if count <= max_tokens:
            units.append(span)
            sizes.append(count)
        else:
            for piece, size in _cut_long(text, span, counter, max_tokens):
                units.append(piece)
                sizes.append(size)
    return [
        Passage(
            id=f"{article_id}#{n}",
            article_id=article_id,
            n=n,
            start=units[first][0],
            end=units[last][1],
            text=text[units[first][0] : units[last][1]],
            sentences=tuple(units[first : last + 1]),
        )
        for n, (first, last) in enumerate(_pack(sizes, units, max_tokens, overlap, max_chars))
    ]


def _cut_chars(text: str, span: Span, max_chars: int) -> list[Span]:
    """Cut a span longer than ``max_chars`` into pieces, at a space where there is one."""
    start, end = span
    pieces: list[Span] = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end))
    return [(s, e) for s, e in pieces if s < e]


def _pack(
    sizes: list[int], units: list[Span], max_tokens: int, overlap: int, max_chars: int
) -> list[tuple[int, int]]:
    """Greedy packing of unit sizes into inclusive index ranges."""
    ranges: list[tuple[int, int]] = []
    first = 0
    while first < len(sizes):
        last, total = first, sizes[first]
        while (
            last + 1 < len(sizes)
            and total + sizes[last + 1] <= max_tokens
            and units[last + 1][1] - units[first][0] <= max_chars
        ):
            last += 1
            total += sizes[last]
        ranges.append((first, last))
        if last + 1 >= len(sizes):
            break
        # Step back `overlap` sentences, but only if they are short enough to leave room for new
        # text and the next passage still starts after this one did.
        nxt = last + 1
        for _ in range(overlap):
            if nxt - 1 > first and sum(sizes[nxt - 1 : last + 1]) <= max_tokens // 3:
                nxt -= 1
        first = nxt
    return ranges


def _cut_long(
    text: str, span: Span, counter: TokenCounter, max_tokens: int
) -> list[tuple[Span, int]]:
    """Cut one over-long sentence into pieces of at most ``max_tokens`` word pieces."""
    start, end = span
    tokens = [(s + start, e + start) for s, e in counter.token_spans(text[start:end])]
    pieces: list[tuple[Span, int]] = []
    i = 0
    while i < len(tokens):
        j = min(i + max_tokens, len(tokens))
        if j < len(tokens):
            # Prefer to cut before a token that starts a word, so no word is split in two.
            for k in range(j, i + max_tokens // 2, -1):
                if tokens[k][0] > 0 and text[tokens[k][0] - 1].isspace():
                    j = k
                    break
        piece_end = tokens[j][0] if j < len(tokens) else end
        piece = (tokens[i][0], piece_end)
        while piece[1] > piece[0] and text[piece[1] - 1].isspace():
            piece = (piece[0], piece[1] - 1)
        pieces.append((piece, j - i))
        i = j
    return pieces
