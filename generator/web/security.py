"""What every response and every form carries: security headers (a Content-Security-Policy
without inline script), signed CSRF tokens, and limits on what a form may send."""

from __future__ import annotations

import re
import secrets
import unicodedata
from urllib.parse import quote

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import FormData
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
"""Sent with every response: nothing runs but the app's own scripts, nothing is framed."""
TOKEN_FIELD = "csrf"


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class HostCheck:
    """ASGI middleware: a request whose Host is not one of ``hosts`` is answered 400 (DNS
    rebinding: another site's name pointed at this machine)."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.hosts:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            if host_name(host) not in self.hosts:
                refused = PlainTextResponse(
                    "This server answers only to this machine's own names.", status_code=400
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


def host_name(host: str) -> str:
    """A Host header's name without its port (``[::1]:8000`` → ``::1``)."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Tokens:
    """CSRF tokens: signed with a secret of this process for one form (its ``scope``: the
    page's brand, language and worksheet or guide), good for ``seconds``."""

    def __init__(self, seconds: int) -> None:
        self.signer = TimestampSigner(secrets.token_bytes(32), salt="journeykit-form")
        self.seconds = seconds

    def new(self, scope: str) -> str:
        """A token for the form ``scope`` names."""
        return self.signer.sign(f"{secrets.token_urlsafe(16)}.{scope}").decode()

    def valid(self, form: FormData, scope: str) -> bool:
        """Whether the form carries a token of this process, for ``scope``, not expired."""
        token = form.get(TOKEN_FIELD)
        if not isinstance(token, str):
            return False
        try:
            signed = self.signer.unsign(token, max_age=self.seconds).decode()
        except (BadSignature, UnicodeDecodeError):
            return False
        return signed.partition(".")[2] == scope


def attachment(stem: str, fallback: str, extension: str, disposition: str = "attachment") -> str:
    """A Content-Disposition naming a download ``stem.extension``: an ASCII ``filename`` (made
    of ``fallback``) and, when the stem has other letters, RFC 5987's ``filename*``. Only
    letters, digits, ``-`` and ``.`` reach the header (never a quote, ``;`` or line break)."""
    header = f'{disposition}; filename="{fallback}.{extension}"'
    plain = unicodedata.normalize("NFC", stem)
    kept = "".join(c if unicodedata.category(c)[0] in "LN" else "-" for c in plain)
    kept = re.sub(r"-{2,}", "-", kept).strip("-")[:80].strip("-")
    if kept and kept != fallback:
        header += f"; filename*=UTF-8''{quote(f'{kept}.{extension}', safe='')}"
    return header
