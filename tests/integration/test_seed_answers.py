"""The seed article: questions about its facts are answered by quoting the right sentence."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

CASES = [
    ("How many Russian troops were killed in the failed evacuation?", "at least 30 troops killed"),
    ("Where are the Ukrainian troops retreating to?", "retreating toward Konstantinovka"),
    ("Who analysed the satellite imagery?", "satellite imagery analyzed by *The New York Times*"),
    ("Which outlet obtained the leaked military communication?", "obtained by *The Global Times*"),
    ("Which village near Bakhmut are Russian forces attacking?", "Kleban-Byka"),
    ("What did the UN official in Kyiv say?", "humanitarian crisis"),
]

UNANSWERABLE = [
    "What is the inflation rate in Japan?",
    "Who won the Super Bowl?",
    "What did the European Central Bank decide about interest rates?",
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, embedder, seed_dir):
    from assistant import Assistant

    bot = Assistant(home=tmp_path_factory.mktemp("seed-home"))
    bot.embedder = embedder
    report = bot.ingest(seed_dir)
    assert report.added == 1 and report.ok
    return bot


@pytest.mark.parametrize(("question", "expected"), CASES)
def test_fact_is_quoted_with_a_correct_citation(seeded, question: str, expected: str) -> None:
    answer = seeded.ask(question)
    assert not answer.abstained, answer.text
    top = max(answer.citations, key=lambda c: c.score)  # the best-supported quote
    assert expected in top.quote, (question, [c.quote for c in answer.citations])
    article = seeded.article(top.article_id)
    # the citation points at the exact sentence in the article, inside the cited passage
    assert article.text[top.start : top.end] == top.quote
    assert article.text[top.passage_start : top.passage_end] == top.passage
    assert top.passage_start <= top.start < top.end <= top.passage_end
    assert f"{top.quote} [{top.n}]" in answer.text
    assert f"[{top.n}] {top.title}" in answer.text


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_question_the_article_does_not_cover_is_declined(seeded, question: str) -> None:
    answer = seeded.ask(question)
    assert answer.abstained, answer.text
    assert answer.citations == []
    assert "do not answer" in answer.text
    assert answer.hits  # the closest passages are offered as leads


HARDER = [
    # attributed claims: the quote must carry who said it
    ("According to whom could the loss of supply lines lead to encirclement?",
     "said a military analyst at the Carnegie Endowment"),
    ("Who called the retreat a tactical withdrawal?", "said a Ukrainian colonel"),
    ("Who warned that the front line will continue to collapse?", "Institute for the Study of War"),
    # place names spelled another way than in the article
    ("Who is retreating toward Kostiantynivka?", "retreating toward Konstantinovka"),
    ("What is happening near Kleban-Byk?", "offensive near Kleban-Byka"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected"), HARDER)
def test_harder_questions(seeded, question: str, expected: str) -> None:
    answer = seeded.ask(question)
    assert not answer.abstained, answer.text
    assert any(expected in c.quote for c in answer.citations), [c.quote for c in answer.citations]


def test_other_spellings_are_stated(seeded) -> None:
    answer = seeded.ask("Who is retreating toward Kostiantynivka?")
    assert any("Konstantinovka" in note for note in answer.notes)
    hits = seeded.search("Kostiantynivka", k=1)
    assert "Konstantinovka" in hits[0].text


def test_sentence_limit_scores_fewer_sentences_and_keeps_the_answer(seeded, monkeypatch) -> None:
    question, expected = CASES[0]
    reader = seeded.library.reader
    batches: list[int] = []
    real = reader.encode
    monkeypatch.setattr(reader, "encode", lambda texts: batches.append(len(texts)) or real(texts))
    original = seeded.settings.answer
    try:
        seeded.settings.answer = original.model_copy(update={"sentence_limit": 0})
        everything = seeded.ask(question)
        every = max(batches)
        batches.clear()
        seeded.settings.answer = original.model_copy(update={"sentence_limit": 4})
        limited = seeded.ask(question)
    finally:
        seeded.settings.answer = original
    assert every > 4 and max(batches) == 4  # the sentences the model scored
    assert not limited.abstained and any(expected in c.quote for c in limited.citations)
    assert limited.citations[0].quote == everything.citations[0].quote


# Questions that paraphrase the sentence they need (no shared key word to lean on). The first is
# issue 23's. Two are not yet answered right by default: the reader ranks the satellite sentence
# first (below), but the weights that would let it choose the quote cost the 2024 split, so
# they are off (docs/reader.md). Strict: a better reader that passes them must unmark them.
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 23: the reader's sentence weight is off")
PARAPHRASED = [
    pytest.param("Which newspaper examined satellite pictures of the attack near Kleban-Byka?",
                 "satellite imagery analyzed by *The New York Times*", marks=NOT_YET),
    ("How many soldiers died when the Russian evacuation went wrong?",
     "at least 30 troops killed"),
    pytest.param("Toward which town are Ukraine's forces pulling back?",
                 "retreating toward Konstantinovka", marks=NOT_YET),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected"), PARAPHRASED)
def test_paraphrased_questions_quote_the_right_sentence_first(
    seeded, question: str, expected: str
) -> None:
    answer = seeded.ask(question)
    assert not answer.abstained, answer.text
    top = max(answer.citations, key=lambda c: c.score)
    assert expected in top.quote, (question, [c.quote for c in answer.citations])


def test_the_reader_ranks_the_paraphrased_sentence_first(seeded) -> None:
    """Reading the question against each window, the reader puts the satellite one on top."""
    question = "Which newspaper examined satellite pictures of the attack near Kleban-Byka?"
    hits = seeded.search(question, k=6)
    reading = seeded.reader.read(question, hits)
    windows = [(w.logit, h.text[w.start - h.start : w.end - h.start]) for h in hits
               for w in reading[h.passage_id]]  # fmt: skip
    best = max(windows)
    assert "satellite imagery analyzed by *The New York Times*" in best[1], windows
    assert best[0] > sorted(windows)[-2][0] + 0.5  # by a clear margin, not a tie
