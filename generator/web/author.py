"""The author's view: every guide × language × brand, and a guide's pages as images that
update by themselves when a content, brand or layout file is saved.

- ``/``: each of the project's guides in its languages for each of the project's brands (the
  default brand when it has none of its own), with thumbnails of its first pages (separate
  image requests, rendered lazily), its files, and the problems ``validate`` finds;
- ``/guide/<brand>/<lang>/<guide>``: its pages; ``…/state`` says, as JSON, which images show
  them now, the layout's warnings and any problem that stops the content loading or the guide
  rendering (the last good pages stay);
- ``/events``: Server-Sent Events, one each time the site reloaded after a file was saved
  (:mod:`generator.web.watch`);
- ``/files/<brand>/<lang>/<file>``: a file as ``build`` makes it, rendered on request (the
  name must be one the API plans, never a path).

Left out with ``--public`` (previews, listings and paths are for the author alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from generator import api
from generator.web.pages import page
from generator.web.previews import Key, Preview, Previews, Problem, problem
from generator.web.site import Site
from generator.web.watch import Changes, watch

THUMBNAILS = 3
"""Pages shown as thumbnails on the home page: the cover and the first pages."""
IMAGE_NAME = re.compile(r"[0-9a-f]{24}")
MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Author:
    """The author's view's state on the app: previews, changes, and what is computed once a
    generation of the content (the files planned, what ``validate`` finds)."""

    site: Site
    previews: Previews
    changes: Changes
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    planned: dict[tuple[int, str, str], dict[str, api.Job]] = field(default_factory=dict)
    checked: dict[int, list[Problem]] = field(default_factory=dict)


def _author(app: Starlette) -> Author:
    """The app's author state (made on first use)."""
    state = app.state
    if not hasattr(state, "author"):
        state.author = Author(state.site, Previews(state.site, state.renders), Changes(state.site))
    author: Author = state.author
    return author


async def start_watching(app: Starlette) -> None:
    """Watch the project's files for the pages to update."""
    author = _author(app)
    watching = watch(author.site, author.previews, author.changes, author.stop)
    author.task = asyncio.create_task(watching)


async def stop_watching(app: Starlette) -> None:
    """Stop watching."""
    author = getattr(app.state, "author", None)
    if author is None or author.task is None:
        return
    author.stop.set()
    author.task.cancel()
    # A watcher that failed has nothing to add when the server stops.
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await author.task


# --- what the pages show ------------------------------------------------------------------


def own_guides(site: Site) -> list[api.Guide]:
    """The project's own guides (every guide when it has none: a project of brands only)."""
    library = site.current()
    guides = [guide for _, guide in sorted(library.guides.items())]
    own = [g for g in guides if g.path is not None and g.path.is_relative_to(site.root)]
    return own or guides


def own_brands(site: Site) -> list[api.Brand]:
    """The project's own brands, or the default brand when it has none."""
    library = site.current()
    own = [
        brand
        for _, brand in sorted(library.brands.items())
        if brand.folder is not None and brand.folder.is_relative_to(site.root)
    ]
    if not own and DEFAULT_BRAND in library.brands:
        own = [library.brands[DEFAULT_BRAND]]
    return own


DEFAULT_BRAND = "default"
"""The brand shown when the project has none of its own (the shipped one)."""


async def files_of(author: Author, brand: str, lang: str) -> dict[str, api.Job]:
    """The files the API plans for a brand and language, by name (once a generation)."""
    key = (author.site.generation, brand, lang)
    if key not in author.planned:
        try:
            jobs = await asyncio.to_thread(api.planned, author.site.root, brand, lang=[lang])
        except api.ContentErrors:
            jobs = []
        author.planned = {k: v for k, v in author.planned.items() if k[0] == key[0]}
        author.planned[key] = {job.filename(): job for job in jobs}
    return author.planned[key]


