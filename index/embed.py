"""Sentence-transformers embeddings, loaded from a local path and never from a model hub.

The heavy imports (torch, sentence-transformers) happen when a model is first loaded, so commands
that only read the catalog stay fast; langchain_core is not imported at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import StoreError
from index.models import DEFAULT_MODEL, resolve_model_path
from index.types import Span


def bf16_supported() -> bool:
    """True when this CPU runs bfloat16 matrix maths natively (about 2x faster here)."""
    if sys.platform != "linux":
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


class SentenceEmbedder:
    """Sentence-transformers embeddings and the model's tokenizer.

    It does not subclass LangChain's ``Embeddings``: importing langchain_core costs about a
    second that commands which never embed (``newsdesk stats``, ``--help``) should not pay.

    Args:
        model: a model name (``all-MiniLM-L6-v2`` is the shipped default) or a local path.
        device: torch device, ``cpu`` unless you have a GPU.
        precision: ``fp32``, ``bf16`` or ``auto`` (bf16 where the CPU supports it natively;
            rankings are the same as fp32, at about twice the speed).
        batch_size: passages per forward pass.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str = "cpu",
        precision: str = "auto",
        batch_size: int = 32,
    ) -> None:
        if precision not in ("auto", "fp32", "bf16"):
            raise ValueError(f"precision must be auto, fp32 or bf16, got {precision!r}")
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.bf16 = precision == "bf16" or (
            precision == "auto" and device == "cpu" and bf16_supported()
        )

    @cached_property
    def _model(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        path = resolve_model_path(self.model_name)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            return SentenceTransformer(path, device=self.device)
        except (OSError, ValueError) as e:
            raise StoreError(
                f"Cannot load embedding model {self.model_name!r} from {path!r}: {e}. "
                "Set NEWSDESK_INDEX__MODEL to a local sentence-transformers directory."
            ) from e

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        return int(getter())

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads per text, not counting its two special tokens."""
        return int(self._model.max_seq_length) - 2

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces in each text, without special tokens."""
        if not texts:
            return []
        encoded = self._model.tokenizer(texts, add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def token_spans(self, text: str) -> list[Span]:
        """Character span of each word piece of ``text``."""
        encoded = self._model.tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        return [tuple(span) for span in encoded["offset_mapping"]]  # type: ignore[misc]

    @contextlib.contextmanager
    def _precision(self) -> Iterator[None]:
        if self.bf16:
            import torch

            with torch.autocast("cpu", dtype=torch.bfloat16):
                yield
        else:
            yield

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text, in order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._precision():
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)


class CachedEmbedder(SentenceEmbedder):
    """The same model as ``base``, remembering what it embedded so nothing is embedded twice.

    Lists of two or more texts (the sentences of retrieved passages) are remembered in a
    SQLite file, so each stored sentence is embedded once, on its first use, not on every
    question. A single text (a question) is remembered in memory only (the last ``memory``
    ones): retrieval and sentence scoring then share one embedding of the question, and no
    question is written to disk.

    Args:
        base: the embedder whose model is used (loaded once, shared).
        path: the SQLite file for remembered vectors (created on first write).
        memory: how many single texts to keep in memory.
    """

    def __init__(self, base: SentenceEmbedder, path: Path, memory: int = 256) -> None:
        super().__init__(base.model_name, base.device, "fp32", base.batch_size)
        self.base = base
        self.path = path
        self.memory = memory
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    @property  # type: ignore[override]
    def _model(self) -> Any:
        return self.base._model

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\0{text}".encode()).hexdigest()[:32]

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
        return self._db

    def close(self) -> None:
        """Close the SQLite file (it reopens on the next use)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text, computed only when not remembered."""
        if len(texts) == 1:
            with self._lock:
                found = self._recent.get(texts[0])
                if found is not None:
                    self._recent.move_to_end(texts[0])
                    return found[None, :].copy()
            vector = self.base.encode(texts)
            with self._lock:
                self._recent[texts[0]] = vector[0]
                while len(self._recent) > self.memory:
                    self._recent.popitem(last=False)
            return vector
        if not texts:
            return self.base.encode(texts)
        keys = [self._key(t) for t in texts]
        known: dict[str, np.ndarray] = {}
        with self._lock:
            db = self._connect()
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), 500):
                part = unique[i : i + 500]
                rows = db.execute(
                    f"SELECT key, v FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
                )
                known.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        todo: list[int] = []
        for i, key in enumerate(keys):
            if key not in known and key not in keys[:i]:
                todo.append(i)
        if todo:
            fresh = self.base.encode([texts[i] for i in todo])
            with self._lock:
                db = self._connect()
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                        [(keys[i], fresh[j].tobytes()) for j, i in enumerate(todo)],
                    )
            known.update((keys[i], fresh[j]) for j, i in enumerate(todo))
        return np.stack([known[k] for k in keys]).astype(np.float32)
