"""Lexical search: BM25 over passages with SQLite FTS5, kept inside the catalog database.

FTS5 rows are written in the same transaction as the passages they index (and deleted with them
by a trigger), so the lexical index can never disagree with the catalog, even after a crash.
The tokenizer folds case and diacritics and applies Porter stemming ("retreating" finds
"retreat"); the query is the question's content words joined with OR, so BM25 rewards passages
that hold more of the rarer words (names, places, numbers).
"""

from __future__ import annotations

import math
import re

from index.catalog import Catalog
from index.types import Match

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from into onto about as is are was were be
    been being has have had do does did will would shall should can could may might must this that
    these those it its they them their there here what which who whom whose when where why how
    not no nor so than too very just also only own same such both each few more most other some
    any all i me my we our you your he him his she her one ones said says say according this
    week year new following""".split()
)
_WORD = re.compile(r"\w[\w'’-]*")

# Weight of the title column relative to the passage text in BM25 (the title is repeated on
# every passage of an article, so it helps find the article more than the passage).
TITLE_WEIGHT = 0.3


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words, in order, possessives removed."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'").removesuffix("'s").strip("'-")
        if word and word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            out.append(word)
    return out


def fts_query(question: str) -> str | None:
    """An FTS5 query: each distinct content word, quoted, joined with OR (None if none)."""
    unique = list(dict.fromkeys(words(question)))
    if not unique:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in unique)


def lexical_search(
    catalog: Catalog,
    question: str,
    k: int,
    outlets: list[str] | None = None,
    since_ts: int | None = None,
    until_ts: int | None = None,
) -> list[Match]:
    """The ``k`` best BM25 passages for ``question``, optionally filtered like dense search."""
    query = fts_query(question)
    if query is None:
        return []
    where = ["passages_fts MATCH ?"]
    args: list[object] = [query]
    if outlets:
        where.append(
            "EXISTS (SELECT 1 FROM sources s WHERE s.article_id = p.article_id AND s.outlet IN "
            f"({','.join('?' * len(outlets))}))"
        )
        args += outlets
    if since_ts is not None:
        where.append("a.published_ts >= ?")
        args.append(since_ts)
    if until_ts is not None:
        where.append("a.published_ts <= ?")
        args.append(until_ts)
    rows = catalog.rows(
        f"SELECT p.id, p.article_id, bm25(passages_fts, {TITLE_WEIGHT}, 1.0) AS rank "
        "FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid "
        "JOIN articles a ON a.id = p.article_id "
        f"WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?",
        [*args, k],
    )
    # FTS5's bm25() is negative, lower is better; flip it so higher is better everywhere.
    return [Match(passage_id=r[0], article_id=r[1], score=-float(r[2])) for r in rows]


def lexical_scores(catalog: Catalog, question: str, passage_ids: list[str]) -> dict[str, float]:
    """BM25 of ``question`` for these passages (absent: no query word occurs in the passage)."""
    query = fts_query(question)
    if query is None or not passage_ids:
        return {}
    marks = ",".join("?" * len(passage_ids))
    rows = catalog.rows(
        f"SELECT p.id, bm25(passages_fts, {TITLE_WEIGHT}, 1.0) FROM passages_fts "
        "JOIN passages p ON p.rowid = passages_fts.rowid "
        f"WHERE passages_fts MATCH ? AND p.id IN ({marks})",
        [query, *passage_ids],
    )
    return {r[0]: -float(r[1]) for r in rows}


def rarity(catalog: Catalog, terms: list[str]) -> dict[str, float]:
    """How rare each word is among the passages, from 0 (in every one) to 1 (in none).

    The inverse document frequency ``log((N + 1) / (df + 1))`` divided by its largest value
    ``log(N + 1)``, with the same tokenizer (case, diacritics, stemming) as search. A question
    whose rare words are nowhere in the evidence is rarely answered by it.
    """
    unique = list(dict.fromkeys(t for t in terms if _WORD.fullmatch(t)))
    if not unique:
        return {}
    total = catalog.rows("SELECT count(*) FROM passages")[0][0]
    top = math.log(total + 1) or 1.0
    out = {}
    for term in unique:
        df = catalog.rows(
            "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
            ['text : "' + term.replace('"', '""') + '"'],
        )[0][0]
        out[term] = math.log((total + 1) / (df + 1)) / top
    return out
