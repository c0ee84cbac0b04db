"""Read articles from the web: article pages, PDFs, JSON and RSS/Atom feeds.

By default only public addresses are fetched: a URL (or any redirect it leads to) whose host
resolves to a private, loopback, link-local or reserved address (in any spelling, IPv4 inside
IPv6 included) is refused, so that a shared newsdesk server cannot be used to reach hosts inside
its network. The host is resolved once per request and the connection goes to the address that
was checked (``PinnedTransport``). ``allow_private`` lifts this for a trusted, single-user setup.
"""

from __future__ import annotations

import calendar
import ipaddress
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlparse

from index.errors import IngestError
from index.fields import clean_text, outlet_from_url
from index.readers import Item, decode, read_html, read_json, read_pdf, read_text
from index.types import ParsedArticle

if TYPE_CHECKING:  # imported where used: httpx costs ~0.2 s that reading files never needs
    import httpx

USER_AGENT = "newsdesk/0.1 (news research assistant)"
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
FEED_TYPES = ("rss", "atom", "rdf", "xml")


def is_url(value: str) -> bool:
    """Whether an input names a web address rather than a file."""
    return value.startswith(("http://", "https://"))


def check_address(url: str, allow_private: bool = False) -> list[str]:
    """The addresses to connect to for ``url``, in order, after checking every one of them.

    The host is resolved once; a URL that is not http(s), or whose host has any address that is
    not public (``public_address``), is refused. The caller must connect to the returned
    addresses, never resolve the name again: a second lookup could give another answer (DNS
    rebinding). ``allow_private`` accepts private and loopback hosts (a trusted single user).
    """
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018  (raises for a malformed port)
    except ValueError as e:
        raise IngestError(url, f"not a valid URL: {e}") from e
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise IngestError(url, "only http:// and https:// URLs with a host can be fetched")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parsed.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise IngestError(url, f"cannot resolve {parsed.hostname}: {e}") from e
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    if not addresses:
        raise IngestError(url, f"cannot resolve {parsed.hostname}: no address")
    for address in addresses:
        if not allow_private and not public_address(address):
            raise IngestError(
                url,
                f"refusing to fetch {parsed.hostname} ({address}): not a public address. "
                "Set NEWSDESK_INDEX__ALLOW_PRIVATE_URLS=true to allow private and loopback hosts.",
            )
    return addresses


# IPv6 ranges that carry an IPv4 address in their last 32 bits (RFC 6052 NAT64, RFC 2765
# IPv4-translated, RFC 4291 IPv4-compatible): the IPv4 address is what is reached.
_EMBEDDING = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96", "::/96"))
_NEVER = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b:1::/48",))  # local-use NAT64


def public_address(value: str) -> bool:
    """Whether an IP address is public, including any IPv4 address embedded in an IPv6 one.

    IPv4-mapped (``::ffff:127.0.0.1``), IPv4-translated (``::ffff:0:127.0.0.1``),
    IPv4-compatible, NAT64 (``64:ff9b::7f00:1``), 6to4 (``2002:7f00:1::``) and Teredo forms
    are judged by the IPv4 address they lead to.
    """
    address = ipaddress.ip_address(value)
    inner: list[ipaddress.IPv4Address] = []
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in net for net in _NEVER):
            return False
        if address.ipv4_mapped:
            inner.append(address.ipv4_mapped)
        if address.sixtofour:
            inner.append(address.sixtofour)
        if address.teredo:
            inner.extend(address.teredo)
        if any(address in net for net in _EMBEDDING) and int(address) > 1:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(
        a.is_global and not a.is_multicast and not a.is_unspecified for a in [address, *inner]
    )


