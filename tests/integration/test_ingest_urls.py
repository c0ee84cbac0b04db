"""Ingest from the web: an RSS feed and article pages on a real local HTTP server."""

from __future__ import annotations

import pytest

from index import Library, ingest
from tests.conftest import Site
from tests.integration.test_fetch import ARTICLE_HEAD, PARAGRAPHS, SECOND_PARAGRAPHS, html_page
from tests.integration.test_ingest import check_consistent, search

pytestmark = pytest.mark.slow


def rss(site: Site, paths: list[tuple[str, str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link><pubDate>{date}</pubDate></item>"
        for path, title, date in paths
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Valley Courier</title>"
        f"<link>{site.base}</link><description>News</description>{items}</channel></rss>"
    ).encode()


def test_feed_then_update_by_url(library: Library, site: Site) -> None:
    site.add("/flood", html_page("Flood waters recede", PARAGRAPHS, ARTICLE_HEAD), "text/html")
    site.add("/buses", html_page("Bus network expands", SECOND_PARAGRAPHS), "text/html")
    site.add(
        "/feed.xml",
        rss(site, [("/flood", "Flood waters recede", "Sat, 02 Mar 2024 08:15:00 GMT"),
                   ("/buses", "Bus network expands", "Mon, 04 Mar 2024 17:00:00 GMT")]),
        "application/rss+xml",
    )  # fmt: skip
    report = ingest(library, [site.url("/feed.xml")], allow_private_urls=True)
    assert (report.added, report.failed) == (2, 0)
    buses = next(a for a in library.catalog.list_articles() if a.title == "Bus network expands")
    assert buses.published_at == "2024-03-04T17:00:00+00:00"
    assert buses.url == site.url("/buses")

    # the page changes: ingesting its URL again replaces the old version
    reopened = "The main bridge reopened on Sunday evening after engineers finished inspecting it."
    revised = [*PARAGRAPHS[:2], reopened]
    site.add("/flood", html_page("Flood waters recede", revised, ARTICLE_HEAD), "text/html")
    report = ingest(library, [site.url("/flood")], allow_private_urls=True)
    assert (report.updated, report.added) == (1, 0)
    assert library.catalog.counts()["articles"] == 2
    hit = search(library, "When did the bridge reopen?", k=1)[0]
    assert "reopened on Sunday evening" in hit.text
    assert all(
        "Volunteers from nearby churches" not in h.text for h in search(library, "volunteers", k=5)
    )
    check_consistent(library)

    # an unreachable URL is reported, and nothing else changes
    report = ingest(library, [site.url("/gone")], allow_private_urls=True)
    assert report.failed == 1 and "404" in (report.items[0].reason or "")
    assert library.catalog.counts()["articles"] == 2
