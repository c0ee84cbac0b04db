"""The vector store's read retry (a write by another process can make one read fail)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import StoreError
from index.vectors import VectorStore


def test_a_read_is_retried_then_reported_with_what_to_do(tmp_path: Path) -> None:
    store = VectorStore("model", 4, path=tmp_path / "chroma")
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("database is locked")
        return "read"

    assert store._with_retry(flaky) == "read" and len(calls) == 3

    def broken() -> str:
        raise RuntimeError("database is locked")

    with pytest.raises(StoreError, match=r"could not be read .*database is locked.*try again"):
        store._with_retry(broken, attempts=2)
