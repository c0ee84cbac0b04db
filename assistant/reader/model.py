"""The reader: a cross-encoder that reads a question against a short text and scores the match.

It is trained here (``assistant.training.reader``) from the installed all-MiniLM-L6-v2, whose
word-piece embeddings stay frozen. Only the fine-tuned rest ships with newsdesk, in half
precision (``weights/reader.safetensors``, about 21 MB), next to ``reader.json`` holding its
SHA-256; loading rebuilds the model from the installed base and checks both, so a missing or
altered file is named with its fix at start, never met mid-question.

This module is the only one that imports ``transformers`` for reading pairs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

WEIGHTS = Path(__file__).parent / "weights"
WEIGHTS_FILE = "reader.safetensors"
MANIFEST_FILE = "reader.json"


class ReaderUnavailable(AssistantError):
    """The reader's weights are missing or do not match their recorded hash."""

    status = 503


def base_model() -> str:
    """The installed all-MiniLM-L6-v2 folder that the reader starts from."""
    from index.models import resolve_model_path

    return resolve_model_path("all-MiniLM-L6-v2")


def new_model(base: str) -> tuple[Any, Any]:
    """(model, tokenizer): the base with a fresh one-logit head, word embeddings frozen."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
    model.get_input_embeddings().weight.requires_grad_(False)
    return model, AutoTokenizer.from_pretrained(base)


def encode_pairs(
    tokenizer: Any, questions: list[str], texts: list[str], max_tokens: int, question_tokens: int
) -> dict[str, Any]:
    """``[CLS] question [SEP] text [SEP]`` batches, padded to the longest pair.

    A question longer than ``question_tokens`` word pieces keeps its end (where "Which ...?"
    is); the text keeps its start, cut so the pair fits ``max_tokens``. Nothing is refused.
    """
    import torch

    q_ids = tokenizer(questions, add_special_tokens=False, verbose=False)["input_ids"]
    t_ids = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    rows, types = [], []
    for q, t in zip(q_ids, t_ids, strict=True):
        q = q[-question_tokens:] if question_tokens else []
        t = t[: max(1, max_tokens - 3 - len(q))]
        rows.append([cls, *q, sep, *t, sep])
        types.append([0] * (len(q) + 2) + [1] * (len(t) + 1))
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    type_ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (r, ty) in enumerate(zip(rows, types, strict=True)):
        ids[i, : len(r)] = torch.tensor(r)
        type_ids[i, : len(r)] = torch.tensor(ty)
        mask[i, : len(r)] = 1
    return {"input_ids": ids, "token_type_ids": type_ids, "attention_mask": mask}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(checkpoint: Path, out: Path, card: dict[str, Any]) -> Path:
    """Write the shipped files from a training checkpoint: fp16 weights and their manifest."""
    import torch
    from safetensors.torch import save_file

    saved = torch.load(checkpoint, weights_only=False)
    out.mkdir(parents=True, exist_ok=True)
    weights = out / WEIGHTS_FILE
    tmp = out / (WEIGHTS_FILE + ".tmp")
    save_file({k: v.to(torch.float16).contiguous() for k, v in saved["model"].items()}, str(tmp))
    tmp.chmod(0o644)
    tmp.replace(weights)
    manifest = {**card, "steps": saved["step"], "file": WEIGHTS_FILE, "sha256": sha256(weights)}
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
    return weights


@functools.lru_cache(maxsize=4)
def _load(weights: str, digest: str) -> tuple[Any, Any]:
    """(model, tokenizer) for checked weights: loaded once per process, shared by readers."""
    import torch
    from safetensors.torch import load_file

    model, tokenizer = new_model(base_model())
    state = load_file(weights)
    missing, unexpected = model.load_state_dict(
        {k: v.to(torch.float32) for k, v in state.items()}, strict=False
    )
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    if unexpected or set(missing) - frozen:
        raise ReaderUnavailable(
            f"Reader weights {weights} (sha256 {digest[:12]}) do not fit the base model "
            f"(missing {sorted(set(missing) - frozen)[:3]}, unexpected {unexpected[:3]})."
        )
    model.eval()
    return model, tokenizer


class Reader:
    """Scores (question, text) pairs; higher means the text answers the question.

    Args:
        folder: where ``reader.safetensors`` and ``reader.json`` are (the shipped ones by
            default).
        max_tokens: word pieces read per pair (question, text and three markers); the
            manifest's value, once loaded.
        question_tokens: most word pieces kept of the question (its end); the manifest's.
        batch_size: pairs per forward pass.
    """

    def __init__(
        self,
        folder: Path = WEIGHTS,
        max_tokens: int = 112,
        question_tokens: int = 44,
        batch_size: int = 32,
    ) -> None:
        self.folder = Path(folder)
        self.max_tokens = max_tokens
        self.question_tokens = question_tokens
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def check(self) -> dict[str, Any]:
        """The manifest, after checking the weights against it.

        Raises:
            ReaderUnavailable: a file is missing, unreadable, or its hash differs.
        """
        manifest_path = self.folder / MANIFEST_FILE
        weights = self.folder / WEIGHTS_FILE
        fix = (
            "Reinstall newsdesk (pip install --force-reinstall newsdesk, or git checkout "
            "assistant/reader/weights in a clone), train one with `newsdesk train reader`, or "
            "set NEWSDESK_READER__ENABLED=false to answer without the reader."
        )
        try:
            manifest = json.loads(manifest_path.read_text())
            expected = manifest["sha256"]
        except (OSError, ValueError, KeyError) as e:
            raise ReaderUnavailable(
                f"Reader manifest {manifest_path} unreadable ({e}). {fix}"
            ) from e
        if not weights.is_file():
            raise ReaderUnavailable(f"Reader weights {weights} missing. {fix}")
        if sha256(weights) != expected:
            raise ReaderUnavailable(
                f"Reader weights {weights} do not match the SHA-256 in {manifest_path} "
                f"(corrupt or partly downloaded; a git-lfs pointer?). {fix}"
            )
        return manifest

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """The checked manifest (loading checks the weights once)."""
        return self.check()

    @cached_property
    def _parts(self) -> tuple[Any, Any]:
        manifest = self.manifest  # checks the hash before anything is loaded
        self.max_tokens = int(manifest.get("max_tokens", self.max_tokens))
        self.question_tokens = int(manifest.get("question_tokens", self.question_tokens))
        return _load(str(self.folder / WEIGHTS_FILE), manifest["sha256"])

    def load(self) -> Reader:
        """Load now (at start) rather than at the first question."""
        self._parts  # noqa: B018
        return self

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces in each text (the reader's tokenizer, no special tokens)."""
        if not texts:
            return []
        ids = self._parts[1](texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(i) for i in ids]

    def score(self, question: str, texts: list[str]) -> list[float]:
        """The reader's logit for each text read against ``question`` (same order)."""
        if not texts:
            return []
        import torch

        from index.embed import bf16_supported

        model, tokenizer = self._parts
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = [0.0] * len(texts)
        with (
            self._lock,
            torch.inference_mode(),
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16_supported()),
        ):
            for begin in range(0, len(order), self.batch_size):
                chunk = order[begin : begin + self.batch_size]
                x = encode_pairs(
                    tokenizer,
                    [question] * len(chunk),
                    [texts[i] for i in chunk],
                    self.max_tokens,
                    self.question_tokens,
                )
                logits = model(**x).logits.float().squeeze(-1).tolist()
                for i, s in zip(chunk, logits, strict=True):
                    out[i] = float(s)
        return out
