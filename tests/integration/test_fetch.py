from __future__ import annotations

import io
import re
import socket

import pytest
from reportlab.pdfgen import canvas

from index.errors import IngestError
from index.fetch import read_url
from index.types import ParsedArticle
from tests.conftest import Site

PARAGRAPHS = [
    "Residents of the river town began returning to their homes on Saturday after flood waters "
    "receded, officials said, though many streets remained covered in mud and debris.",
    "The county emergency manager said crews had restored power to most neighborhoods by the "
    "afternoon and that the main bridge would reopen once engineers had inspected its supports.",
    "Volunteers from nearby churches handed out water, food and cleaning supplies at the "
    "community center, where dozens of families had spent the past three nights on cots.",
]
SECOND_PARAGRAPHS = [
    "The city council voted on Monday to expand the bus network to the northern suburbs, a plan "
    "that transit advocates had pushed for more than a decade.",
    "The first new routes will open in the spring, and fares will stay the same for at least two "
    "years, the transit authority said in a statement after the vote.",
]


def html_page(title: str, paragraphs: list[str], head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        "<body><nav><a href='/'>Home</a> <a href='/sports'>Sports section menu</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright 2024 Example footer text</footer></body></html>"
    ).encode()


ARTICLE_HEAD = (
    "<meta name='author' content='Maria Lopez'>"
    "<meta property='article:published_time' content='2024-03-02T08:15:00Z'>"
    "<meta property='og:site_name' content='Valley Courier'>"
)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.setTitle("Council approves budget")
    y = 720
    for line in (
        "The city council approved the new budget on Tuesday",
        "after a long debate about road repairs.",
        "The mayor said the plan would take effect in July.",
    ):
        pdf.drawString(72, y, line)
        y -= 14
    pdf.save()
    return buffer.getvalue()


def only(items: list) -> object:
    assert len(items) == 1, items
    return items[0]


