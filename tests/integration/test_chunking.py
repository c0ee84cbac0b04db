from __future__ import annotations

import json
import re

import pytest

from index.chunking import chunk_text
from index.fields import clean_text


class WordCounter:
    """Pure-logic stand-in for the tokenizer: one token per word or punctuation mark."""

    pattern = re.compile(r"\w+|[^\w\s]")

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(self.pattern.findall(t)) for t in texts]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.pattern.finditer(text)]


def sentence(n_words: int, tag: str) -> str:
    words = [f"{tag}{i}" for i in range(n_words - 1)]
    return " ".join([words[0].upper(), *words[1:]]) + " end."


def check_offsets(text: str, passages) -> None:
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.sentences[0][0] == p.start and p.sentences[-1][1] == p.end
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end
            assert text[s:e] == text[s:e].strip()


def test_packs_whole_sentences_with_overlap() -> None:
    # sentences of 20, 18, 15, 22 tokens (n words + the final period)
    text = " ".join([sentence(19, "a"), sentence(17, "b"), sentence(14, "c"), sentence(21, "d")])
    passages = chunk_text("art", text, WordCounter(), max_tokens=40, overlap=1)
    counter = WordCounter()
    sizes = [counter.count_tokens([p.text])[0] for p in passages]
    assert all(size <= 40 for size in sizes)
    assert [p.id for p in passages] == [f"art#{i}" for i in range(len(passages))]
    assert passages[0].text.startswith("A0") and passages[0].text.endswith(sentence(17, "b"))
    # the 15-token c sentence fits the overlap budget (40 // 3 = 13)? no: 18 > 13, so no overlap
    assert passages[1].text.startswith("C0")
    check_offsets(text, passages)


def test_overlap_repeats_short_last_sentence() -> None:
    text = " ".join([sentence(20, "a"), sentence(8, "b"), sentence(20, "c")])
    passages = chunk_text("x", text, WordCounter(), max_tokens=32, overlap=1)
    assert passages[0].text.endswith(sentence(8, "b"))
    assert passages[1].text.startswith("B0")  # the 9-token sentence is read again
    check_offsets(text, passages)


def test_no_overlap_when_disabled() -> None:
    text = " ".join([sentence(20, "a"), sentence(8, "b"), sentence(20, "c")])
    passages = chunk_text("x", text, WordCounter(), max_tokens=32, overlap=0)
    assert passages[1].text.startswith("C0")


def test_long_sentence_is_cut_at_word_boundaries() -> None:
    words = [f"w{i}" for i in range(95)]
    text = "Intro sentence here. " + " ".join(words) + ". Outro sentence here."
    passages = chunk_text("x", text, WordCounter(), max_tokens=30, overlap=0)
    counter = WordCounter()
    assert all(counter.count_tokens([p.text])[0] <= 30 for p in passages)
    joined = " ".join(p.text for p in passages)
    for w in words:
        assert re.search(rf"\b{w}\b", joined), w
    check_offsets(text, passages)


def test_empty_text_gives_no_passages() -> None:
    assert chunk_text("x", "   \n ", WordCounter()) == []


def test_rejects_tiny_budget() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        chunk_text("x", "Some text.", WordCounter(), max_tokens=2)


@pytest.mark.slow
def test_real_tokenizer_never_exceeds_model_limit(embedder, seed_dir, realtimeqa_dir) -> None:
    """Every passage of real articles fits the model when counted by the model's tokenizer."""
    texts = [clean_text(p.read_text()) for p in seed_dir.glob("*.txt")]
    with (realtimeqa_dir / "20240105_gcs.jsonl").open() as handle:
        for line in list(handle)[:15]:
            texts += [clean_text(r["text"]) for r in json.loads(line)["search_result"]]
    # A pathological article: one 3000-word "sentence" with no punctuation.
    texts.append(" ".join(["unpunctuated"] * 3000))
    total = 0
    for i, text in enumerate(texts):
        if not text:
            continue
        passages = chunk_text(f"a{i}", text, embedder, max_tokens=200, overlap=1)
        check_offsets(text, passages)
        sizes = embedder.count_tokens([p.text for p in passages])
        assert max(sizes) <= 200, (i, max(sizes))
        # with special tokens the model reads 256: nothing is truncated
        assert max(sizes) + 2 <= embedder.max_tokens + 2
        # every sentence of the article is in some passage
        covered = {s for p in passages for s in p.sentences}
        assert passages[0].start == min(s for s, _ in covered)
        total += len(passages)
    assert total > 100
