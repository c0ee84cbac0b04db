"""Lexical search: the question's content words, matched by the catalog's own text index.

SQLite ranks passages with FTS5's BM25, PostgreSQL with ``ts_rank_cd`` over an English
``tsvector``; both stem words and fold case. The query is the question's content words joined
with OR, so the ranking rewards passages that hold more of the rarer words (names, places,
numbers).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.catalog import Catalog

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from into onto about as is are was were be
    been being has have had do does did will would shall should can could may might must this that
    these those it its they them their there here what which who whom whose when where why how
    not no nor so than too very just also only own same such both each few more most other some
    any all i me my we our you your he him his she her one ones said says say according this
    week year new following""".split()
)
_WORD = re.compile(r"\w[\w'’-]*")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words, in order, possessives removed."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'").removesuffix("'s").strip("'-")
        if word and word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            out.append(word)
    return out


def or_query(terms: list[str]) -> str | None:
    """An FTS5 query: each distinct term, quoted, joined with OR (None if none)."""
    unique = list(dict.fromkeys(terms))
    if not unique:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in unique)


def rarity(catalog: Catalog, terms: list[str]) -> dict[str, float]:
    """How rare each word is among the passages, from 0 (in every one) to 1 (in none).

    The inverse document frequency ``log((N + 1) / (df + 1))`` divided by its largest value
    ``log(N + 1)``, with the catalog's own tokenizer (case, stemming) as search. A question
    whose rare words are nowhere in the evidence is rarely answered by it.
    """
    unique = list(dict.fromkeys(t for t in terms if _WORD.fullmatch(t)))
    if not unique:
        return {}
    total, frequencies = catalog.term_frequencies(unique)
    top = math.log(total + 1) or 1.0
    return {t: math.log((total + 1) / (frequencies.get(t, 0) + 1)) / top for t in unique}
