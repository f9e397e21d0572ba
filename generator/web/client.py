"""The client's view: a worksheet as an HTML form, ``/fill/<brand>/<lang>/<worksheet>``, and
an upload of one filled offline, both answered with the filled documents."""

from __future__ import annotations

from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
