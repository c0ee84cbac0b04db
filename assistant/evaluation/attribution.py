"""Attribution on PolNeAR (Political News Attribution Relations, Newell et al. 2018).

PolNeAR annotates every attribution in 1,028 articles of seven US outlets on the 2016 election:
its source, cue ("said", "told", "according to", "believes", "argued", ...) and content spans,
in brat files (``data/<split>/attributions/*.ann``, text in ``data/<split>/text/*.txt``). It is
kept outside the project. Develop on ``train`` (and ``dev``); report on ``test``.

The unit is a sentence (newsdesk attributes cited sentences): its gold speakers are the sources
of the attributions whose cue lies in it. Measured:

- speaker precision: of the sentences where newsdesk names a speaker, the share whose speaker
  matches a gold source of that sentence (one phrase contains the other, ignoring case, a
  leading "the" and punctuation); sentences whose attributions have no source in the sentence
  (the source is in another sentence, or implicit) are left out, as their speaker is unknowable
  from the sentence alone;
- speaker recall: of the sentences with a gold source in the sentence, the share where newsdesk
  names a matching one;
- anonymous-source flag precision and recall. PolNeAR marks no anonymity, so the gold flag is
  derived from the annotated (human) source span by a fixed rule: the span's head is a
  lower-case person noun ("officials", "a Democratic source") and it is no definite reference
  back ("the senator", "his lawyer"), or the sentence says anonymity was granted. This checks
  that newsdesk finds the right source phrase and reads it as unnamed; it is not a human
  judgement of anonymity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.language.attribution import attribute
from assistant.language.lexicon import ANONYMITY, ROLE_NOUNS
from index.sentences import split_sentences

_PRONOUNS = {"he", "she", "they", "we", "i", "you", "it", "him", "her", "them", "us", "me"}
_DEFINITE = {"the", "this", "that", "these", "those", "his", "her", "their", "its", "our", "my"}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a PolNeAR article with the sources of the attributions cued in it."""

    text: str
    sources: tuple[str, ...]  # sources found inside the sentence
    attributed: bool  # whether any attribution is cued in it (with or without a source here)


def _spans(field: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in field.split(";"))]


def read_article(ann: Path, text: str) -> Iterator[Sentence]:
    """The sentences of one annotated article."""
    spans: dict[str, list[tuple[int, int]]] = {}
    relations: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, where = parts[1].partition(" ")
            spans[parts[0]] = _spans(where)
        elif line.startswith("E") and len(parts) >= 2:
            roles: dict[str, str] = {}
            for item in parts[1].split():
                role, _, ref = item.partition(":")
                roles.setdefault(re.sub(r"\d+$", "", role), ref)
            relations.append(roles)
    for start, end in split_sentences(text):
        sources, attributed = [], False
        for r in relations:
            cue = spans.get(r.get("Cue", ""), [])
            if not any(start <= s < end for s, _ in cue):
                continue
            attributed = True
            source = spans.get(r.get("Source", ""), [])
            if source and all(start <= s and e <= end for s, e in source):
                sources.append(" ".join(text[s:e] for s, e in source))
        yield Sentence(text[start:end], tuple(sources), attributed)


def load(root: Path, split: str) -> list[Sentence]:
    """All sentences of one split (one annotator's file per article)."""
    folder = root / "data" / split if (root / "data").is_dir() else root / split
    if not (folder / "attributions").is_dir():
        raise FileNotFoundError(f"{folder}/attributions not found: give the PolNeAR folder")
    chosen: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        chosen.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    out: list[Sentence] = []
    for name, ann in sorted(chosen.items()):
        text_path = folder / "text" / f"{name}.txt"
        if text_path.is_file():
            out += read_article(ann, text_path.read_text(encoding="utf-8"))
    return out


def norm(text: str | None) -> str:
    """A speaker phrase for matching: lower case, no punctuation, no leading article."""
    text = re.sub(r"[^\w\s-]", "", (text or "").lower()).strip()
    return text.removeprefix("the ").strip()


def same_speaker(predicted: str | None, gold: str) -> bool:
    """Whether a predicted speaker phrase names the gold source."""
    a, b = norm(predicted), norm(gold)
    return bool(a) and bool(b) and (a in b or b in a)


def anonymous_source(source: str, sentence: str) -> bool:
    """The derived gold flag: the source span names nobody (see the module docstring).

    The span is cut at its first comma, "who" or "of"; it is anonymous when its head (last
    word) is a lower-case person noun ("officials", "a Democratic source", "several cast
    members") and it does not open with a definite reference back ("the senator", "his
    lawyer"), or when the sentence says anonymity was granted and the span has no name.
    """
    core = re.split(
        r",|\s(?:who|of|at|in|with|from|familiar|near|stationed|based|speaking|close|involved)\s",
        source.strip(),
    )[0].split()
    if not core:
        return False
    if ANONYMITY.search(sentence) and not any(w[:1].isupper() for w in core[1:]):
        return True
    head = core[-1].strip(".’'\"").lower()
    return (
        core[0].lower() not in _DEFINITE
        and (core[-1][:1].islower() or len(core) == 1)
        and (head in ROLE_NOUNS or head.rstrip("s") in ROLE_NOUNS)
    )


def ratio(hit: int, total: int) -> float | None:
    """``hit / total`` to 3 places (None when there is nothing to count)."""
    return round(hit / total, 3) if total else None


def run(root: Path, split: str, show: int = 0) -> dict:
    """Measure attribution on one PolNeAR split."""
    sentences = load(root, split)
    c: Counter[str] = Counter()
    misses: list[str] = []
    for s in sentences:
        got = attribute(s.text)
        known = bool(s.sources) or not s.attributed
        right = got.speaker is not None and any(same_speaker(got.speaker, g) for g in s.sources)
        if got.speaker is not None and known:
            c["predicted"] += 1
            c["right"] += right
        c["gold"] += bool(s.sources)
        c["found"] += right
        gold_anon = any(anonymous_source(g, s.text) for g in s.sources)
        if known:
            c["pred_anon"] += got.anonymous
            c["anon_right"] += got.anonymous and gold_anon
            c["gold_anon"] += gold_anon
        if show and len(misses) < show and known and (bool(s.sources) != right):
            misses.append(f"{s.text[:120]!r}\n   gold {s.sources} got {got.speaker!r}")
    report = {
        "data": str(root),
        "split": split,
        "sentences": len(sentences),
        "attributed_sentences": sum(s.attributed for s in sentences),
        "with_source_in_sentence": c["gold"],
        "speaker_precision": ratio(c["right"], c["predicted"]),
        "speaker_recall": ratio(c["found"], c["gold"]),
        "speakers_named": c["predicted"],
        "anonymous_precision": ratio(c["anon_right"], c["pred_anon"]),
        "anonymous_recall": ratio(c["anon_right"], c["gold_anon"]),
        "anonymous_flagged": c["pred_anon"],
    }
    if show:
        report["misses"] = misses
    return report


def format_report(report: dict) -> str:
    """The report as a few readable lines."""
    return (
        f"PolNeAR {report['split']}: {report['sentences']} sentences, "
        f"{report['with_source_in_sentence']} with an annotated source in the sentence\n"
        f"speaker precision {report['speaker_precision']}  recall {report['speaker_recall']}  "
        f"({report['speakers_named']} named)\n"
        f"anonymous-source precision {report['anonymous_precision']}  recall "
        f"{report['anonymous_recall']}  ({report['anonymous_flagged']} flagged)"
    )
