"""Lexical search in the SQLite catalog: BM25 over passages with FTS5.

FTS5 rows are written in the same transaction as the passages they index (and deleted with them
by a trigger), so the lexical index can never disagree with the catalog, even after a crash. The
tokenizer folds case and diacritics and applies Porter stemming ("retreating" finds "retreat");
the query is the question's content words joined with OR, so BM25 rewards passages that hold
more of the rarer words.
"""

from __future__ import annotations

from index.catalog.sql import SqlCatalog
from index.lexical import or_query

# Weight of the title column relative to the passage text in BM25 (the title is repeated on
# every passage of an article, so it helps find the article more than the passage).
TITLE_WEIGHT = 0.3


class Fts5Search(SqlCatalog):
    """The lexical half of ``SqliteCatalog``: BM25 (negative, lower is better) over FTS5."""

    _MATCHES = (
        f"SELECT p.id, p.article_id, bm25(passages_fts, {TITLE_WEIGHT}, 1.0) AS rank "
        "FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid "
        "JOIN articles a ON a.id = p.article_id WHERE passages_fts MATCH ?"
    )
    _BEST_FIRST = "rank"
    _SCORE_SIGN = -1.0

    def _text_query(self, words: list[str]) -> str | None:
        """Each distinct word quoted, joined with OR."""
        return or_query(words)

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many passages hold each term in their text (FTS5 tokens)."""
        return {
            term: self._rows(
                "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
                ['text : "' + term.replace('"', '""') + '"'],
            )[0][0]
            for term in terms
        }

    def lexical_passages(self) -> set[str]:
        """Ids of the passages that have a row in the FTS5 index."""
        return {
            r[0]
            for r in self._rows(
                "SELECT p.id FROM passages_fts f JOIN passages p ON p.rowid = f.rowid"
            )
        }

    def lexical_texts(self) -> dict[str, str]:
        """The text the FTS5 index holds for each passage (SQLite only: tests check offsets)."""
        return dict(
            self._rows(
                "SELECT p.id, f.text FROM passages_fts f JOIN passages p ON p.rowid = f.rowid"
            )
        )
