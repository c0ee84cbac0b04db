"""Training the reader on a small archive: resumable, exported, checked by hash when loaded."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from assistant.reader.model import Reader, ReaderUnavailable, export
from assistant.training.card import write_card
from assistant.training.reader import TrainSettings, train

pytestmark = pytest.mark.slow

CITIES = ["Turin", "Oslo", "Lyon", "Nice", "Graz", "Bern"]


def _archive(folder: Path) -> Path:
    """Two weeks of quiz questions with search results in the archive's format."""
    folder.mkdir()
    for w, week in enumerate(["20220107", "20220114"]):
        qa, gcs = [], []
        for i, city in enumerate(CITIES):
            qid = f"{week}_{i}"
            others = [c for c in CITIES if c != city][:3]
            qa.append({"question_id": qid, "question_date": "2022/01/07", "question_sentence":
                       f"Which city will host the {2030 + i + w} games?", "choices": [city, *others],
                       "answer": ["0"], "evidence": ""})  # fmt: skip
            text = (
                f"Officials said the {2030 + i + w} games will be held in {city} after a vote. "
                f"The vote followed months of talks between the committee and cities. "
                f"{others[0]} had also bid to host the games but withdrew in March. "
                "Tickets will go on sale next year, organisers said. "
                "The committee praised the existing venues and transport links."
            )
            gcs.append({"question_id": qid, "search_time": "x",
                        "search_result": [{"url": f"https://x.test/{qid}", "title": "t", "text": text}]})  # fmt: skip
        (folder / f"{week}_qa.jsonl").write_text("".join(json.dumps(r) + "\n" for r in qa))
        (folder / f"{week}_gcs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gcs))
    return folder


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("reader")
    archive = _archive(root / "rtqa-train")
    work = root / "work"
    small = {"groups_per_step": 2, "group_size": 4, "checkpoint_every": 2, "validate_every": 2,
             "validation_every_nth_week": 2, "warmup": 1}  # fmt: skip
    first = train(archive, work, TrainSettings(steps=2, **small), log=lambda m: None)
    assert json.loads(first.with_name("curve.jsonl").read_text().splitlines()[-1])["step"] == 2
    messages: list[str] = []
    checkpoint = train(archive, work, TrainSettings(steps=4, **small), log=messages.append)
    assert messages == ["resuming at step 2 of 4"]  # a stopped run continues where it was
    out = root / "model"
    export(checkpoint, out, write_card(work, out))
    return work, out


def test_export_writes_weights_manifest_and_card(trained) -> None:
    _, out = trained
    manifest = json.loads((out / "reader.json").read_text())
    assert manifest["steps"] == 4 and len(manifest["sha256"]) == 64
    card = (out / "README.md").read_text()
    assert "1 weeks for training\n(20220114 .. 20220114)" in card
    assert "| 4 |" in card  # the curve's last row
    # only the fine-tuned part ships: no word embeddings, half precision
    assert (out / "reader.safetensors").stat().st_size < 12_000_000 * 2


def test_the_exported_reader_scores_and_cuts_long_questions(trained) -> None:
    _, out = trained
    reader = Reader(out).load()
    long_question = "Which city will host the games? " * 100  # far past the model's window
    scores = reader.score(long_question, ["The games will be held in Turin.", "Tickets on sale."])
    assert len(scores) == 2 and all(isinstance(s, float) for s in scores)
    assert reader.score("q?", []) == []


def test_corrupt_or_missing_weights_are_named_with_the_fix(trained, tmp_path: Path) -> None:
    _, out = trained
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    data = bytearray((broken / "reader.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (broken / "reader.safetensors").write_bytes(bytes(data))
    with pytest.raises(ReaderUnavailable, match=r"broken/reader\.safetensors do not match"):
        Reader(broken).check()
    (broken / "reader.safetensors").unlink()
    with pytest.raises(ReaderUnavailable, match=r"reader\.safetensors missing.*train reader"):
        Reader(broken).check()


def test_assistant_refuses_to_start_or_falls_back_as_set(
    trained, tmp_path: Path, embedder, seed_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant import Assistant

    missing = tmp_path / "nothing-here"
    strict = Assistant(home=tmp_path / "a", settings={"reader": {"folder": missing}})
    strict.embedder = embedder
    with pytest.raises(ReaderUnavailable, match="nothing-here"):
        strict.open()  # at start, not mid-question
    lenient = Assistant(
        home=tmp_path / "b", settings={"reader": {"folder": missing, "if_missing": "fallback"}}
    )
    lenient.embedder = embedder
    lenient.ingest([seed_dir])
    with caplog.at_level(logging.WARNING, logger="newsdesk"):
        answer = lenient.ask("Who analysed the satellite imagery?")
    assert not answer.abstained
    assert "answering without the reader" in caplog.text
