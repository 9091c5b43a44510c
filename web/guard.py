"""What every response passes through: the path prefix, rate limits, security headers, the log.

A plain ASGI middleware (no buffering), so live pages stream through it untouched.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.limits import AddressLimiter, ProxyTrust

log = logging.getLogger("motcua.web.access")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000"
STATIC_CACHE = "public, max-age=31536000, immutable"
# Paths that cost nothing and are never limited.
UNLIMITED = ("/static/", "/healthz")
_TICKET_TOKEN = re.compile(r"^(/t/[^/]+/[^/]+/[^/]+/)[^/]+")
_DOSSIER_TOKEN = re.compile(r"^(/d/[^/]+/)[^/]+")
_BOOKING_TOKEN = re.compile(r"^(/b/[^/]+/)[^/]+")
_BOOKING_REQUEST = re.compile(r"^(/book/[^/]+/[^/]+/code/)[^/]+")


def loggable(path: str) -> str:
    """The path with any link token or booking request cut (they never reach a log)."""
    path = _TICKET_TOKEN.sub(r"\1…", path)
    path = _DOSSIER_TOKEN.sub(r"\1…", path)
    path = _BOOKING_TOKEN.sub(r"\1…", path)
    return _BOOKING_REQUEST.sub(r"\1…", path)


@dataclass(frozen=True)
class GuardSettings:
    """Where the pages live under the public address, and whom to believe about addresses."""

    base_path: str
    trust: ProxyTrust
    limiter: AddressLimiter


LimitedPage = Callable[[Scope, int], tuple[bytes, str]]


class Guard:
    """Strips the public path prefix, limits each address, adds security headers, logs."""

    def __init__(self, app: ASGIApp, settings: GuardSettings, limited_page: LimitedPage) -> None:
        self.app = app
        self.settings = settings
        self.limited_page = limited_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = self._rooted(scope)
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else ""
        trust = self.settings.trust
        client = trust.client(peer, headers.get("x-forwarded-for"))
        https = trust.scheme(peer, scope.get("scheme", "http"), headers.get("x-forwarded-proto"))
        scope.setdefault("state", {})["client"] = client
        path = scope["path"]
        started = time.monotonic()
        status = 0

        async def respond(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    out[name] = value
                if https == "https":
                    out["strict-transport-security"] = HSTS
                if path.startswith("/static/") and status == 200:
                    out["cache-control"] = STATIC_CACHE
                elif "cache-control" not in out:
                    out["cache-control"] = "no-store"
            await send(message)

        try:
            wait = 0 if path.startswith(UNLIMITED) else self.settings.limiter.take(client)
            if wait:
                await self._refuse(scope, respond, wait)
            else:
                await self.app(scope, receive, respond)
        finally:
            if not path.startswith(UNLIMITED):
                elapsed = (time.monotonic() - started) * 1000
                log.info("%s %s %d %.0fms", scope["method"], loggable(path), status, elapsed)

    def _rooted(self, scope: Scope) -> Scope:
        """The request seen from the pages' root (a proxy may or may not strip the prefix)."""
        base = self.settings.base_path
        path: str = scope["path"]
        if base and (path == base or path.startswith(base + "/")):
            return {**scope, "path": path[len(base) :] or "/"}
        return scope

    async def _refuse(self, scope: Scope, send: Send, wait: int) -> None:
        body, content_type = self.limited_page(scope, wait)
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(wait).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
