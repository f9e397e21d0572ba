"""The prospect's view: a guide's lead magnet to download, ``/get/<brand>/<lang>/<guide>``,
optionally prepared for a name and company printed on its cover, rendered on request."""

from __future__ import annotations

from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