async def checked(author: Author) -> list[Problem]:
    """What ``validate`` finds in the content now (once a generation)."""
    generation = author.site.generation
    if generation not in author.checked:
        try:
            result = await asyncio.to_thread(api.validate, author.site.root)
            found = result.warnings
        except api.ContentErrors as exc:
            found = exc.errors
        author.checked = {generation: [problem(error, author.site) for error in found]}
    return author.checked[generation]


def file_rows(guide: str, jobs: dict[str, api.Job]) -> list[dict[str, Any]]:
    """A guide's files as rows: the guide, then each worksheet variant, with a link per
    format."""
    rows: dict[str, dict[str, Any]] = {}
    for name, job in jobs.items():
        if job.guide != guide:
            continue
        if job.document == "guide":
            label = "guide"
        else:
            label = f"{job.worksheet or 'worksheet'} · {job.variant}"
        row = rows.setdefault(label, {"label": label, "links": []})
        row["links"].append({"format": job.format.upper(), "name": name})
    return list(rows.values())


def checked_key(request: Request) -> Key:
    """The brand, language and guide a URL names, each checked against the library (404)."""
    params = request.path_params
    site: Site = request.app.state.site
    brand, lang, guide = params["brand"], params["lang"], params["guide"]
    site.brand(brand)
    site.guide(guide, lang)
    return (brand, lang, guide)


# --- routes -------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    """Every guide × language × brand, with thumbnails, files and problems."""
    author = _author(request.app)
    site = author.site
    generation = site.generation
    problems = [problem(error, site) for error in site.problems]
    if site.library is None:
        return page(
            request,
            "author-home.html.j2",
            guides=[],
            problems=problems,
            warnings=[],
            generation=generation,
            thumbnails=THUMBNAILS,
        )
    brands = own_brands(site)
    guides = own_guides(site)
    languages = sorted({guide.language for guide in guides})
    warnings, *listed = await asyncio.gather(
        checked(author),
        *(files_of(author, brand.id, lang) for brand in brands for lang in languages),
    )
    files = dict(zip([(b.id, lang) for b in brands for lang in languages], listed, strict=True))
    shown = []
    for guide in guides:
        cards = [
            {
                "brand": brand,
                "url": f"/guide/{brand.id}/{guide.language}/{guide.id}",
                "files": file_rows(guide.id, files[(brand.id, guide.language)]),
            }
            for brand in brands
            if brand.language in (None, guide.language)
        ]
        if cards:
            shown.append({"guide": guide, "cards": cards})
    return page(
        request,
        "author-home.html.j2",
        guides=shown,
        problems=problems,
        warnings=[] if problems else warnings,
        generation=generation,
        thumbnails=THUMBNAILS,
    )


async def guide_page(request: Request) -> Response:
    """A guide's pages, with a brand and language switch; author.js fills them in. While the
    content does not load, the home page's problems instead (not a 503)."""
    if request.app.state.site.library is None:
        return await home(request)
    brand_id, lang, guide_id = checked_key(request)
    site: Site = request.app.state.site
    library = site.current()
    guide = library.guides[(guide_id, lang)]
    brands = own_brands(site)
    if brand_id not in {brand.id for brand in brands}:
        brands.append(library.brands[brand_id])
    languages = sorted(language for g, language in library.guides if g == guide_id)
    return page(
        request,
        "author-guide.html.j2",
        guide=guide,
        brand=library.brands[brand_id],
        brands=brands,
        languages=languages,
        language=lang,
        generation=site.generation,
    )


async def guide_state(request: Request) -> Response:
    """What the guide page shows now, as JSON: the pages' images and text (the last good
    ones when the content does not load or the guide does not render), the layout's
    warnings, and the problems with their file:line and hint."""
    key = checked_key(request)
    author = _author(request.app)
    generation = author.site.generation
    problems = [problem(error, author.site) for error in author.site.problems]
    preview: Preview | None = None
    if not problems:
        preview = await author.previews.get(key)
        problems = preview.problems
    shown = preview if preview is not None and preview.pages else author.previews.good.get(key)
    body = {
        "generation": generation,
        "pdf": shown.pdf if shown else "",
        "pages": [
            {
                "src": f"/image/{page.image}.png",
                "text": page.text,
                "width": page.width,
                "height": page.height,
            }
            for page in (shown.pages if shown else [])
        ],
        "notices": [notice.json() for notice in (shown.notices if shown else [])],
        "problems": [found.json() for found in problems],
    }
    return JSONResponse(body, headers={"cache-control": "no-store"})


