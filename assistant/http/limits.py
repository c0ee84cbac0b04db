"""The request limit layer: one pure ASGI middleware in front of every route, the UI's included.

For each HTTP request, before any route (FastAPI's or Gradio's) sees it:

1. A write (any method but GET, HEAD and OPTIONS on ``/api/articles``) without the right bearer
   token gets 401 from its headers alone: not one byte of its body is read.
2. A declared ``Content-Length`` over the limit gets 413 at once.
3. The body bytes are counted as the route reads them, chunked bodies included; past the limit
   the read fails and the client gets 413, whatever the route would have done with the error.

Only headers are trusted for (1) and (2), and only counted bytes for (3). Errors on the
OpenAI-compatible ``/v1`` routes have OpenAI's shape, the others newsdesk's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pydantic import SecretStr

from assistant.http.openai_schemas import error_body as openai_error_body
from assistant.settings import token_matches

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

READS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_PREFIXES = ("/api/articles",)


class BodyTooLarge(Exception):
    """Raised to the route that reads a body past the limit."""


class RequestLimits:
    """ASGI middleware: bearer token on writes (headers only), and a streamed body-size limit.

    Args:
        app: the ASGI app to protect.
        max_bytes: the largest request body, counted as it arrives.
        token: the bearer token writes need; None (or empty) when writes are open (loopback use).
        setting: the setting that sets ``max_bytes``, named in the 413 message.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        token: SecretStr | str | None = None,
        setting: str = "NEWSDESK_SERVER__MAX_REQUEST_MB",
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.token = token
        self.setting = setting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check headers (token, declared size), then pass the request on with counted reads."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self._is_write(scope) and not self._authorized(headers.get("authorization", "")):
            await _reply(
                send,
                401,
                "This server needs a bearer token to add or delete articles. Send the header "
                "'Authorization: Bearer <NEWSDESK_API_TOKEN>'.",
                {"www-authenticate": "Bearer"},
            )
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            size = f"{int(declared) / 2**20:.1f} MiB"
            await _reply(send, 413, self._too_large(size), path=scope.get("path", ""))
            return
        await self._counted(scope, receive, send)

    def _is_write(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return scope.get("method", "GET") not in READS and any(
            path == p or path.startswith(p + "/") for p in WRITE_PREFIXES
        )

    def _authorized(self, header: str) -> bool:
        """Whether the Authorization header carries the token (always, when none is set)."""
        scheme, _, given = header.partition(" ")
        return token_matches(given if scheme == "Bearer" else None, self.token)

    def _too_large(self, size: str) -> str:
        limit = self.max_bytes / 2**20
        return (
            f"The request body is {size}; the limit is {limit:g} MiB ({self.setting}). "
            "Send less at once (several requests), or raise the limit."
        )

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the route's own answer to the failed read is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            message = self._too_large(f"over {self.max_bytes / 2**20:g} MiB")
            await _reply(send, 413, message, path=scope.get("path", ""))


async def _reply(
    send: Send, status: int, message: str, extra: dict[str, str] | None = None, path: str = ""
) -> None:
    """Send the JSON error (OpenAI's shape on ``/v1``), and close the connection.

    The body was not read, so the connection cannot carry another request.
    """
    if path == "/v1" or path.startswith("/v1/"):
        code = "request_too_large" if status == 413 else None
        shaped: dict[str, Any] = openai_error_body(message, status, None, code)
    else:
        shaped = {"ok": False, "error": message, "status": status}
    body = json.dumps(shaped).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *((k.encode(), v.encode()) for k, v in (extra or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
