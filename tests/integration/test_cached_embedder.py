"""No repeated work per question: sentence vectors remembered on disk, the question in memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from index.embed import CachedEmbedder, SentenceEmbedder


class Counting(SentenceEmbedder):
    """The real model, counting the texts it embeds."""

    def __init__(self, base: SentenceEmbedder) -> None:
        super().__init__(base.model_name)
        self.__dict__["_model"] = base._model
        self.embedded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return super().encode(texts)


SENTENCES = [
    "Ukrainian troops are retreating toward Konstantinovka.",
    "Satellite imagery was analyzed by The New York Times.",
    "Ukrainian troops are retreating toward Konstantinovka.",
]


def test_sentences_are_embedded_once_and_kept_across_instances(tmp_path: Path, embedder) -> None:
    base = Counting(embedder)
    cached = CachedEmbedder(base, tmp_path / "sv.sqlite3")
    first = cached.encode(SENTENCES)
    assert base.embedded == SENTENCES[:2]  # the repeated sentence once
    assert np.allclose(first, embedder.encode(SENTENCES), atol=1e-5)
    again = CachedEmbedder(base, tmp_path / "sv.sqlite3")  # e.g. after a restart
    assert np.array_equal(again.encode(SENTENCES), first)
    assert base.embedded == SENTENCES[:2]
    cached.close()
    again.close()


def test_a_question_is_embedded_once_and_never_written(tmp_path: Path, embedder) -> None:
    base = Counting(embedder)
    cached = CachedEmbedder(base, tmp_path / "sv.sqlite3", memory=2)
    question = "Who analysed the satellite imagery?"
    one = cached.encode([question])
    two = cached.encode([question])
    assert base.embedded == [question] and np.array_equal(one, two)
    cached.encode(["a"]), cached.encode(["b"])  # pushes the question out of memory
    cached.encode([question])
    assert base.embedded.count(question) == 2
    path = tmp_path / "sv.sqlite3"
    assert (
        not path.exists()
        or not sqlite3.connect(path).execute("SELECT count(*) FROM vectors").fetchone()[0]
    )


def test_asking_twice_embeds_no_stored_sentence_again(tmp_path: Path, embedder, seed_dir) -> None:
    from assistant import Assistant

    base = Counting(embedder)
    bot = Assistant(home=tmp_path / "home")
    bot.embedder = base
    bot.ingest(seed_dir)
    base.embedded.clear()
    bot.ask("Who analysed the satellite imagery?")
    first = list(base.embedded)
    assert first.count("Who analysed the satellite imagery?") == 1  # retrieval and scoring share it
    base.embedded.clear()
    bot.ask("Which outlet analysed the satellite imagery?")
    second = list(base.embedded)
    assert second.count("Which outlet analysed the satellite imagery?") == 1
    # it may score sentences the first question left out (answer.sentence_limit), never again
    # one the first question already embedded
    assert not set(second) & set(first)
    base.embedded.clear()
    bot.ask("Who analysed the satellite imagery?")
    assert base.embedded == []  # the question is remembered in memory, its sentences on disk


def test_a_timeline_or_corroboration_again_embeds_nothing(
    tmp_path: Path, embedder, seed_dir
) -> None:
    from assistant import Assistant

    base = Counting(embedder)
    bot = Assistant(home=tmp_path / "home")
    bot.embedder = base
    bot.ingest(seed_dir)
    base.embedded.clear()
    first = bot.timeline("the retreat toward Konstantinovka")
    assert base.embedded.count("the retreat toward Konstantinovka") == 1
    assert len(base.embedded) > 1  # its passages' sentences, on their first use
    base.embedded.clear()
    assert bot.timeline("the retreat toward Konstantinovka") == first
    assert base.embedded == []
    event = first.events[0]
    base.embedded.clear()
    claim = bot.corroborate(event.article_id, event.start, event.end)
    base.embedded.clear()
    assert bot.corroborate(event.article_id, event.start, event.end) == claim
    assert base.embedded == []