def test_html_article_page(site: Site) -> None:
    site.add("/news/flood.html", html_page("Flood recedes", PARAGRAPHS, ARTICLE_HEAD), "text/html")
    url = site.url("/news/flood.html")
    article = only(list(read_url(url, timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert article.origin == url
    assert article.url == url
    assert article.key == url
    assert article.title == "Flood recedes"
    assert article.author == "Maria Lopez"
    assert article.outlet == "Valley Courier"
    assert article.published_at is not None and article.published_at.startswith("2024-03-02")
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert "Sports section menu" not in article.text
    assert "Copyright 2024" not in article.text


@pytest.mark.parametrize("content_type", ["application/pdf", "application/octet-stream"])
def test_pdf(site: Site, content_type: str) -> None:
    site.add("/files/budget.pdf", pdf_bytes(), content_type)
    url = site.url("/files/budget.pdf")
    article = only(list(read_url(url, timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert article.title == "Council approves budget"
    assert article.url == url
    assert article.key == url
    assert article.outlet == "127.0.0.1"
    assert article.text == (
        "The city council approved the new budget on Tuesday after a long debate about road "
        "repairs. The mayor said the plan would take effect in July."
    )


def test_plain_text(site: Site) -> None:
    site.add(
        "/wire/story.txt",
        "Plain headline\r\n\r\nPlain body text with a café.\r\n".encode(),
        "text/plain; charset=utf-8",
    )
    url = site.url("/wire/story.txt")
    article = only(list(read_url(url, timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert article.title == "Plain headline"
    assert article.text == "Plain headline\n\nPlain body text with a café."
    assert article.url == url
    assert article.key == url
    assert article.outlet == "127.0.0.1"
    assert article.origin == url


def rss_feed(site: Site, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link><pubDate>{date}</pubDate></item>"
        for title, path, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Local news</title><link>{site.base}/</link><description>News</description>"
        f"{entries}</channel></rss>"
    ).encode()


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/xml; charset=utf-8"])
def test_rss_feed_entries_are_read_from_their_pages(site: Site, content_type: str) -> None:
    site.add("/stories/1.html", html_page("Page one title", PARAGRAPHS), "text/html")
    site.add("/stories/2.html", html_page("Page two title", SECOND_PARAGRAPHS), "text/html")
    feed = rss_feed(
        site,
        [
            ("Flood waters recede", "/stories/1.html", "Fri, 05 Jan 2024 10:00:00 GMT"),
            ("Bus network expands", "/stories/2.html", "Sat, 06 Jan 2024 11:30:00 +0100"),
        ],
    )
    site.add("/feed.xml", feed, content_type)
    feed_url = site.url("/feed.xml")
    items = list(read_url(feed_url, timeout=5, allow_private=True))
    assert all(isinstance(item, ParsedArticle) for item in items), items
    assert len(items) == 2
    first, second = items
    assert first.title == "Flood waters recede"
    assert first.published_at == "2024-01-05T10:00:00+00:00"
    assert first.url == site.url("/stories/1.html")
    assert first.key == first.url
    assert first.origin.startswith(f"{feed_url} entry 0")
    assert PARAGRAPHS[0] in first.text
    assert second.title == "Bus network expands"
    assert second.published_at == "2024-01-06T10:30:00+00:00"
    assert second.url == site.url("/stories/2.html")
    assert SECOND_PARAGRAPHS[1] in second.text
    assert second.origin.startswith(f"{feed_url} entry 1")
    assert site.requests == ["/feed.xml", "/stories/1.html", "/stories/2.html"]


def test_rss_entry_without_page_or_content_is_an_error(site: Site) -> None:
    site.add("/stories/1.html", html_page("Page one title", PARAGRAPHS), "text/html")
    feed = rss_feed(
        site,
        [
            ("Flood waters recede", "/stories/1.html", "Fri, 05 Jan 2024 10:00:00 GMT"),
            ("Gone story", "/stories/gone.html", "Fri, 05 Jan 2024 11:00:00 GMT"),
        ],
    )
    site.add("/feed.rss", feed, "application/rss+xml")
    feed_url = site.url("/feed.rss")
    good, bad = list(read_url(feed_url, timeout=5, allow_private=True))
    assert isinstance(good, ParsedArticle)
    assert good.title == "Flood waters recede"
    assert isinstance(bad, IngestError)
    assert bad.origin == feed_url
    assert "entry 1" in bad.reason
    assert "/stories/gone.html" in bad.reason


def atom_feed(site: Site) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom news</title><id>urn:feed</id><updated>2024-01-07T09:00:00Z</updated>
<entry>
<title>Bridge reopens after inspection</title><id>urn:entry:1</id>
<link href="{site.url("/missing/bridge.html")}"/>
<published>2024-01-06T08:00:00Z</published><updated>2024-01-07T09:00:00Z</updated>
<author><name>Zed Writer</name></author>
<content type="html">&lt;p&gt;Engineers finished inspecting the main bridge on Friday.&lt;/p&gt;
&lt;p&gt;Traffic resumed an hour later.&lt;/p&gt;</content>
</entry>
</feed>""".encode()


def test_atom_entry_with_missing_page_falls_back_to_feed_content(site: Site) -> None:
    site.add("/atom.xml", atom_feed(site), "application/atom+xml")
    feed_url = site.url("/atom.xml")
    article = only(list(read_url(feed_url, timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert site.requests == ["/atom.xml", "/missing/bridge.html"]
    assert article.title == "Bridge reopens after inspection"
    assert article.url == site.url("/missing/bridge.html")
    assert article.key == article.url
    assert article.author == "Zed Writer"
    assert article.published_at == "2024-01-06T08:00:00+00:00"
    assert article.outlet == "127.0.0.1"
    assert article.text.startswith("Engineers finished inspecting the main bridge on Friday.")
    assert "Traffic resumed an hour later." in article.text
    assert "<p>" not in article.text
    assert article.origin.startswith(f"{feed_url} entry 0")


def test_atom_fallback_content_keeps_paragraphs_apart(site: Site) -> None:
    body = atom_feed(site).replace(b"&lt;/p&gt;\n&lt;p&gt;", b"&lt;/p&gt;&lt;p&gt;")
    site.add("/atom.xml", body, "application/atom+xml")
    article = only(list(read_url(site.url("/atom.xml"), timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert re.search(r"on Friday\.\s+Traffic resumed", article.text), article.text


def test_http_404_is_an_error_naming_the_url(site: Site) -> None:
    url = site.url("/no/such/page.html")
    error = only(list(read_url(url, timeout=5, allow_private=True)))
    assert isinstance(error, IngestError)
    assert error.origin == url
    assert url in str(error)
    assert "404" in str(error)


def test_http_500_is_an_error(site: Site) -> None:
    site.add("/broken", b"oops", "text/plain", status=500)
    error = only(list(read_url(site.url("/broken"), timeout=5, allow_private=True)))
    assert isinstance(error, IngestError)
    assert "500" in error.reason


def test_redirect_to_article_uses_the_final_url(site: Site) -> None:
    site.add("/news/flood.html", html_page("Flood recedes", PARAGRAPHS, ARTICLE_HEAD), "text/html")
    site.redirect("/short/abc", "/news/flood.html")
    start = site.url("/short/abc")
    article = only(list(read_url(start, timeout=5, allow_private=True)))
    assert isinstance(article, ParsedArticle)
    assert site.requests == ["/short/abc", "/news/flood.html"]
    assert article.url == site.url("/news/flood.html")
    assert article.key == article.url
    assert article.origin == start
    assert article.title == "Flood recedes"
    assert PARAGRAPHS[1] in article.text


def test_connection_refused_is_an_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/story.html"
    error = only(list(read_url(url, timeout=2, allow_private=True)))
    assert isinstance(error, IngestError)
    assert error.origin == url
    assert "cannot download" in error.reason


def test_private_and_loopback_hosts_are_refused_by_default(site: Site) -> None:
    site.add("/a", html_page("Flood", PARAGRAPHS), "text/html")
    (error,) = list(read_url(site.url("/a")))
    assert isinstance(error, IngestError)
    assert "not a public address" in error.reason and "ALLOW_PRIVATE_URLS" in error.reason
    assert site.requests == []  # refused before any request was sent
    for url in ("http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
                "file:///etc/passwd", "ftp://example.com/x"):  # fmt: skip
        (error,) = list(read_url(url))
        assert isinstance(error, IngestError), url


def test_every_redirect_is_checked(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.fetch as fetch

    checked: list[str] = []

    def only_127(url: str, allow_private: bool = False) -> list[str]:
        checked.append(url)
        if "localhost" in url:
            raise IngestError(url, "refusing to fetch localhost: not a public address")
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch, "check_address", only_127)
    port = site.base.rsplit(":", 1)[1]
    site.redirect("/go", f"http://localhost:{port}/secret")
    site.add("/secret", b"internal", "text/plain")
    (error,) = list(read_url(site.url("/go")))
    assert isinstance(error, IngestError) and "localhost" in error.reason
    assert checked == [site.url("/go"), f"http://localhost:{port}/secret"]
    assert "/secret" not in site.requests


def test_check_address_uses_the_resolved_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from index.fetch import check_address

    answers = {
        "news.test": "93.184.216.34",
        "intranet.test": "10.0.0.7",
        "sneaky.test": "::ffff:127.0.0.1",
    }

    def fake(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    check_address("https://news.test/story")  # public: no error
    for host in ("intranet.test", "sneaky.test"):
        with pytest.raises(IngestError, match="not a public address"):
            check_address(f"http://{host}/")
        check_address(f"http://{host}/", allow_private=True)
