"""Spelling variants of names: aliases (Kiev / Kyiv, Artemovsk / Bakhmut) and transliterations.

Two sources of variants, both applied at query time:
- alias groups: a shipped list (``aliases.txt`` beside this module) plus the user's own
  ``aliases.txt`` in NEWSDESK_HOME; one group per line, names separated by commas;
- transliteration: a long capitalised word of the question matches words of the indexed text
  with the same consonant skeleton give or take one letter ("Kostiantynivka" and
  "Konstantinovka" both reduce to about "kstntnvk").
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][\w’'-]+")
_VOWELS = re.compile(r"[aeiouy]+")
MIN_FUZZY_LENGTH = 7
MIN_SKELETON = 6  # shorter skeletons collide too often ("Carolina" and "Caroline")


def capitalised_words(text: str) -> set[str]:
    """Capitalised words of a text that do not open a sentence: candidate names."""
    return {
        m.group(0).strip("’'-")
        for m in _WORD.finditer(text)
        if m.start() > 0
        and not re.search(r"[.!?\n]\s*[\"'“‘]?$", text[max(0, m.start() - 3) : m.start()])
    }


def skeleton(word: str) -> str:
    """First letter plus the word's consonants, for transliteration matching."""
    w = word.lower().replace("’", "").replace("'", "").replace("-", "")
    w = w.replace("kh", "h").replace("zh", "z").replace("ts", "c").replace("ch", "c")
    return w[:1] + _VOWELS.sub("", w[1:])


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
        else:
            i += 1
        j += 1
    return edits + (len(b) - j) <= 1


def parse_aliases(text: str) -> list[list[str]]:
    """Alias groups from the file format: comma-separated names, ``#`` starts a comment."""
    groups = []
    for line in text.splitlines():
        names = [n.strip() for n in line.split("#", 1)[0].split(",") if n.strip()]
        if len(names) >= 2:
            groups.append(names)
    return groups


@cache
def shipped_aliases() -> tuple[tuple[str, ...], ...]:
    """The alias groups shipped with newsdesk."""
    text = (resources.files(__package__) / "aliases.txt").read_text(encoding="utf-8")
    return tuple(tuple(g) for g in parse_aliases(text))


class NameVariants:
    """Finds other spellings of the names in a question.

    Args:
        vocabulary: capitalised words of the indexed text (for transliteration matching).
        user_aliases: the user's alias file, if any.
    """

    def __init__(self, vocabulary: set[str], user_aliases: Path | None = None) -> None:
        groups = [list(g) for g in shipped_aliases()]
        if user_aliases is not None and user_aliases.exists():
            groups += parse_aliases(user_aliases.read_text(encoding="utf-8"))
        self._aliases: dict[str, list[str]] = {}
        for group in groups:
            for name in group:
                self._aliases.setdefault(name.lower(), []).extend(n for n in group if n != name)
        self._by_skeleton: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) >= MIN_FUZZY_LENGTH and len(skeleton(word)) >= MIN_SKELETON:
                self._by_skeleton.setdefault(skeleton(word)[:3], set()).add(word)

    def variants(self, question: str) -> dict[str, list[str]]:
        """For each name in ``question`` that has other spellings, those spellings."""
        found: dict[str, list[str]] = {}
        lowered = question.lower()
        for name, others in self._aliases.items():
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered):
                found.setdefault(name, []).extend(o for o in others if o.lower() not in lowered)
        for word in _WORD.findall(question):
            key = skeleton(word)
            if len(word) < MIN_FUZZY_LENGTH or len(key) < MIN_SKELETON:
                continue
            close = sorted(
                w
                for w in self._by_skeleton.get(key[:3], ())
                if w.lower() != word.lower() and _within_one_edit(key, skeleton(w))
            )
            if close:
                found.setdefault(word.lower(), []).extend(
                    c for c in close if c.lower() not in lowered
                )
        return {k: list(dict.fromkeys(v)) for k, v in found.items() if v}
