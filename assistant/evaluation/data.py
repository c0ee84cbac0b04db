"""RealTimeQA: weekly news questions with choices, and the articles a search engine returned.

Files per week: ``WEEK_qa.jsonl`` (questions) and ``WEEK_gcs.jsonl`` (search results).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Question:
    """One multiple-choice question and the index of its correct choice."""

    id: str
    week: str
    text: str
    choices: tuple[str, ...]
    answer: int
    asked: str | None = None
    """The day the question was asked (ISO), when its relative times are to count from it."""

    @property
    def correct(self) -> str:
        """The text of the correct choice."""
        return self.choices[self.answer]

    @property
    def filters(self) -> dict[str, str]:
        """The filters to ask it with: ``as_of`` the day it was asked, if known."""
        return {"as_of": self.asked} if self.asked else {}


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as a whole word sequence, ignoring case.

    Word-bounded with look-arounds rather than word-boundary anchors, so answers that start or
    end with a non-word character ("48%") match too.
    """
    return bool(_pattern(needle).search(haystack))


def weeks(data_dir: Path) -> list[str]:
    """The weeks present in ``data_dir`` (those with both files), oldest first."""
    return sorted(
        p.name.removesuffix("_qa.jsonl")
        for p in data_dir.glob("*_qa.jsonl")
        if (data_dir / p.name.replace("_qa.jsonl", "_gcs.jsonl")).exists()
    )


def article_files(data_dir: Path, selected: list[str]) -> list[Path]:
    """The search-result dumps of the selected weeks."""
    return [data_dir / f"{week}_gcs.jsonl" for week in selected]


def questions(data_dir: Path, selected: list[str], dated: bool = False) -> list[Question]:
    """Every question of the selected weeks; ``dated``: with the day each was asked."""
    found: list[Question] = []
    for week in selected:
        with (data_dir / f"{week}_qa.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                found.append(
                    Question(
                        id=row["question_id"],
                        week=week,
                        text=row["question_sentence"],
                        choices=tuple(row["choices"]),
                        answer=int(row["answer"][0]),
                        asked=row["question_date"].replace("/", "-") if dated else None,
                    )
                )
    return found


def article_texts(data_dir: Path, selected: list[str]) -> list[str]:
    """The text of every distinct article (by URL) of the selected weeks."""
    texts: dict[str, str] = {}
    for path in article_files(data_dir, selected):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                for result in json.loads(line).get("search_result", []):
                    texts.setdefault(result["url"], result.get("text") or "")
    return list(texts.values())


def answerable(items: list[Question], texts: list[str]) -> list[Question]:
    """The questions whose correct choice occurs in some article."""
    corpus = "\n\n".join(texts)
    return [q for q in items if contains(corpus, q.correct)]


def shrink(data_dir: Path, selected: list[str], max_chars: int, out: Path) -> Path:
    """A copy of the selected weeks with every article cut to about its first ``max_chars``.

    The cut falls at the last paragraph or sentence end before the limit. Both systems are
    evaluated on the same shortened articles (answerability too), so the comparison stays
    fair while the one-time embedding cost shrinks (for a slow or shared machine).
    """
    target = out / f"{data_dir.name}-first{max_chars}"
    target.mkdir(parents=True, exist_ok=True)
    for week in selected:
        (target / f"{week}_qa.jsonl").write_bytes((data_dir / f"{week}_qa.jsonl").read_bytes())
        rows = []
        with (data_dir / f"{week}_gcs.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                for result in row.get("search_result", []):
                    result["text"] = _cut(result.get("text") or "", max_chars)
                rows.append(json.dumps(row))
        path = target / f"{week}_gcs.jsonl"
        text = "\n".join(rows) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return target


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind("\n"), head.rfind(". "))
    return head[: end + 1].rstrip() if end > limit // 2 else head
