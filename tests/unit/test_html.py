"""The HTML views (Jinja2 templates, autoescape): hostile article text is shown, never run."""

from __future__ import annotations

from assistant.present.html import api_reference, reader
from assistant.present.markdown import source_cards, timeline_html
from assistant.research.timeline import Event, Timeline
from assistant.types import Answer, Citation, Filters, Source
from index.types import Article
from index.types import Source as Origin

EVIL = "<script>alert('x')</script> & \"quoted\" 'single'"
SAFE = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34; &#39;single&#39;"


def test_the_reader_escapes_the_article_and_marks_the_spans() -> None:
    text = f"The main bridge reopened. {EVIL}\n\nSecond paragraph."
    article = Article(
        id="abc", title=EVIL, text=text, outlet=EVIL, published_at="2024-03-02",
        ingested_at="2024-03-03", sources=(
            Origin(key="a", outlet=EVIL, url="https://example.com/a?b='1'&c=2"),
            Origin(key="b", url="javascript:alert(1)"),
        ),
    )  # fmt: skip
    page = reader(article, [(0, 15), (26, 34)])
    assert "<script" not in page and page.count(SAFE) == 4  # title twice, meta, source
    assert "<mark id='hl-0'>The main bridge</mark>" in page
    assert "<mark id='hl-1'>&lt;script&gt;</mark>" in page
    assert "\n\nSecond paragraph.</p>" in page  # the text keeps its line breaks
    assert "href='https://example.com/a?b=&#39;1&#39;&amp;c=2'" in page
    assert "href='javascript" not in page and "javascript:alert(1)</li>" in page
    assert "<a href='#hl-0'>Jump to the first cited passage</a>" in page
    assert "Jump to" not in reader(article, [])


def test_cards_and_timeline_escape_titles_quotes_and_links() -> None:
    passage = f"Vote postponed. {EVIL}"
    citation = Citation(
        n=1, quote=passage[:15], start=0, end=15, passage=passage, passage_id="a#0",
        passage_start=0, passage_end=len(passage), article_id="a'<", title=EVIL, score=1.0,
    )  # fmt: skip
    answer = Answer(
        question="q", text="", body="", abstained=False, citations=[citation],
        sources=[Source(n=1, article_id="a'<", passage_id="a#0", title=EVIL, outlet=EVIL)],
    )  # fmt: skip
    cards = source_cards(answer)
    assert "<script" not in cards and cards.count(SAFE) == 3  # title, outlet, passage
    assert "<mark>Vote postponed.</mark>" in cards and "href='/reader/a%27%3C?h=0-15#hl-0'" in cards
    empty = source_cards(answer.model_copy(update={"abstained": True}))
    assert "No sources cited." in empty
    event = Event(
        passage_id="p", article_id="a", title="t", outlet=EVIL, quote=f" {EVIL}\n", start=1, end=2
    )
    listed = timeline_html(Timeline(topic="t", filters=Filters(), events=[event]))
    assert "<script" not in listed and f"<b>undated</b> — {SAFE}: “{SAFE}”" in listed
    noted = timeline_html(Timeline(topic="t", filters=Filters(), events=[], notes=[EVIL]))
    assert "<script" not in noted and f"Note: {SAFE}" in noted and "Nothing found." in noted


def test_the_api_reference_escapes_the_schema() -> None:
    schema = {
        "info": {"title": "newsdesk", "version": "1", "description": EVIL},
        "paths": {"/api/x": {"post": {"summary": EVIL, "requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}}}},
        "components": {"schemas": {"Body": {"properties": {"a": {"title": EVIL}}}}},
    }  # fmt: skip
    page = api_reference(schema)
    assert "<script" not in page and "<title>newsdesk API</title>" in page
    assert "<h1>newsdesk API 1</h1>" in page and "Body: <code>Body</code>" in page
