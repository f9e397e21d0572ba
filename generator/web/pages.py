"""A page of the site: a template of ``layouts/web/`` rendered for a request."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """``layouts/web/<template>`` with the request and whether the site is public."""
    state = request.app.state
    html = state.templates.get_template(template).render(
        request=request, public=state.settings.public, **values
    )
    return HTMLResponse(html, status_code=status)
