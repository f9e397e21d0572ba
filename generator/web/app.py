"""The web application: the three views' routes over one :class:`~generator.web.site.Site`,
the security headers on every response, the limits on every request, and what an error
looks like (a page in the site's style, never a traceback).

- the author's view (:mod:`generator.web.author`), left out with ``Settings.public``;
- the client's view, ``/fill/...`` (:mod:`generator.web.client`);
- the prospect's view, ``/get/...`` (:mod:`generator.web.prospect`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from generator.web import author, client, prospect
from generator.web.pages import page
from generator.web.renders import RETRY_SECONDS, Busy, Renders
from generator.web.security import HostCheck, SecurityHeaders, Tokens
from generator.web.settings import Settings
from generator.web.site import Site

MESSAGES = {
    400: "That request could not be used.",
    408: "That took too long to arrive. Please send it again.",
    403: "This form has expired or was not sent from this site. Reload the page and send it again.",
    404: "There is nothing here.",
    405: "That is not something this address does.",
    413: "That is more than this site takes.",
    500: "Something went wrong on our side; it has been noted.",
    503: "The server is busy. Please try again in a few seconds.",
}
"""What an error page says (no detail of the server's: it may face the internet)."""


def create_app(settings: Settings) -> Starlette:
    """The application serving ``settings.project``."""
    site = Site(settings.project)
    routes: list[BaseRoute] = [*client.ROUTES, *prospect.ROUTES]
    if not settings.public:
        routes += author.ROUTES
    routes.append(Route("/static/{name}", _static, name="static"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not settings.public:
            await author.start_watching(app)
        yield
        await author.stop_watching(app)
        app.state.renders.close()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _error_page, Busy: _busy, Exception: _failed},
    )
    if not settings.public:
        app.add_middleware(HostCheck, hosts=settings.hosts)
    app.add_middleware(SecurityHeaders)
    app.state.settings = settings
    app.state.site = site
    app.state.renders = Renders(settings)
    app.state.tokens = Tokens(settings.token_seconds)
    app.state.reading = 0
    """Request bodies being read now (at most ``settings.bodies``)."""
    app.state.templates = site.templates()
    return app


STATIC_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(css|js|png|svg)")
"""What a static file may be called: a plain name, never a path."""
STATIC_TYPES = {
    "css": "text/css",
    "js": "text/javascript",
    "png": "image/png",
    "svg": "image/svg+xml",
}


async def _static(request: Request) -> Response:
    """``layouts/web/static/<name>``: the project's own first, then the shipped one."""
    name = request.path_params["name"]
    if STATIC_NAME.fullmatch(name):
        for folder in request.app.state.site.folders("static"):
            if (folder / name).is_file():
                media = STATIC_TYPES[name.rsplit(".", 1)[1]]
                return FileResponse(folder / name, media_type=media)
    raise HTTPException(404)


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = MESSAGES.get(exc.status_code, "Something went wrong.")
    detail = exc.detail if exc.status_code in (400, 413) and exc.detail else ""
    response = page(request, "error.html.j2", exc.status_code, message=message, detail=detail)
    if exc.status_code == 503:
        response.headers["retry-after"] = str(RETRY_SECONDS)
    return response


async def _failed(request: Request, exc: Exception) -> Response:
    """A bug: the error page (uvicorn logs the traceback, with no request data)."""
    return await _error_page(request, HTTPException(500))


async def _busy(request: Request, exc: Exception) -> Response:
    return await _error_page(request, HTTPException(503))
