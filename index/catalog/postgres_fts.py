"""Lexical search in the PostgreSQL catalog: its own English full-text search.

Each passage row carries ``tsv``: ``to_tsvector('english', ...)`` of the article title (weight B)
and the passage text (weight A), so stemming and stop words are PostgreSQL's English ones. The
query is the question's content words, each quoted, joined with ``or`` in
``websearch_to_tsquery`` (so no word is read as syntax); ``ts_rank_cd`` ranks the matches and the
outlet and date filters are SQL in the same query.
"""

from __future__ import annotations

from index.catalog.sql import SqlCatalog

# ts_rank_cd weights for {D, C, B, A}: the title (B) counts 0.3 of the passage text (A), as the
# title weight of SQLite's BM25 does.
_WEIGHTS = "{0.1, 0.2, 0.3, 1.0}"
_RANK = f"ts_rank_cd('{_WEIGHTS}'::float4[], p.tsv, q)"


class TsvectorSearch(SqlCatalog):
    """The lexical half of ``PostgresCatalog``: ``ts_rank_cd`` over each passage's ``tsv``."""

    _MATCHES = (
        f"SELECT p.id, p.article_id, {_RANK} AS rank FROM passages p "
        "JOIN articles a ON a.id = p.article_id, websearch_to_tsquery('english', ?) q "
        "WHERE p.tsv @@ q"
    )
    _BEST_FIRST = 'rank DESC, p.id COLLATE "C"'

    def _text_query(self, words: list[str]) -> str | None:
        """A ``websearch_to_tsquery`` query: each distinct word quoted, joined with ``or``."""
        return _websearch(words)

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many passages hold each term in their text (English stems)."""
        frequencies = {}
        for term in terms:
            query = _websearch([term])
            frequencies[term] = (
                self._rows(
                    "SELECT count(*) FROM passages "
                    "WHERE ts_filter(tsv, '{a}') @@ websearch_to_tsquery('english', ?)",
                    (query,),
                )[0][0]
                if query
                else 0
            )
        return frequencies

    def lexical_passages(self) -> set[str]:
        """Ids of the passages with a text-search vector (each passage row carries its own)."""
        return {r[0] for r in self._rows("SELECT id FROM passages WHERE tsv IS NOT NULL")}


def _websearch(words: list[str]) -> str | None:
    """A ``websearch_to_tsquery`` query: each distinct word quoted, joined with ``or``."""
    unique = list(dict.fromkeys(w.replace('"', "") for w in words))
    unique = [w for w in unique if w]
    return " or ".join(f'"{w}"' for w in unique) or None
