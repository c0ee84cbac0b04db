"""An embedder that remembers every vector it computed, on disk, for the evaluation stores.

The evaluation builds several stores over the same articles (every week, then each half of the
weeks): the same passages would be embedded two or three times. With this embedder the halves
cost no model time, and a re-run after deleting a store costs none either.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from index.embed import SentenceEmbedder


class MemoEmbedder(SentenceEmbedder):
    """A ``SentenceEmbedder`` whose ``encode`` looks texts up in a SQLite file first.

    Args:
        path: the SQLite file (created if missing).
        model, device, precision, batch_size: as for ``SentenceEmbedder``.
    """

    def __init__(
        self,
        path: Path,
        model: str,
        device: str = "cpu",
        precision: str = "auto",
        batch_size: int = 32,
    ) -> None:
        super().__init__(model, device, precision, batch_size)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
        self.computed = 0
        self.remember = True
        """Off: behave exactly like ``SentenceEmbedder`` (while timing questions)."""

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\0{text}".encode()).hexdigest()[:32]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``: remembered ones from the file, the others from the model."""
        if not self.remember or len(texts) <= 1:
            return super().encode(texts)
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, v FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            )
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo = [i for i, k in enumerate(keys) if k not in found]
        if todo:
            fresh = super().encode([texts[i] for i in todo])
            self.computed += len(todo)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[i], fresh[j].tobytes()) for j, i in enumerate(todo)],
                )
            for j, i in enumerate(todo):
                found[keys[i]] = fresh[j]
        return np.stack([found[k] for k in keys]).astype(np.float32)
