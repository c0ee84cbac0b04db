"""The reader's weights ship with the project: in git, in the wheel, under the size budget."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from assistant.reader.model import MANIFEST_FILE, WEIGHTS, WEIGHTS_FILE, sha256

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_weights_match_their_manifest_and_budget() -> None:
    manifest = json.loads((WEIGHTS / MANIFEST_FILE).read_text())
    weights = WEIGHTS / WEIGHTS_FILE
    assert sha256(weights) == manifest["sha256"]
    assert weights.stat().st_size < 50 * 1024 * 1024  # the budget for one model in git
    assert (WEIGHTS / "README.md").read_text().startswith("# newsdesk reader")


def test_the_wheel_carries_the_weights() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = config["tool"]["setuptools"]["package-data"]["assistant.reader"]
    shipped = {p.relative_to(WEIGHTS.parent).as_posix() for p in WEIGHTS.iterdir()}
    assert shipped <= set(data), shipped - set(data)
