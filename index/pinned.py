"""The httpx transport that connects only to addresses the URL policy checked.

Its own module so that httpx is imported only by commands that fetch URLs (see ``fetch.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx


class PinnedTransport(httpx.HTTPTransport):
    """An httpx transport that connects to the checked address of each request's host.

    Every request (each redirect is one) goes through ``check`` (``fetch.check_address``); the
    connection is made to the address it returns, while the Host header and the TLS server name
    (SNI, certificate check) stay those of the URL's own host name.
    """

    def __init__(self, check: Callable[[str], list[str]]) -> None:
        super().__init__()
        self.check = check

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Check the host's addresses, then send the request to them in turn until one connects."""
        url, host = request.url, request.url.host
        addresses = self.check(str(url))
        if url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        for i, address in enumerate(addresses):
            request.url = url.copy_with(host=address)  # the Host header keeps the name
            try:
                return super().handle_request(request)
            except httpx.ConnectError:
                if i == len(addresses) - 1:
                    raise
        raise httpx.ConnectError(f"no address for {host}", request=request)
