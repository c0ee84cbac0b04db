"""The reader's pure parts: windows, training groups, the data order, the archive check."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from assistant.reader.windows import pack
from assistant.training.pairs import (
    ArchiveError,
    PairSettings,
    archive_weeks,
    build_group,
    gold,
)
from assistant.training.reader import TrainSettings, batch_of, sample, split_weeks


def test_pack_fills_windows_in_order_and_never_splits_a_sentence() -> None:
    spans = [(0, 10), (11, 20), (21, 30), (31, 40)]
    assert pack(spans, [30, 25, 20, 40], 64) == [(0, 20), (21, 40)]
    assert pack(spans, [30, 25, 20, 40], 0) == spans  # sentence by sentence
    assert pack([(0, 5)], [500], 64) == [(0, 5)]  # too long: a window of its own
    assert pack([], [], 64) == []
    with pytest.raises(ValueError, match="2 spans but 1 sizes"):
        pack(spans[:2], [1], 64)


def test_gold_is_the_correct_choice_without_title_quotes() -> None:
    assert gold(["“Game of Thrones”", "“Squid Game”"], ["1"]) == "Squid Game"
    assert gold(["48%", "Paris."], ["1"]) == "Paris"


def _words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


ROW = {
    "question_id": "q1",
    "question_sentence": "Which city will host the 2030 winter games?",
    "choices": ["Oslo", "Lyon", "Turin", "Nice"],
    "answer": ["2"],
}
ARTICLE = (
    "Officials said the winter games in 2030 will be held in Turin after a vote on Monday. "
    "The vote followed months of talks between the committee and several cities. "
    "Lyon had also bid to host the winter games but withdrew in March. "
    "Choices: Oslo, Lyon, Turin or Nice were named in a quiz about the games. "
    "Tickets will go on sale next year, organisers said. "
    "The committee praised the city's existing venues and transport links."
)


def test_group_has_the_answer_window_as_positive_and_drops_the_quiz_list() -> None:
    settings = PairSettings(window_tokens=0, sentence_share=0.0)
    group = build_group(ROW, [{"url": "u", "text": ARTICLE}], _words, settings, random.Random(1))
    assert group is not None
    positives = [t for t, label in zip(group.texts, group.labels, strict=True) if label]
    assert positives == [
        "Officials said the winter games in 2030 will be held in Turin after a vote on Monday."
    ]
    assert not any("Choices:" in t for t in group.texts)  # lists two or more choices
    assert any("Lyon had also bid" in t for t in group.texts)  # a wrong choice: a negative
    held = zip(group.texts, group.labels, strict=True)
    assert all("Turin" not in t for t, label in held if not label)


def test_group_without_the_answer_is_negatives_only() -> None:
    row = {**ROW, "choices": ["Oslo", "Lyon", "Bergamo", "Nice"]}
    group = build_group(
        row, [{"url": "u", "text": ARTICLE}], _words, PairSettings(), random.Random(1)
    )
    assert group is not None and not any(group.labels)


def test_data_order_follows_from_seed_and_step_alone() -> None:
    from assistant.training.pairs import Group

    groups = [
        Group(str(i), f"q{i}", tuple(f"t{i}-{j}" for j in range(9)), (1.0,) + (0.0,) * 8)
        for i in range(12)
    ]
    settings = TrainSettings(groups_per_step=4, group_size=8)
    first = [batch_of(groups, step, settings) for step in range(6)]
    again = [batch_of(groups, step, settings) for step in range(6)]
    assert first == again  # a resumed run sees the same batches
    epoch = [g.question_id for step in range(3) for g in first[step]]
    assert sorted(epoch) == sorted(g.question_id for g in groups)  # each group once a pass
    assert all(len(g.texts) == 8 and g.labels.count(1.0) == 1 for b in first for g in b)


def test_a_data_size_study_samples_the_same_groups_for_a_seed() -> None:
    groups = [str(i) for i in range(11)]
    assert sample(groups, 1.0, 13) == groups
    half = sample(groups, 0.5, 13)
    assert half == sample(groups, 0.5, 13) and len(half) == 6  # resumable: same sample
    assert half == sorted(half, key=int)  # the archive's order kept
    assert set(half) < set(groups) and half != sample(groups, 0.5, 14)


def test_validation_weeks_are_held_out() -> None:
    weeks = [f"2022{i:04d}" for i in range(40)]
    train, val = split_weeks(weeks, 20)
    assert val == [weeks[0], weeks[20]] and not set(train) & set(val)


def test_a_folder_that_is_not_the_archive_is_named(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no such folder"):
        archive_weeks(tmp_path / "missing")
    (tmp_path / "20220101_qa.jsonl").write_text(json.dumps(ROW) + "\n")
    with pytest.raises(ArchiveError, match=r"WEEK_gcs\.jsonl .*1 \*_qa\.jsonl without"):
        archive_weeks(tmp_path)
    (tmp_path / "20220101_gcs.jsonl").write_text("")
    assert archive_weeks(tmp_path) == ["20220101"]