def read_url(url: str, timeout: float = 20.0, allow_private: bool = False) -> Iterator[Item]:
    """Every article behind a URL: one for a page, PDF or text; one per entry for a feed."""
    import httpx

    from index.pinned import PinnedTransport

    with httpx.Client(
        follow_redirects=False,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        transport=PinnedTransport(lambda address: check_address(address, allow_private)),
    ) as client:
        try:
            final_url, content_type, data = _download(client, url, allow_private)
        except IngestError as e:
            yield e
            return
        try:
            if _looks_like_feed(content_type, data):
                yield from _read_feed(client, url, data, allow_private)
            elif "pdf" in content_type or data[:5] == b"%PDF-":
                yield read_pdf(data, url, url=final_url)
            elif "json" in content_type:
                yield from (
                    item.model_copy(update={"key": item.key or final_url})
                    if isinstance(item, ParsedArticle)
                    else item
                    for item in read_json(decode(data, url), url)
                )
            elif content_type.startswith("text/plain"):
                article = read_text(decode(data, url), url, key=final_url)
                yield article.model_copy(
                    update={
                        "url": final_url,
                        "outlet": article.outlet or outlet_from_url(final_url),
                    }
                )
            else:
                yield read_html(data, url, url=final_url)
        except IngestError as e:
            yield e


def _download(client: httpx.Client, url: str, allow_private: bool) -> tuple[str, str, bytes]:
    """(final URL, content type, body), following up to 5 redirects, each one checked."""
    import httpx

    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            # checked (and pinned) by the transport: each redirect is a new request
            with client.stream("GET", current) as response:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code >= 400:
                    raise IngestError(url, f"the server answered HTTP {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise IngestError(url, "download is over the 20 MiB limit")
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "").lower()
                return current, content_type, b"".join(chunks)
    except IngestError as e:
        if e.origin == url:
            raise
        raise IngestError(url, f"redirected to {e.origin}: {e.reason}") from e
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as e:
        raise IngestError(url, f"cannot download: {e}") from e
    raise IngestError(url, f"more than {MAX_REDIRECTS} redirects")


def _looks_like_feed(content_type: str, data: bytes) -> bool:
    if any(t in content_type for t in FEED_TYPES) and "html" not in content_type:
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _read_feed(
    client: httpx.Client, feed_url: str, data: bytes, allow_private: bool
) -> Iterator[Item]:
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        reason = getattr(feed, "bozo_exception", None) or "no entries"
        yield IngestError(feed_url, f"not a readable RSS/Atom feed: {reason}")
        return
    for i, entry in enumerate(feed.entries):
        link = entry.get("link")
        origin = f"{feed_url} entry {i}" + (f" ({link})" if link else "")
        article = _entry_page(client, link, origin, allow_private) if link else None
        fallback = _entry_text(entry)
        if article is None and not fallback:
            yield IngestError(
                feed_url, f"entry {i}: no readable page at {link!r} and no content in the feed"
            )
            continue
        published = _entry_date(entry)
        if article is None:
            article = ParsedArticle(
                origin=origin,
                key=link or None,
                title=entry.get("title") or fallback.split("\n", 1)[0][:200],
                text=fallback,
                url=link,
                outlet=outlet_from_url(link or feed_url),
                author=entry.get("author"),
            )
        yield article.model_copy(
            update={
                "origin": origin,
                "title": entry.get("title") or article.title,
                "published_at": article.published_at or published,
                "author": article.author or entry.get("author"),
            }
        )


def _entry_page(
    client: httpx.Client, link: str, origin: str, allow_private: bool
) -> ParsedArticle | None:
    try:
        final_url, content_type, data = _download(client, link, allow_private)
        if "pdf" in content_type:
            return read_pdf(data, origin, url=final_url)
        return read_html(data, origin, url=final_url)
    except IngestError:
        return None


def _entry_text(entry: Any) -> str:
    """The entry's own content or summary, as plain text."""
    import lxml.html

    parts = entry.get("content") or []
    html = parts[0].get("value") if parts else entry.get("summary", "")
    if not html:
        return ""
    # Block elements end a line, so paragraphs stay apart ("A.</p><p>B." is not "A.B.").
    html = re.sub(
        r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|tr|section|article)>", "\\g<0>\n", html
    )
    try:
        return clean_text(lxml.html.fromstring(html).text_content())
    except (ValueError, lxml.etree.ParserError):
        return clean_text(html)


def _entry_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()
