from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from index.errors import IngestError
from index.fields import clean_text
from index.readers import read_path
from index.types import ParsedArticle
from tests.conftest import SHARED

SEED_DIR = SHARED / "seed"

FLOOD_PARAGRAPHS = [
    "Residents of the river town began returning to their homes on Saturday after flood waters "
    "receded, officials said, though many streets remained covered in mud and debris.",
    "The county emergency manager said crews had restored power to most neighborhoods by the "
    "afternoon and that the main bridge would reopen once engineers had inspected its supports.",
    "Volunteers from nearby churches handed out water, food and cleaning supplies at the "
    "community center, where dozens of families had spent the past three nights on cots.",
    "Forecasters expect dry weather for the rest of the week, which should allow the ground to "
    "drain before another storm system arrives from the west next Tuesday.",
]


def read_all(path: Path) -> list[ParsedArticle | IngestError]:
    return list(read_path(path))


def read_one(path: Path) -> ParsedArticle:
    items = read_all(path)
    assert len(items) == 1, items
    assert isinstance(items[0], ParsedArticle), items[0]
    return items[0]


def read_error(path: Path) -> IngestError:
    items = read_all(path)
    assert len(items) == 1, items
    assert isinstance(items[0], IngestError), items[0]
    return items[0]


def is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def write_pdf(path: Path, paragraphs: list[list[str]], title: str | None = None) -> Path:
    pdf = canvas.Canvas(str(path), invariant=True)
    if title is not None:
        pdf.setTitle(title)
    y = 720
    for lines in paragraphs:
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 14
        y -= 24
    pdf.save()
    return path


PDF_PARAGRAPHS = [
    [
        "The city council approved the new budget on Tuesday",
        "after a long debate about road repairs and school fund-",
        "ing across the district.",
    ],
    [
        "The mayor said the plan would take effect in July.",
        "Critics warned that property taxes could rise",
        "next year.",
    ],
]


# --- text and Markdown ---------------------------------------------------------------------------


def test_txt_without_front_matter_title_is_first_line_and_text_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("  The lede sentence opens the story.  \n\nA second paragraph follows.\n")
    article = read_one(path)
    assert article.title == "The lede sentence opens the story."
    assert article.text == "The lede sentence opens the story.\n\nA second paragraph follows."
    assert article.origin == str(path)
    assert article.key == path.resolve().as_uri()
    assert article.url is None
    assert article.outlet is None
    assert article.author is None
    assert article.published_at is None


def test_txt_long_first_line_gives_shortened_title(tmp_path: Path) -> None:
    first = " ".join(["word"] * 60) + "."
    path = tmp_path / "long.txt"
    path.write_text(first + "\nMore.\n")
    article = read_one(path)
    assert article.title.endswith("…")
    assert len(article.title) <= 121
    assert first.startswith(article.title[:-1])
    assert article.text.startswith(first)


def test_md_with_yaml_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\n"
        "title: Council approves budget\n"
        "url: https://www.example.com/news/budget\n"
        "outlet: Example Gazette\n"
        "author: Jane Doe\n"
        "date: 2024-01-05T10:00:00Z\n"
        "---\n"
        "The council approved the budget.\n\nIt takes effect in July.\n"
    )
    article = read_one(path)
    assert article.title == "Council approves budget"
    assert article.url == "https://www.example.com/news/budget"
    assert article.key == "https://www.example.com/news/budget"
    assert article.outlet == "Example Gazette"
    assert article.author == "Jane Doe"
    assert article.published_at == "2024-01-05T10:00:00+00:00"
    assert is_iso(article.published_at)
    assert article.text == "The council approved the budget.\n\nIt takes effect in July."
    assert "title:" not in article.text
    assert "---" not in article.text


