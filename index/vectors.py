"""The vector store: passage embeddings in Chroma (embedded by default, or a Chroma server).

This is the only module that imports chromadb. Chroma never embeds anything itself: collections are
created with ``embedding_function=None`` and every vector comes from our embedder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from tenacity import Retrying, stop_after_attempt, wait_incrementing

from index.errors import StoreError
from index.fields import content_id
from index.types import Match, Passage


def _client(path: Path | None, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if not parsed.hostname:
            raise StoreError(f"NEWSDESK_CHROMA_URL={url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as e:
            raise StoreError(
                f"Cannot reach the Chroma server at {url}: {e}. Start it (chroma run --host "
                "127.0.0.1 --port 8000 --path DIR) or unset NEWSDESK_CHROMA_URL."
            ) from e
    if path is None:
        raise StoreError("A Chroma path or URL is needed")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    """Passage vectors with the metadata needed to filter them.

    Args:
        model: identifier of the embedding model; a collection built with another model is refused.
        dimension: length of the vectors.
        path: directory for the embedded Chroma (ignored when ``url`` is given).
        url: address of a Chroma server, e.g. ``http://127.0.0.1:8000``.
        collection: collection name.
    """

    def __init__(
        self,
        model: str,
        dimension: int,
        path: Path | None = None,
        url: str | None = None,
        collection: str = "newsdesk-passages",
    ) -> None:
        self.location = url or str(path)
        self._client = _client(path, url)
        try:
            self._collection = self._client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"model": model, "dimension": dimension},
            )
        except Exception as e:
            raise StoreError(
                f"Cannot open Chroma collection {collection!r} at {self.location}: {e}"
            ) from e
        meta = self._collection.metadata or {}
        if meta.get("model") != model or meta.get("dimension") != dimension:
            raise StoreError(
                f"The Chroma collection {collection!r} at {self.location} was built with model "
                f"{meta.get('model')!r} ({meta.get('dimension')} dims), "
                f"not {model!r} ({dimension}). "
                "Set NEWSDESK_INDEX__MODEL back, or use a new NEWSDESK_HOME and ingest again."
            )

    def count(self) -> int:
        """Number of passage vectors stored."""
        return int(self._collection.count())

    def add(
        self,
        passages: list[Passage],
        vectors: np.ndarray,
        published_ts: dict[str, int | None],
        outlets: dict[str, list[str]],
    ) -> None:
        """Upsert passages (ids are stable, so repeating a write is harmless)."""
        if not passages:
            return
        metadatas = [
            {
                **self._metadata(p.article_id, p.n, published_ts, outlets),
                "text_sha": content_id(p.text),
            }
            for p in passages
        ]
        # Chroma caps a single write; stay well under it.
        for i in range(0, len(passages), 1000):
            self._collection.upsert(
                ids=[p.id for p in passages[i : i + 1000]],
                embeddings=vectors[i : i + 1000],
                metadatas=metadatas[i : i + 1000],
            )

    def set_outlets(
        self, article_id: str, passages: int, outlets: list[str], ts: int | None
    ) -> None:
        """Rewrite the filter metadata of one article's passages (after a syndicated copy)."""
        ids = [f"{article_id}#{n}" for n in range(passages)]
        if ids:
            meta = self._metadata(article_id, 0, {article_id: ts}, {article_id: outlets})
            self._collection.update(ids=ids, metadatas=[{**meta, "n": n} for n in range(passages)])

    def delete_articles(self, article_ids: list[str]) -> None:
        """Remove every passage of these articles."""
        for article_id in article_ids:
            self._collection.delete(where={"article_id": article_id})

    def query(
        self,
        vector: np.ndarray,
        k: int,
        outlets: list[str] | None = None,
        since_ts: int | None = None,
        until_ts: int | None = None,
    ) -> list[Match]:
        """The ``k`` nearest passages, optionally only from some outlets or a date window."""
        clauses: list[dict[str, Any]] = []
        if outlets:
            ors = [{"outlets": {"$contains": o}} for o in outlets]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if since_ts is not None:
            clauses.append({"published_ts": {"$gte": since_ts}})
        if until_ts is not None:
            clauses.append({"published_ts": {"$lte": until_ts}})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        if k <= 0:  # Chroma returns fewer when it holds fewer: no count (slow at 1M)
            return []
        result = self._with_retry(
            lambda: self._collection.query(
                query_embeddings=np.asarray([vector], dtype=np.float32),
                n_results=k,
                where=where,
                include=["distances", "metadatas"],
            )
        )
        return [
            Match(passage_id=pid, article_id=str(meta["article_id"]), score=1.0 - float(dist))
            for pid, meta, dist in zip(
                result["ids"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
            if meta is not None  # a vector without its record (deleted, or cut off by a crash)
        ]

    def vectors_for_texts(self, texts: list[str]) -> dict[str, np.ndarray]:
        """A stored vector for each of these passage texts that some stored passage has.

        Passages written before the text key existed are not found (they are embedded again).
        """
        keys = {content_id(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        chunk = list(keys)
        for i in range(0, len(chunk), 500):
            try:
                got = self._collection.get(
                    where={"text_sha": {"$in": chunk[i : i + 500]}},
                    include=["embeddings", "metadatas"],
                )
            except Exception:  # as in ``vectors``: a lagging view finds nothing; embed instead
                return found
            for meta, vec in zip(got["metadatas"], got["embeddings"], strict=True):
                found[keys[str(meta["text_sha"])]] = np.asarray(vec, dtype=np.float32)
        return found

    def vectors(self, passage_ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vector of each of these passages that exists."""
        if not passage_ids:
            return {}
        try:
            got = self._collection.get(ids=list(passage_ids), include=["embeddings"])
        except Exception:
            # Another process may be writing to the same embedded store, and this process's view
            # of it can lag behind: report nothing stored; callers embed the text instead.
            return {}
        return {
            pid: np.asarray(vec, dtype=np.float32)
            for pid, vec in zip(got["ids"], got["embeddings"], strict=True)
        }

    def _with_retry(self, call: Callable[[], Any], attempts: int = 3) -> Any:
        """Run a read, retrying briefly: a write by another process can make one fail."""
        try:
            for attempt in Retrying(
                stop=stop_after_attempt(attempts), wait=wait_incrementing(0.2, 0.2), reraise=True
            ):
                with attempt:
                    return call()
        except Exception as e:
            raise StoreError(
                f"The vector store at {self.location} could not be read ({e}). Another "
                "process may be writing to it: try again in a moment."
            ) from e
        return None

    @staticmethod
    def _metadata(
        article_id: str, n: int, published_ts: dict[str, int | None], outlets: dict[str, list[str]]
    ) -> dict[str, Any]:
        meta: dict[str, Any] = {"article_id": article_id, "n": n}
        if published_ts.get(article_id) is not None:
            meta["published_ts"] = published_ts[article_id]
        if outlets.get(article_id):
            meta["outlets"] = list(outlets[article_id])
        return meta
