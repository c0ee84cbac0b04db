"""The baselines we must beat, rebuilt in the same run on the same articles and model.

- dense: the LangChain tutorial pipeline: ``RecursiveCharacterTextSplitter(1000, 200)`` chunks,
  embedded with the same model, stored in Chroma, top-k by similarity.
- bm25: BM25 (bm25s, English stop words) over the same chunks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embed import SentenceEmbedder
from index.types import Passage
from index.vectors import VectorStore

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


@dataclass(frozen=True)
class Chunk:
    """A baseline chunk: just text."""

    id: str
    text: str


def chunk_articles(files: list[Path]) -> list[Chunk]:
    """Split every distinct article (by URL) of the dumps the way the tutorial does."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    seen: set[str] = set()
    chunks: list[Chunk] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                for result in json.loads(line).get("search_result", []):
                    if result["url"] in seen or not result.get("text"):
                        continue
                    seen.add(result["url"])
                    for piece in splitter.split_text(result["text"]):
                        chunks.append(Chunk(id=f"c{len(chunks)}", text=piece))
    return chunks


class DenseBaseline:
    """Tutorial dense retrieval over Chroma, built once per work directory and reused."""

    def __init__(
        self,
        chunks: list[Chunk],
        embedder: SentenceEmbedder,
        path: Path,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.chunks = {c.id: c for c in chunks}
        self.embedder = embedder
        self.store = VectorStore(
            model=embedder.model_name,
            dimension=embedder.dimension,
            path=path,
            collection="baseline-rcts-1000-200",
        )
        if self.store.count() != len(chunks):
            self._build(chunks, progress)

    def _build(self, chunks: list[Chunk], progress: Callable[[int], None] | None) -> None:
        for i in range(0, len(chunks), 256):
            batch = chunks[i : i + 256]
            vectors = self.embedder.encode([c.text for c in batch])
            passages = [
                Passage(
                    id=c.id, article_id=c.id, n=0, start=0, end=len(c.text), text=c.text,
                    sentences=((0, len(c.text)),),
                )
                for c in batch
            ]  # fmt: skip
            self.store.add(passages, vectors, {}, {})
            if progress:
                progress(len(batch))

    def search(self, question: str, k: int = 10) -> list[str]:
        """Texts of the top-k chunks."""
        vector = self.embedder.encode([question])[0]
        return [self.chunks[m.passage_id].text for m in self.store.query(vector, k)]


class BM25Baseline:
    """bm25s with English stop words over the same chunks."""

    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s

        self._bm25s = bm25s
        self.texts = [c.text for c in chunks]
        self.retriever = bm25s.BM25()
        self.retriever.index(
            bm25s.tokenize(self.texts, stopwords="en", show_progress=False), show_progress=False
        )

    def search(self, question: str, k: int = 10) -> list[str]:
        """Texts of the top-k chunks."""
        tokens = self._bm25s.tokenize([question], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        docs, _ = self.retriever.retrieve(tokens, k=min(k, len(self.texts)), show_progress=False)
        return [self.texts[int(i)] for i in np.asarray(docs)[0]]