def test_md_front_matter_source_authors_list_and_rfc822_date(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\n"
        "headline: Storm hits coast\n"
        "link: https://www.weather.example.org/storm\n"
        "source: Weather Desk\n"
        "authors: [Ann Lee, Bo Chan]\n"
        'published: "Fri, 05 Jan 2024 10:00:00 GMT"\n'
        "---\n"
        "A storm hit the coast.\n"
    )
    article = read_one(path)
    assert article.title == "Storm hits coast"
    assert article.url == "https://www.weather.example.org/storm"
    assert article.outlet == "Weather Desk"
    assert article.author == "Ann Lee, Bo Chan"
    assert article.published_at == "2024-01-05T10:00:00+00:00"
    assert article.text == "A storm hit the coast."


def test_md_front_matter_outlet_falls_back_to_url_domain_and_date_only(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("---\nurl: https://www.apnews.com/article/x\ndate: 2023-01-18\n---\nBody.\n")
    article = read_one(path)
    assert article.outlet == "apnews.com"
    assert article.published_at == "2023-01-18"
    assert article.title == "Body."


def test_md_heading_first_line_becomes_title_without_marks(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("# Flood waters recede\n\nResidents returned home on Saturday.\n")
    article = read_one(path)
    assert article.title == "Flood waters recede"
    assert article.text == "# Flood waters recede\n\nResidents returned home on Saturday."


def test_md_invalid_front_matter_is_an_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    error = read_error(path)
    assert "invalid front matter" in error.reason
    assert error.line is not None and error.line >= 2
    assert str(path) in str(error)


def test_md_front_matter_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "list.md"
    path.write_text("---\n- a\n- b\n---\nBody.\n")
    error = read_error(path)
    assert "key: value" in error.reason
    assert error.line == 2


def test_md_front_matter_with_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "windows.md"
    path.write_bytes(b"---\r\ntitle: My Title\r\nauthor: Jane Doe\r\n---\r\nBody text here.\r\n")
    article = read_one(path)
    assert article.title == "My Title"
    assert article.author == "Jane Doe"
    assert article.text == "Body text here."


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff---\ntitle: BOM Title\n---\nBody.\n".encode())
    article = read_one(path)
    assert article.title == "BOM Title"
    assert article.text == "Body."


# --- HTML ----------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Flood waters recede in river town</title>
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-03-02T08:15:00Z">
<meta property="og:site_name" content="Valley Courier">
<link rel="canonical" href="https://www.valleycourier.example/news/flood">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sports">Sports section menu</a></li>
<li><a href="/weather">Weather navigation link</a></li></ul></nav>
<header><p>Subscribe today for unlimited access</p></header>
<article>
<h1>Flood waters recede in river town</h1>
{paragraphs}
</article>
<footer><p>Copyright 2024 Valley Courier. All rights reserved. Privacy policy.</p></footer>
</body></html>"""


def test_html_page_metadata_and_main_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    paragraphs = "\n".join(f"<p>{p}</p>" for p in FLOOD_PARAGRAPHS)
    path.write_text(HTML_PAGE.format(paragraphs=paragraphs), encoding="utf-8")
    article = read_one(path)
    assert article.title == "Flood waters recede in river town"
    assert article.author == "Maria Lopez"
    assert article.outlet == "Valley Courier"
    assert article.published_at is not None
    assert is_iso(article.published_at)
    assert article.published_at.startswith("2024-03-02")
    assert article.url == "https://www.valleycourier.example/news/flood"
    assert article.key == article.url
    for paragraph in FLOOD_PARAGRAPHS:
        assert paragraph in article.text
    for boilerplate in ("Sports section menu", "Weather navigation", "Copyright 2024", "Subscribe"):
        assert boilerplate not in article.text
    assert article.text == clean_text(article.text)


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("")
    error = read_error(path)
    assert "no article text" in error.reason
    assert str(path) in str(error)


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_lines_are_reflowed(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "budget.pdf", PDF_PARAGRAPHS, title="Council approves budget")
    article = read_one(path)
    assert article.title == "Council approves budget"
    assert article.origin == str(path)
    assert article.key == path.resolve().as_uri()
    text = article.text
    assert (
        "The city council approved the new budget on Tuesday after a long debate about road "
        "repairs and school funding across the district." in text
    )
    assert "The mayor said the plan would take effect in July." in text
    assert "Critics warned that property taxes could rise next year." in text
    assert "Tuesday\nafter" not in text
    assert "fund-" not in text


def test_pdf_pages_are_separate_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "two_pages.pdf"
    pdf = canvas.Canvas(str(path), invariant=True)
    pdf.setTitle("Two pages")
    pdf.drawString(72, 720, "Page one says hello.")
    pdf.showPage()
    pdf.drawString(72, 720, "Page two says goodbye.")
    pdf.save()
    article = read_one(path)
    assert article.text == "Page one says hello.\n\nPage two says goodbye."


def test_pdf_placeholder_title_is_not_used(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "notitle.pdf", PDF_PARAGRAPHS)
    article = read_one(path)
    assert article.title.startswith("The city council approved the new budget")


def test_pdf_with_corrupt_stream_filter_is_an_ingest_error(tmp_path: Path) -> None:
    good = write_pdf(tmp_path / "good.pdf", PDF_PARAGRAPHS, title="Good")
    data = good.read_bytes()
    assert b"/FlateDecode" in data
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(data.replace(b"/FlateDecode", b"/FlateDecodX"))
    error = read_error(path)
    assert str(path) in str(error)


# --- JSON ----------------------------------------------------------------------------------------


def test_json_single_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "title": "One story",
                "text": "Body  of\r\nthe story.",
                "url": "https://www.apnews.com/article/1",
                "author": "Ann Lee",
                "published_at": "2024-01-05",
            }
        )
    )
    article = read_one(path)
    assert article.origin == str(path)
    assert article.title == "One story"
    assert article.text == "Body of\nthe story."
    assert article.url == "https://www.apnews.com/article/1"
    assert article.key == article.url
    assert article.outlet == "apnews.com"
    assert article.author == "Ann Lee"
    assert article.published_at == "2024-01-05"


def test_json_list_with_a_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {"title": "A", "text": "Body A."},
                {"title": "B", "text": "Body B.", "source": "Plain Outlet"},
                {"title": "no text here"},
            ]
        )
    )
    items = read_all(path)
    assert len(items) == 3
    first, second, bad = items
    assert isinstance(first, ParsedArticle) and isinstance(second, ParsedArticle)
    assert (first.title, first.text, first.origin) == ("A", "Body A.", f"{path}[0]")
    assert (second.title, second.outlet, second.origin) == ("B", "Plain Outlet", f"{path}[1]")
    assert isinstance(bad, IngestError)
    assert "item 2" in bad.reason
    assert "no article text" in bad.reason
    assert str(path) in str(bad)


def test_json_newsapi_articles_list_and_alternative_field_names(tmp_path: Path) -> None:
    path = tmp_path / "newsapi.json"
    payload = {
        "status": "ok",
        "totalResults": 2,
        "articles": [
            {
                "source": {"id": None, "name": "Reuters"},
                "author": "Bo Chan",
                "title": "Markets rally",
                "content": "Stocks rose on Friday.",
                "url": "https://www.reuters.com/markets/rally",
                "publishedAt": "2024-01-05T10:00:00Z",
            },
            {
                "headline": "Election results",
                "body": "The votes were counted overnight.",
                "link": "https://www.bbc.co.uk/news/election",
                "publishedAt": "2024-02-01T12:30:00Z",
                "authors": ["Ann Lee", "Bo Chan"],
            },
        ],
    }
    path.write_text(json.dumps(payload))
    items = read_all(path)
    assert all(isinstance(item, ParsedArticle) for item in items), items
    newsapi, alternative = items
    assert newsapi.outlet == "Reuters"
    assert newsapi.title == "Markets rally"
    assert newsapi.text == "Stocks rose on Friday."
    assert newsapi.author == "Bo Chan"
    assert newsapi.published_at == "2024-01-05T10:00:00+00:00"
    assert newsapi.origin == f"{path}[0]"
    assert alternative.title == "Election results"
    assert alternative.text == "The votes were counted overnight."
    assert alternative.url == "https://www.bbc.co.uk/news/election"
    assert alternative.outlet == "bbc.co.uk"
    assert alternative.author == "Ann Lee, Bo Chan"
    assert alternative.published_at == "2024-02-01T12:30:00+00:00"


def test_json_run_together_author_names_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "authors.json"
    path.write_text(
        json.dumps(
            {"text": "Body.", "authors": ["Ann Lee Bo Chan", "Ann Lee", "Bo Chan", "Ann Lee"]}
        )
    )
    assert read_one(path).author == "Ann Lee, Bo Chan"


def test_json_invalid_is_an_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"title": "x",\n "text": }')
    error = read_error(path)
    assert "invalid JSON" in error.reason
    assert error.line == 2
    assert str(error).startswith(f"{path}:2:")


# --- JSONL ---------------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"title": "L1", "text": "Line one body.", "url": "https://www.example.com/1"}),
        '{"title": "broken", ',
        json.dumps({"title": "no text", "url": "https://example.com/2"}),
        "",
        json.dumps({"headline": "L5", "body": "Line five body.", "publishedAt": 1704448800}),
        json.dumps([1, 2]),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = read_all(path)
    good = [item for item in items if isinstance(item, ParsedArticle)]
    bad = [item for item in items if isinstance(item, IngestError)]
    assert len(items) == 5

    assert [(a.title, a.text, a.origin) for a in good] == [
        ("L1", "Line one body.", f"{path}:1"),
        ("L5", "Line five body.", f"{path}:5"),
    ]
    assert good[0].outlet == "example.com"
    assert good[1].published_at == "2024-01-05T10:00:00+00:00"

    assert [e.line for e in bad] == [2, 3, 6]
    assert "invalid JSON" in bad[0].reason
    assert "no article text" in bad[1].reason
    assert "text" in bad[1].reason and "body" in bad[1].reason
    assert "expected an article object" in bad[2].reason
    for error in bad:
        assert str(error).startswith(f"{path}:{error.line}:")


def test_realtimeqa_search_dump(tmp_path: Path) -> None:
    path = tmp_path / "20230118_qa_gcs.jsonl"
    record = {
        "question_id": "20230118_0",
        "search_time": "2023/01/18/14:00",
        "search_result": [
            {
                "url": "https://www.nbcnews.com/politics/story-1",
                "title": "Senate passes bill",
                "text": "The Senate passed the bill on Wednesday.",
                "authors": ["Ann Lee", "Bo Chan"],
                "publish_date": "2023/01/18",
            },
            {
                "url": "https://apnews.com/article/story-2",
                "title": "House reacts",
                "text": "House leaders reacted on Thursday.",
                "authors": [],
                "publish_date": "",
            },
            {"url": "https://example.com/empty", "title": "Empty", "text": ""},
        ],
    }
    second = {
        "question_id": "20230118_1",
        "search_time": "2023/01/18/14:05",
        "search_result": [
            {
                "url": "https://www.cnn.com/x",
                "title": "Other",
                "text": "Another story.",
                "authors": [],
                "publish_date": "2023/01/17",
            }
        ],
    }
    path.write_text(json.dumps(record) + "\n" + json.dumps(second) + "\n")
    items = read_all(path)
    assert len(items) == 4
    first, other, empty, last = items
    assert isinstance(first, ParsedArticle)
    assert first.title == "Senate passes bill"
    assert first.text == "The Senate passed the bill on Wednesday."
    assert first.url == "https://www.nbcnews.com/politics/story-1"
    assert first.key == first.url
    assert first.outlet == "nbcnews.com"
    assert first.author == "Ann Lee, Bo Chan"
    assert first.published_at == "2023-01-18"
    assert first.origin == f"{path}:1 result 0"
    assert isinstance(other, ParsedArticle)
    assert (other.outlet, other.author, other.published_at) == ("apnews.com", None, None)
    assert other.origin == f"{path}:1 result 1"
    assert isinstance(empty, IngestError)
    assert empty.line == 1
    assert "search_result 2" in empty.reason
    assert isinstance(last, ParsedArticle)
    assert (last.outlet, last.published_at, last.origin) == (
        "cnn.com",
        "2023-01-17",
        f"{path}:2 result 0",
    )


# --- bad inputs ----------------------------------------------------------------------------------


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _blank(path: Path) -> None:
    path.write_text("  \n\n\t \n")


def _truncated_pdf(path: Path) -> None:
    write_pdf(path, PDF_PARAGRAPHS, title="Truncated")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _not_a_pdf(path: Path) -> None:
    path.write_bytes(b"this is not a pdf at all")


def _docx(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not really a docx")


@pytest.mark.parametrize(
    ("name", "write", "expected"),
    [
        ("garbage.txt", _binary, "binary"),
        ("empty.txt", _empty, "empty"),
        ("blank.txt", _blank, "empty"),
        ("truncated.pdf", _truncated_pdf, "not a readable PDF"),
        ("garbage.pdf", _not_a_pdf, "not a readable PDF"),
        ("report.docx", _docx, "unsupported file type .docx"),
        ("missing.txt", None, "cannot read the file"),
    ],
)
def test_bad_inputs_give_an_ingest_error_naming_the_file(
    tmp_path: Path, name: str, write, expected: str
) -> None:
    path = tmp_path / name
    if write is not None:
        write(path)
    error = read_error(path)
    assert error.origin == str(path)
    assert str(path) in str(error)
    assert expected in error.reason


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    text = (
        "Die Bürgermeisterin von München äußerte sich am Dienstag zur Lage.\n"
        "Die Straßenbahn fährt über die Brücke, größere Verzögerungen wären möglich.\n"
    )
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    article = read_one(path)
    assert article.text == clean_text(text)
    assert article.title == "Die Bürgermeisterin von München äußerte sich am Dienstag zur Lage."


@pytest.mark.parametrize(
    "text",
    [
        "Café déjà vu à Zürich: naïve façade.\n",
        "Señor García visitó Málaga y Córdoba el miércoles; la reunión terminó sin acuerdo.\n",
    ],
)
def test_latin1_french_and_spanish_are_decoded_exactly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    assert read_one(path).text == clean_text(text)


# --- the real seed article -----------------------------------------------------------------------


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []


def test_seed_article() -> None:
    files = seed_files()
    if not files:
        pytest.skip(f"no seed article: {SEED_DIR}/*.txt is absent")
    path = files[0]
    raw = path.read_text(encoding="utf-8")
    article = read_one(path)
    first_line = raw.strip().split("\n", 1)[0].strip()
    if article.title.endswith("…"):
        assert first_line.startswith(article.title[:-1])
        assert len(article.title) < len(first_line)
    else:
        assert article.title == first_line
    assert article.text == clean_text(raw)
    assert article.key == path.resolve().as_uri()
    assert article.origin == str(path)


def test_md_front_matter_title_with_a_colon_is_read_as_written(tmp_path: Path) -> None:
    """Unquoted "title: A: B" is invalid YAML, but plainly a title: the file is not rejected."""
    path = tmp_path / "colon.md"
    path.write_text(
        "---\ntitle: Norchem fire: 800 flee their homes\noutlet: Riverside Gazette\n"
        "date: 2024-05-10\n---\nA fire broke out at the Norchem plant on Thursday.\n"
    )
    (article,) = list(read_path(path))
    assert article.title == "Norchem fire: 800 flee their homes"
    assert article.outlet == "Riverside Gazette"
    assert article.published_at is not None and article.published_at.startswith("2024-05-10")


def test_broken_json_reason_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"title": "A", "text": "Body."\n "url": "x"}')
    (error,) = list(read_path(path))
    assert error.reason.startswith("invalid JSON at line 2, column 2: Expecting ',' delimiter.")
    assert error.reason.endswith("Fix the file there and add it again.")