async def thumbnail(request: Request) -> Response:
    """A small image of one of a guide's first pages (rendered when first asked for)."""
    key = checked_key(request)
    shown_numbers = {str(number): number for number in range(1, THUMBNAILS + 1)}
    number = shown_numbers.get(request.path_params["number"])
    if number is None:
        raise HTTPException(404)
    author = _author(request.app)
    preview = None if author.site.problems else await author.previews.get(key)
    if preview is None or not preview.pages:
        preview = author.previews.good.get(key)
    if preview is None:
        raise HTTPException(404)
    shown = preview
    name = await request.app.state.renders.run(lambda: author.previews.thumbnail(shown, number))
    png = author.previews.image(name) if name else None
    if png is None:
        raise HTTPException(404)
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=600"})


async def image(request: Request) -> Response:
    """A page's image, by the hash of its bytes (so it never changes)."""
    name = request.path_params["name"]
    png = _author(request.app).previews.image(name) if IMAGE_NAME.fullmatch(name) else None
    if png is None:
        raise HTTPException(404)
    headers = {"cache-control": "private, max-age=31536000, immutable"}
    return Response(png, media_type="image/png", headers=headers)


async def download(request: Request) -> Response:
    """A file of a guide for a brand and language, as ``build`` makes it, rendered now."""
    params = request.path_params
    site: Site = request.app.state.site
    brand, lang, name = params["brand"], params["lang"], params["filename"]
    site.brand(brand)
    if lang not in {language for _, language in site.current().guides}:
        raise HTTPException(404)  # before anything is planned (and kept) for it
    author = _author(request.app)
    job = (await files_of(author, brand, lang)).get(name)
    if job is None:
        raise HTTPException(404)
    data = None
    if job.format == "pdf" and not site.problems:
        preview = await author.previews.get((brand, lang, job.guide))
        data = preview.files.get(name)
    if data is None:
        variant = job.variant if job.document == "worksheet" else ()
        try:
            made = await request.app.state.renders.run(
                lambda: api.render(
                    site.root,
                    brand,
                    guide=job.guide,
                    lang=lang,
                    variant=variant,
                    format=job.format,
                    document=job.document,
                    library=site.library,
                    broker=request.app.state.settings.broker,
                    shared=request.app.state.settings.shared,
                )
            )
        except (api.ContentErrors, api.RenderFailed) as exc:
            raise HTTPException(400, f"{name} could not be made: {exc}") from None
        data = made.get(f"{lang}/{name}")
        if data is None:
            raise HTTPException(404)
    disposition = "inline" if job.format == "pdf" else "attachment"
    headers = {"content-disposition": f'{disposition}; filename="{name}"'}
    return Response(data, media_type=MEDIA[job.format], headers=headers)


async def events(request: Request) -> Response:
    """Server-Sent Events: the site's generation now and after each reload."""
    last = request.headers.get("last-event-id", "")
    stream = _author(request.app).changes.stream(int(last) if last.isdigit() else None)
    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


ROUTES: list[BaseRoute] = [
    Route("/", home, name="author-home"),
    Route("/guide/{brand}/{lang}/{guide}", guide_page, name="author-guide"),
    Route("/guide/{brand}/{lang}/{guide}/state", guide_state, name="author-state"),
    Route("/thumb/{brand}/{lang}/{guide}/{number}.png", thumbnail, name="author-thumb"),
    Route("/image/{name}.png", image, name="author-image"),
    Route("/files/{brand}/{lang}/{filename}", download, name="author-file"),
    Route("/events", events, name="author-events"),
]
