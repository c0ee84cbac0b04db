from __future__ import annotations

import pytest

from index.fields import clean_text
from index.sentences import split_sentences
from tests.conftest import SHARED

SEED_DIR = SHARED / "seed"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def check_spans(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        previous_end = end
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Gen. Jones in the U.S. capital on Monday. They talked for an hour.",
            ["Mr. Smith met Gen. Jones in the U.S. capital on Monday.", "They talked for an hour."],
        ),
        (
            "The meeting began at 9 a.m. on Monday and ended at 5 p.m. on Tuesday. It went well.",
            [
                "The meeting began at 9 a.m. on Monday and ended at 5 p.m. on Tuesday.",
                "It went well.",
            ],
        ),
        (
            "The U.S.-led coalition struck at 3 a.m. local time, the Pentagon said. "
            "No one was hurt.",
            [
                "The U.S.-led coalition struck at 3 a.m. local time, the Pentagon said.",
                "No one was hurt.",
            ],
        ),
        (
            "The book by J. K. Rowling sold well. Dr. A. Smith reviewed it.",
            ["The book by J. K. Rowling sold well.", "Dr. A. Smith reviewed it."],
        ),
        (
            "Lt. Col. Ann Lee and Sen. Bo Chan spoke. Rep. Cy Dee did not.",
            ["Lt. Col. Ann Lee and Sen. Bo Chan spoke.", "Rep. Cy Dee did not."],
        ),
        (
            "The firm paid $1.5 billion. Shares rose 0.7 percent to 38.25 dollars.",
            ["The firm paid $1.5 billion.", "Shares rose 0.7 percent to 38.25 dollars."],
        ),
        (
            "Growth was 2.5% in 2023. It was 3.1% in 2024.",
            ["Growth was 2.5% in 2023.", "It was 3.1% in 2024."],
        ),
        (
            "Mr. Smith went to Washington. He said: ‘No.’ Then he left.",
            ["Mr. Smith went to Washington.", "He said: ‘No.’", "Then he left."],
        ),
        (
            "“We will not stop,” Gen. Ali said. “Never.” The crowd cheered.",
            ["“We will not stop,” Gen. Ali said.", "“Never.”", "The crowd cheered."],
        ),
        (
            "He asked, ‘Why now?’ Nobody answered. “Is it over?” she asked.",
            ["He asked, ‘Why now?’", "Nobody answered.", "“Is it over?” she asked."],
        ),
        (
            "‘It’s over,’ he said. ‘Really.’",
            ["‘It’s over,’ he said.", "‘Really.’"],
        ),
        ("Wow! Really? Yes.", ["Wow!", "Really?", "Yes."]),
        ("It was late… Then it ended.", ["It was late…", "Then it ended."]),
        (
            "It was No. 1 in the charts. Then it fell.",
            ["It was No. 1 in the charts.", "Then it fell."],
        ),
        ("lower case after period. stays together.", ["lower case after period. stays together."]),
        ("No punctuation at all", ["No punctuation at all"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    check_spans(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "First line without a period\nSecond line",
            ["First line without a period", "Second line"],
        ),
        ("He met Mr.\nSmith later.", ["He met Mr.", "Smith later."]),
        ("ends with a comma,\nthen more", ["ends with a comma,", "then more"]),
        ("One.\n\n\nTwo.", ["One.", "Two."]),
    ],
)
def test_newline_always_splits(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
    check_spans(text)


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t \n "])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_spans_map_exactly_back_to_the_text() -> None:
    text = "  Leading spaces. Trailing   spaces.   \n\n  Next  para.  \n\tTabbed line! "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Leading spaces.",
        "Trailing   spaces.",
        "Next  para.",
        "Tabbed line!",
    ]
    assert spans[0] == (2, 17)
    check_spans(text)


def seed_text() -> str:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"no seed article: {SEED_DIR}/*.txt is absent")
    return clean_text(files[0].read_text(encoding="utf-8"))


def test_seed_article_spans_are_in_bounds_ordered_and_cover_the_text() -> None:
    text = seed_text()
    spans = split_sentences(text)
    assert len(spans) > 20
    check_spans(text)
    for start, end in spans:
        assert text[end - 1] in ".!?…’”*", text[start:end]


def test_seed_article_known_sentences_are_whole() -> None:
    text = seed_text()
    found = sentences(text)
    assert (
        "According to satellite imagery analyzed by *The New York Times*, Russian troops have "
        "launched a coordinated attack aimed at cutting off Ukrainian forces from their main "
        "supply routes."
    ) in found
    assert (
        "Ukrainian military sources confirmed that troops had begun retreating toward "
        "Konstantinovka, a move that has raised concerns about the potential collapse of the "
        "front line."
    ) in found
    assert "‘It was like a horror movie,’ said one villager." in found
    assert "‘Every day is a battle for survival.’" in found
    assert found[0].startswith("The Russian military’s desperate attempt")
