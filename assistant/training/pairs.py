"""Training groups for the reader, built from the RealTimeQA training archive.

For each question, the articles a web search returned for it are split into sentences and
packed into windows (``assistant.reader.windows``), the windows the reader will read at
question time. A window that holds the gold answer (whole words, any case) is a positive; the
ones ranked highest by BM25 against the question among those holding it are kept (an answer
such as "China" also occurs in windows that do not answer anything). Negatives are the windows
that a lexical search for the question ranks highest but that do not hold the answer (the same
story's other episodes, the pipeline's own hard cases), windows holding a wrong choice, and a
few windows at random. Questions whose answer no article holds give groups of negatives only,
which teach the reader's score to stay low when the library does not answer.

A third of the questions (chosen by the seed) are read sentence by sentence instead of by
window, so the same model also scores single sentences for the quoted answer.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation.data import contains
from assistant.question.answertype import terms
from assistant.reader.windows import pack
from index.sentences import split_sentences

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Group:
    """One question with the texts it is read against; ``labels`` 1.0 for a positive."""

    question_id: str
    question: str
    texts: tuple[str, ...]
    labels: tuple[float, ...]


@dataclass(frozen=True)
class PairSettings:
    """How groups are built (recorded in the model card)."""

    window_tokens: int = 64
    positives: int = 2
    hard_negatives: int = 6
    choice_negatives: int = 2
    random_negatives: int = 2
    sentence_share: float = 1 / 3
    seed: int = 13


class ArchiveError(ValueError):
    """The training folder is not the RealTimeQA archive (the message names what is missing)."""


def archive_weeks(folder: Path) -> list[str]:
    """The weeks of the archive at ``folder`` (``WEEK_qa.jsonl`` with ``WEEK_gcs.jsonl``).

    Raises:
        ArchiveError: the folder is missing, or holds no week with both files.
    """
    if not folder.is_dir():
        raise ArchiveError(
            f"{folder}: no such folder. Extract the archive first: "
            f"tar xJf realtimeqa-train.tar.xz -C DIR, then pass DIR/rtqa-train."
        )
    qa = sorted(p.name.removesuffix("_qa.jsonl") for p in folder.glob("*_qa.jsonl"))
    weeks = [w for w in qa if (folder / f"{w}_gcs.jsonl").is_file()]
    if not weeks:
        lonely = f" ({len(qa)} *_qa.jsonl without their *_gcs.jsonl)" if qa else ""
        raise ArchiveError(
            f"{folder}: no RealTimeQA week found: each week needs WEEK_qa.jsonl (questions) "
            f"and WEEK_gcs.jsonl (search results){lonely}. Pass the extracted rtqa-train folder."
        )
    return weeks


def gold(choices: list[str], answer: list[str]) -> str:
    """The correct choice's text, without the quotes around titles."""
    return choices[int(answer[0])].translate(_QUOTES).strip().strip("\"'").strip().rstrip(".")


def _rows(path: Path, fields: tuple[str, ...]) -> Iterator[dict]:
    """The JSON lines of ``path`` holding ``fields``; a bad line is named with its number."""
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                missing = [f for f in fields if f not in row]
            except json.JSONDecodeError as e:
                raise ArchiveError(f"{path.name} line {n}: {e}") from e
            if missing:
                raise ArchiveError(f"{path.name} line {n}: no {', '.join(missing)}")
            yield row


def _read_week(folder: Path, week: str) -> Iterator[tuple[dict, list[dict]]]:
    results = {
        row["question_id"]: row.get("search_result") or []
        for row in _rows(folder / f"{week}_gcs.jsonl", ("question_id",))
    }
    fields = ("question_id", "question_sentence", "choices", "answer")
    for row in _rows(folder / f"{week}_qa.jsonl", fields):
        yield row, results.get(row["question_id"], [])


def _bm25(question: set[str], docs: list[set[str]], lengths: list[int]) -> list[float]:
    n = len(docs)
    df = Counter(t for d in docs for t in d & question)
    mean = sum(lengths) / n if n else 1.0
    scores = []
    for doc, length in zip(docs, lengths, strict=True):
        s = 0.0
        for t in doc & question:
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            s += idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length / mean))
        scores.append(s)
    return scores


