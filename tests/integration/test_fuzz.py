"""Property-based tests: parsers and the chunker never fail with anything but our own errors, and
offsets always map back to the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.chunking import chunk_text
from index.errors import IngestError
from index.fields import clean_text, content_id, parse_date
from index.readers import decode, read_html, read_json, read_pdf, read_text
from index.sentences import split_sentences
from index.types import ParsedArticle
from tests.integration.test_chunking import WordCounter

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like news: words, punctuation, quotes, abbreviations, newlines, odd unicode.
PIECES = st.sampled_from(
    ["Mr.", "U.S.", "said", "Kyiv", "‘", "’", "“", "”", '"', "...", "!", "?", ".", ",", "\n",
     "\n\n", "  ", "3.5", "a.m.", "Gen.", "Kleban-Byka", "\t", "\u00a0", "\u200b", "é", "ß", "—",
     "<p>", "</p>", "#", "*", "---"]
)  # fmt: skip
NEWSY = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60).map(" ".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=400))


@FUZZ
@given(ANY_TEXT)
def test_sentence_spans_map_back(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        last = end


@FUZZ
@given(ANY_TEXT, st.integers(min_value=8, max_value=60), st.integers(min_value=0, max_value=3))
def test_chunk_offsets_map_back_and_fit(text: str, max_tokens: int, overlap: int) -> None:
    counter = WordCounter()
    cleaned = clean_text(text)
    passages = chunk_text("a", cleaned, counter, max_tokens, overlap)
    covered = set()
    for p in passages:
        assert cleaned[p.start : p.end] == p.text
        assert counter.count_tokens([p.text])[0] <= max_tokens
        covered.update(p.sentences)
    # every sentence of the text is in some passage (long ones as pieces)
    for start, end in split_sentences(cleaned):
        assert any(s <= start < e or start <= s < end for s, e in covered)


@FUZZ
@given(ANY_TEXT)
def test_clean_text_is_idempotent_and_ids_stable(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert content_id(once) == content_id(once.replace(" ", "  ")) or "  " in once


@FUZZ
@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40)))
def test_parse_date_never_raises(value: object) -> None:
    result = parse_date(value)
    assert result is None or isinstance(result, str)


def only_ours(call, *args) -> list:
    """Run a reader; anything raised must be our IngestError."""
    try:
        result = call(*args)
        return list(result) if not isinstance(result, ParsedArticle) else [result]
    except IngestError:
        return []


@FUZZ
@given(st.binary(max_size=600))
def test_decode_and_text_reader_take_any_bytes(data: bytes) -> None:
    try:
        text = decode(data, "x.txt")
    except IngestError:
        return
    for item in only_ours(read_text, text, "x.txt"):
        assert isinstance(item, ParsedArticle) and item.text == clean_text(item.text)


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "text",
                    "body",
                    "url",
                    "source",
                    "authors",
                    "date",
                    "articles",
                    "search_result",
                    "published_at",
                    "x",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


@FUZZ
@given(JSON_VALUES)
def test_json_reader_takes_any_json(value: object) -> None:
    for item in read_json(json.dumps(value), "x.json"):
        assert isinstance(item, ParsedArticle | IngestError)
        if isinstance(item, ParsedArticle):
            assert item.text and item.title


@FUZZ
@given(st.text(max_size=300), st.binary(max_size=300))
def test_html_and_pdf_readers_raise_only_ours(markup: str, blob: bytes) -> None:
    only_ours(read_html, f"<html><body><article><p>{markup}</p></article></body></html>", "x.html")
    only_ours(read_html, blob, "x.html")
    only_ours(read_pdf, b"%PDF-1.4\n" + blob, "x.pdf")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_real_tokenizer_chunks_fit(embedder, text: str) -> None:
    cleaned = clean_text(text)
    for p in chunk_text("a", cleaned, embedder, 40, 1):
        assert cleaned[p.start : p.end] == p.text
        assert embedder.count_tokens([p.text])[0] <= 40


def test_jsonl_reader_on_garbage_lines(tmp_path: Path) -> None:
    from index.readers import read_jsonl

    path = tmp_path / "x.jsonl"
    path.write_bytes(
        b'{"text": "ok text here."}\n\xff\xfe\x00garbage\n[1, 2]\n"str"\n{"text": 5}\n'
    )
    items = list(read_jsonl(path))
    assert isinstance(items[0], ParsedArticle)
    assert all(isinstance(i, IngestError) for i in items[1:]) and len(items) == 5


# --- hostile shapes: nesting, sizes, encodings, control characters (issue 11) ---------------

CONTROL = st.characters(min_codepoint=0, max_codepoint=0x9F).filter(lambda c: not c.isalnum())
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(CONTROL, max_size=4), st.text(max_size=8)),
                        max_size=40).map("".join)  # fmt: skip


def nested(depth: int, kind: str) -> str:
    opener, closer = ("[", "]") if kind == "list" else ('{"a":', "}")
    return opener * depth + '{"text": "deep"}' + closer * depth


@FUZZ
@given(st.integers(min_value=0, max_value=5000), st.sampled_from(["list", "object"]))
def test_json_nesting_never_raises_and_deep_values_fail_alone(depth: int, kind: str) -> None:

    items = list(read_json(nested(depth, kind), "x.json"))
    assert all(isinstance(i, ParsedArticle | IngestError) for i in items)
    if depth > 64:
        assert all(isinstance(i, IngestError) and "deeper than 64" in i.reason for i in items)


@FUZZ
@given(st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=6))
def test_jsonl_keeps_every_good_line_whatever_the_bad_ones(depths: list[int]) -> None:
    import tempfile

    from index.readers import read_jsonl

    good = json.dumps({"text": "A good line."})
    lines = [good if d % 2 else nested(d, "list") for d in depths]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.jsonl"
        path.write_text("\n".join(lines))
        items = list(read_jsonl(path))
    assert len(items) == len(lines)
    for d, item in zip(depths, items, strict=True):
        if d % 2 == 1 or d == 0:
            assert isinstance(item, ParsedArticle)
        else:
            assert isinstance(item, IngestError)
            assert ("deeper than 64" in item.reason) == (d + 1 > 64)  # + the article object


@FUZZ
@given(
    HOSTILE_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "koi8-r"])
)
def test_text_reader_in_any_encoding_keeps_no_control_characters(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    try:
        decoded = decode(data, "x.txt")
    except IngestError:
        return
    for item in only_ours(read_text, decoded, "x.txt"):
        assert not any(ord(c) < 32 and c != "\n" for c in item.text)


YAML_VALUES = st.recursive(
    st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none()),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text("abc", min_size=1, max_size=3), children, max_size=3)),
    max_leaves=30,
)  # fmt: skip


TRICKS = ["", "&x ", "*x", "<<: *x\n", "!!python/object:os.system "]


@FUZZ
@given(YAML_VALUES, st.sampled_from(TRICKS), st.integers(min_value=0, max_value=40))
@example(value="", trick="<<: *x\n", depth=0)  # "title: <<: *x" then a valid line (issue 26)
def test_front_matter_any_shape_anchors_or_depth_raises_only_ours(
    value, trick: str, depth: int
) -> None:
    import yaml

    body = "[" * depth + "]" * depth if depth else yaml.safe_dump({"title": value})
    raw = f"---\ntitle: {trick}{body}\n---\nThe body of the article."
    result = only_ours(read_text, raw, "x.md")
    if trick and result:  # anchors, aliases and python tags never get through
        raise AssertionError(f"accepted {trick!r}")


@pytest.mark.parametrize("trick", TRICKS[1:])
def test_front_matter_with_yaml_tricks_is_an_error_naming_file_and_line(trick: str) -> None:
    """Front matter that is not valid YAML is an error naming the file and the line, never text
    of the article, and never read as plain ``key: value`` lines when it holds YAML syntax."""
    raw = f"---\ntitle: {trick}Storm\noutlet: Weather Desk\n---\nThe body of the article."
    with pytest.raises(IngestError) as raised:
        read_text(raw, "x.md")
    assert raised.value.origin == "x.md" and raised.value.line == 2
    assert "front matter" in raised.value.reason


def test_front_matter_plain_lines_with_colons_stay_readable() -> None:
    raw = "---\ntitle: Fire at plant: 800 flee [video]\n---\nThe body of the article."
    assert read_text(raw, "x.md").title == "Fire at plant: 800 flee [video]"
