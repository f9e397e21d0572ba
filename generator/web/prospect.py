"""The prospect's view: a guide's lead magnet to download, ``/get/<brand>/<lang>/<guide>``,
optionally prepared for a name and company printed on its cover, rendered on request.

The name and company are used for the one response and never kept (nor logged).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from io import BytesIO

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from generator import api
from generator.web.client import form_of, form_scope, safe_name
from generator.web.pages import page
from generator.web.renders import PDFIUM
from generator.web.security import attachment

NAME_CHARACTERS = 70
"""The longest name, and the longest company, a cover takes."""
COVERS = 32
"""How many cover images are kept in memory (each a few tens of kB)."""


async def get_page(request: Request) -> Response:
    """The guide's download page: title, subtitle, cover, the optional name and company."""
    brand, lang, guide = _named(request)
    return page(
        request,
        "get.html.j2",
        lang=lang,
        ui=request.app.state.site.current().ui[lang],
        brand=brand,
        logo=api.brand_logo(brand) is not None,
        guide=guide,
        csrf=request.app.state.tokens.new(form_scope(request)),
        name_characters=NAME_CHARACTERS,
    )


async def get_download(request: Request) -> Response:
    """The guide's PDF, its cover saying who it was prepared for when a name or company was
    given."""
    brand, lang, guide = _named(request)
    form = await form_of(request, 64 * 1024)
    given = []
    for field in ("name", "company"):
        value = form.get(field, "")
        if not isinstance(value, str):
            raise HTTPException(400, f"{field}: a text was expected, not a file")
        value = " ".join(value.split())
        if len(value) > NAME_CHARACTERS:
            raise HTTPException(
                413, f"{field}: {len(value)} characters; at most {NAME_CHARACTERS} fit on the cover"
            )
        given.append(value)
    prepared_for = ", ".join(value for value in given if value)
    work = _guide_pdf(request, brand, lang, guide, prepared_for)
    try:
        data = await request.app.state.renders.run(work)
    except api.ContentErrors as exc:
        raise HTTPException(400, "; ".join(e.message for e in exc.errors)) from None
    except api.RenderFailed:
        raise HTTPException(500) from None
    fallback = "-".join(filter(None, [guide.id, safe_name(" ".join(given), "")]))
    stem = "-".join(filter(None, [guide.id, *given]))
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "content-disposition": attachment(stem, fallback, "pdf"),
            "cache-control": "no-store",
        },
    )


def _guide_pdf(
    request: Request, brand: api.Brand, lang: str, guide: api.Guide, prepared_for: str = ""
) -> Callable[[], bytes]:
    """The work of rendering the guide's PDF (on a render thread), from the library the server
    loaded once a change, not once a request."""
    settings, library = request.app.state.settings, request.app.state.site.current()

    def work() -> bytes:
        files = api.render(
            settings.project,
            brand.id,
            guide=guide.id,
            lang=lang,
            document="guide",
            format="pdf",
            prepared_for=prepared_for,
            library=library,
            broker=settings.broker,
            shared=settings.shared,
        )
        return files[f"{lang}/{guide.id}.pdf"]

    return work


async def get_cover(request: Request) -> Response:
    """The guide's cover as a PNG (its plain PDF's first page), kept in memory per content
    load."""
    brand, lang, guide = _named(request)
    state = request.app.state
    covers: OrderedDict[tuple[object, ...], bytes] = getattr(state, "covers", None) or OrderedDict()
    state.covers = covers
    key = (state.site.generation, brand.id, lang, guide.id)
    if key not in covers:
        pdf = _guide_pdf(request, brand, lang, guide)
        try:
            covers[key] = await state.renders.run(lambda: _first_page_png(pdf()))
        except (api.ContentErrors, api.RenderFailed):
            raise HTTPException(404) from None
        while len(covers) > COVERS:
            covers.popitem(last=False)
    return Response(covers[key], media_type="image/png", headers={"cache-control": "max-age=60"})


def _first_page_png(pdf: bytes, width: int = 480) -> bytes:
    """A PDF's first page as a PNG ``width`` pixels wide."""
    import pypdfium2

    with PDFIUM:  # PDFium is not thread-safe: two covers at once could crash the server
        document = pypdfium2.PdfDocument(pdf)
        try:
            first = document[0]
            image = first.render(scale=width / first.get_width()).to_pil()
        finally:
            document.close()
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _named(request: Request) -> tuple[api.Brand, str, api.Guide]:
    """The brand, language and guide the URL names, each checked against the library."""
    site, params = request.app.state.site, request.path_params
    brand = site.brand(params["brand"])
    guide = site.guide(params["guide"], params["lang"])
    return brand, params["lang"], guide


ROUTES: list[BaseRoute] = [
    Route("/get/{brand}/{lang}/{guide}", get_page, methods=["GET"]),
    Route("/get/{brand}/{lang}/{guide}", get_download, methods=["POST"]),
    Route("/get/{brand}/{lang}/{guide}/cover.png", get_cover, methods=["GET"]),
]