Counter_ = Callable[[list[str]], list[int]]


def _windows(results: list[dict], count: Counter_, max_tokens: int) -> list[str]:
    seen: set[str] = set()
    texts: list[str] = []
    for result in results:
        text = result.get("text") or ""
        if not text or result.get("url") in seen:
            continue
        seen.add(result.get("url", ""))
        spans = split_sentences(text)[:400]
        sizes = count([text[s:e] for s, e in spans]) if max_tokens else [0] * len(spans)
        for start, end in pack(spans, sizes, max_tokens):
            window = text[start:end]
            if len(window.split()) >= 4:
                texts.append(window)
    return list(dict.fromkeys(texts))


def build_group(
    row: dict, results: list[dict], count: Counter_, settings: PairSettings, rng: random.Random
) -> Group | None:
    """The training group of one question, or None when its articles give nothing to read."""
    sentence_level = rng.random() < settings.sentence_share
    texts = _windows(results, count, 0 if sentence_level else settings.window_tokens)
    if len(texts) < 3:
        return None
    answer = gold(row["choices"], row["answer"])
    wrong = [
        c.translate(_QUOTES).strip().strip("\"'")
        for i, c in enumerate(row["choices"])
        if i != int(row["answer"][0])
    ]
    question = row["question_sentence"]
    # The quiz page itself is often among the search results: a window listing two or more of
    # the choices is the question, not an answer to it.
    options = [answer, *wrong]
    normal = [t.translate(_QUOTES) for t in texts]
    keep = [i for i, t in enumerate(normal) if sum(1 for o in options if o and contains(t, o)) < 2]
    texts, normal = [texts[i] for i in keep], [normal[i] for i in keep]
    if len(texts) < 3:
        return None
    scores = _bm25(terms(question), [terms(t) for t in texts], [len(t.split()) for t in texts])
    order = sorted(range(len(texts)), key=lambda i: -scores[i])
    holds = [bool(answer) and contains(t, answer) for t in normal]
    positives = [i for i in order if holds[i] and scores[i] > 0][: settings.positives]
    negatives = [i for i in order if not holds[i]]
    hard = negatives[: settings.hard_negatives]
    by_choice = [
        i for i in negatives if i not in hard and any(w and contains(normal[i], w) for w in wrong)
    ][: settings.choice_negatives]
    rest = [i for i in negatives if i not in hard and i not in by_choice]
    easy = rng.sample(rest, min(settings.random_negatives, len(rest)))
    chosen = positives + hard + by_choice + easy
    if not hard:
        return None
    return Group(
        question_id=row["question_id"],
        question=question,
        texts=tuple(texts[i] for i in chosen),
        labels=tuple(1.0 if i in positives else 0.0 for i in chosen),
    )


def build_groups(
    folder: Path,
    weeks: list[str],
    count: Counter_,
    settings: PairSettings,
    progress: Callable[[int], None] | None = None,
) -> list[Group]:
    """Every question's group for the selected ``weeks`` of the archive, in week order."""
    rng = random.Random(settings.seed)
    groups: list[Group] = []
    for week in weeks:
        for row, results in _read_week(folder, week):
            group = build_group(row, results, count, settings, rng)
            if group is not None:
                groups.append(group)
        if progress:
            progress(1)
    return groups


def save_groups(groups: list[Group], path: Path) -> None:
    """Write groups as JSON lines (atomically)."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for g in groups:
            handle.write(json.dumps(g.__dict__, ensure_ascii=False) + "\n")
    tmp.replace(path)


def load_groups(path: Path) -> list[Group]:
    """Read groups written by ``save_groups``."""
    with path.open(encoding="utf-8") as handle:
        return [
            Group(
                question_id=r["question_id"],
                question=r["question"],
                texts=tuple(r["texts"]),
                labels=tuple(r["labels"]),
            )
            for r in map(json.loads, handle)
        ]
