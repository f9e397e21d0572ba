"""The client's view: a worksheet as an HTML form, ``/fill/<brand>/<lang>/<worksheet>``, and
an upload of one filled offline, both answered with the filled documents as one ZIP.

Nothing a client sends is kept: the form's values and an upload's bytes are read in memory
(:func:`generator.api.read_filled`, which checks an upload as ``import`` does), the documents
rendered in memory (:func:`generator.api.documents_for`) and sent back in the response. With
``serve --broker`` the workers render them: the entries travel in the task's message and the
documents lie in the shared folder until they are read back, then are removed.
The page's fields are named by the worksheet's entry names, so the same ``Filled`` comes
back as from the worksheet's workbook or PDF. A brand's colours and logo come from
:data:`ROUTES`' ``/brand/...`` routes (the CSP allows no inline style).
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from generator import api
from generator.web.pages import page
from generator.web.renders import Busy
from generator.web.security import TOKEN_FIELD, attachment
from generator.web.settings import Settings

MultiPartParser.spool_max_size = 2**31
"""An upload stays in memory, never in a temporary file: the request's size is checked first
(``Settings.upload_bytes``), and nothing a client sends is written to disk here (with
``--broker``, the workers write its documents into the shared folder until they are read)."""


@dataclass(frozen=True)
class Entry:
    """One text field of the form: its name, label and help."""

    name: str
    label: str
    help: str = ""
    lines: int = 3


@dataclass(frozen=True)
class Group:
    """A fieldset of the form: a stage of a grid, or the whole of a form's fields."""

    legend: str
    subtitle: str
    entries: list[Entry]


@dataclass(frozen=True)
class Tick:
    """A checklist item: its tick's name, its note's name, its text and help."""

    done: str
    note: str
    text: str
    help: str


def groups(worksheet: api.Worksheet, ui: api.UiStrings) -> list[Group]:
    """A grid's stages, each with its rows (labelled with the row's prompt for that stage, else
    its help), or a form's fields as one group; a checklist has none (see :func:`ticks`)."""
    if isinstance(worksheet, api.Framework):
        word = worksheet.stage_word or ui.stage
        total = len(worksheet.stages)
        return [
            Group(
                f"{word} {number} / {total}: {stage.name}",
                stage.subtitle,
                [
                    Entry(
                        api.field_path(worksheet.id, stage.id, row.id),
                        row.label,
                        row.prompts.get(stage.id, row.help),
                    )
                    for row in worksheet.rows
                ],
            )
            for number, stage in enumerate(worksheet.stages, start=1)
        ]
    if isinstance(worksheet, api.Form):
        entries = [
            Entry(api.field_path(worksheet.id, f.id), f.label, f.help, max(2, f.lines))
            for f in worksheet.fields
        ]
        return [Group(worksheet.title, "", entries)]
    return []


def ticks(worksheet: api.Worksheet) -> list[Tick]:
    """A checklist's items, numbered as its other formats number them."""
    if not isinstance(worksheet, api.Checklist):
        return []
    names = api.entry_names(worksheet)
    return [
        Tick(
            api.field_path(worksheet.id, item.id, names["done"]),
            api.field_path(worksheet.id, item.id, names["note"]),
            f"{number}. {item.text}",
            item.help,
        )
        for number, item in enumerate(worksheet.items, start=1)
    ]


async def fill_page(request: Request) -> Response:
    """The worksheet as a form, with the upload beside it."""
    site = request.app.state.site
    brand, lang, worksheet = _named(request)
    ui = site.current().ui[lang]
    names = api.entry_names(worksheet)
    return page(
        request,
        "fill.html.j2",
        lang=lang,
        ui=ui,
        brand=brand,
        logo=api.brand_logo(brand) is not None,
        worksheet=worksheet,
        groups=groups(worksheet, ui),
        ticks=ticks(worksheet),
        signed_by=names["signed_by"],
        signed_on=names["signed_on"],
        csrf=request.app.state.tokens.new(form_scope(request)),
        text_characters=request.app.state.settings.text_characters,
        storage_key=f"journeykit:{brand.id}:{lang}:{worksheet.id}",
    )


async def fill_send(request: Request) -> Response:
    """The form's values back as the filled documents (a ZIP)."""
    brand, lang, worksheet = _named(request)
    form = await form_of(request, request.app.state.settings.upload_bytes)
    settings = request.app.state.settings
    prefix = f"{worksheet.id}."
    values: dict[str, str] = {}
    for name, value in form.multi_items():
        if name == TOKEN_FIELD or not name.startswith(prefix):
            continue
        if not isinstance(value, str):
            raise HTTPException(400, f"{name}: a text was expected, not a file")
        if len(value) > settings.text_characters:
            raise HTTPException(
                413,
                f"{name}: {len(value):,} characters; at most {settings.text_characters:,} "
                "fit in one field",
            )
        values[name] = value
    if not values:
        raise HTTPException(400, f"the form holds no entry of the worksheet {worksheet.id}")
    project, library = settings.project, request.app.state.site.current()

    def work() -> tuple[str, bytes]:
        filled = api.read_filled(values, project, lang=lang, library=library)
        return _documents(filled, brand, settings, library)

    return _zip_response(*await _run(request, work))


async def fill_upload(request: Request) -> Response:
    """A worksheet filled offline (its XLSX or PDF) back as the filled documents (a ZIP)."""
    brand, _, _ = _named(request)
    settings = request.app.state.settings
    form = await form_of(request, settings.upload_bytes)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(400, "choose the filled-in worksheet (XLSX or PDF) to upload")
        data = await upload.read(settings.upload_bytes + 1)
    finally:
        await form.close()
    if len(data) > settings.upload_bytes:
        raise HTTPException(413, f"the file is over {weight(settings.upload_bytes)}")
    if not data:
        raise HTTPException(400, "the file is empty")
    name = safe_name(upload.filename or "upload", "upload")
    project, library = settings.project, request.app.state.site.current()

    def work() -> tuple[str, bytes]:
        filled = api.read_filled(data, project, name=name, library=library)
        return _documents(filled, brand, settings, library)

    return _zip_response(*await _run(request, work, name))


async def brand_css(request: Request) -> Response:
    """A brand's colours as the pages' custom properties (never inline: the CSP forbids it)."""
    brand = request.app.state.site.brand(request.path_params["brand"])
    colours = api.brand_palette(brand)
    roles = {
        "primary": "primary",
        "accent": "accent",
        "text": "text",
        "paper": "paper",
        "fill": "label_fill",
        "muted": "help_text",
        "rule": "rule",
        "accent-text": "accent_text",
        "on-primary": "on_primary",
    }
    lines = "".join(f"  --{name}: {colours[role]};\n" for name, role in roles.items())
    return Response(f":root {{\n{lines}}}\n", media_type="text/css")


async def brand_logo(request: Request) -> Response:
    """A brand's logo as PNG, or 404 when it has none."""
    brand = request.app.state.site.brand(request.path_params["brand"])
    logo = api.brand_logo(brand)
    if logo is None:
        raise HTTPException(404)
    return Response(logo, media_type="image/png")


def _named(request: Request) -> tuple[api.Brand, str, api.Worksheet]:
    """The brand, language and worksheet the URL names, each checked against the library."""
    site, params = request.app.state.site, request.path_params
    brand = site.brand(params["brand"])
    worksheet = site.worksheet(params["worksheet"], params["lang"])
    return brand, params["lang"], worksheet


def form_scope(request: Request) -> str:
    """The form a page's CSRF token is for: its view, brand, language and worksheet or guide
    (the same for the worksheet's send and its upload)."""
    params = request.path_params
    view = request.url.path.strip("/").split("/", 1)[0]
    thing = params.get("worksheet") or params.get("guide")
    return f"{view}/{params['brand']}/{params['lang']}/{thing}"


async def form_of(request: Request, limit: int) -> FormData:
    """The request's form, at most ``limit`` bytes sent within ``Settings.body_seconds`` and
    at most ``Settings.fields`` fields, with a valid CSRF token for this form (else 413, 408,
    400 or 403). At most ``Settings.bodies`` are read at once (else 503: each is in memory)."""
    state = request.app.state
    settings = state.settings
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request is over {weight(limit)}")
    if state.reading >= settings.bodies:
        raise Busy
    state.reading += 1
    body = bytearray()
    try:
        async with asyncio.timeout(settings.body_seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise HTTPException(413, f"the request is over {weight(limit)}")
    except TimeoutError:
        raise HTTPException(408) from None
    finally:
        state.reading -= 1
    _check_complete(request, body)
    request._body = bytes(body)  # the form is parsed from what was read
    del body  # one copy held, not two (each body may weigh ``limit``)
    try:
        form = await request.form(max_files=1, max_fields=settings.fields + 1, max_part_size=limit)
    except HTTPException as exc:  # Starlette's own limits, in this site's words
        if "fields" in str(exc.detail):
            raise HTTPException(400, f"the form has more than {settings.fields} fields") from None
        if "files" in str(exc.detail):
            raise HTTPException(400, "send one file at a time") from None
        raise HTTPException(400, "the form could not be read") from None
    except Exception:
        raise HTTPException(400, "the form could not be read") from None
    finally:
        request._body = b""  # parsed: its values and file are in the form now
    if len(form) > settings.fields + 1:  # and its token
        raise HTTPException(400, f"the form has more than {settings.fields} fields")
    if not request.app.state.tokens.valid(form, form_scope(request)):
        await form.close()
        raise HTTPException(403)
    return form


def _check_complete(request: Request, body: bytearray) -> None:
    """A multipart form names its boundary and ends with it closed; else it was cut short
    (a dropped connection, a client that stopped) and is refused as such, not read as a form
    whose file was never chosen."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    if media != b"multipart/form-data":
        return
    boundary = options.get(b"boundary", b"")
    if not boundary:
        raise HTTPException(400, "the form could not be read (its parts are not marked)")
    if b"--" + boundary + b"--" not in body:
        raise HTTPException(400, "the form arrived incomplete; send it again")


async def _run(
    request: Request, work: Callable[[], tuple[str, bytes]], file: str = ""
) -> tuple[str, bytes]:
    """``work`` on a render thread; what a client sent that cannot be used is a 400 naming
    why (their ``file``'s name, never the server's paths)."""
    try:
        return await request.app.state.renders.run(work)
    except api.ContentErrors as exc:
        problems = "; ".join(_message(e) for e in exc.errors)
        raise HTTPException(400, f"{file}: {problems}" if file else problems) from None
    except api.RenderFailed:
        raise HTTPException(500) from None


def _message(error: api.ContentError) -> str:
    """A problem as a client is told it: where in their file, what, what would do."""
    parts = [p for p in (error.field, error.message) if p]
    text = ": ".join(parts)
    return f"{text} ({error.hint})" if error.hint else text


def _documents(
    filled: api.Filled, brand: api.Brand, settings: Settings, library: api.Library
) -> tuple[str, bytes]:
    """The filled worksheet's documents in one ZIP, and its Content-Disposition (named by the
    worksheet and who signed it)."""
    signed = " ".join(filled.entries.get(("signed_by",), []))
    files = api.documents_for(
        filled,
        brand.id,
        signed,
        project=settings.project,
        library=library,
        broker=settings.broker,
        shared=settings.shared,
    )
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in sorted(files.items()):
            zipped.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    fallback = "-".join(filter(None, [filled.worksheet.id, safe_name(signed, "")]))
    stem = "-".join(filter(None, [filled.worksheet.id, signed]))
    return attachment(stem, fallback, "zip"), archive.getvalue()


def _zip_response(disposition: str, data: bytes) -> Response:
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": disposition, "cache-control": "no-store"},
    )


def weight(size: int) -> str:
    """A limit in bytes as a person reads it: ``20 MB``, ``64 KB``."""
    return f"{size // 2**20} MB" if size >= 2**20 else f"{max(1, size // 1024)} KB"


def safe_name(text: str, fallback: str) -> str:
    """A file name part made of ASCII letters, digits and ``-`` only (``Åsa Berg`` → ``asa-berg``),
    at most 60 characters, or ``fallback``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"[^a-z0-9.]+", "-", plain).strip("-.")[:60].strip("-.")
    return plain or fallback


ROUTES: list[BaseRoute] = [
    Route("/fill/{brand}/{lang}/{worksheet}", fill_page, methods=["GET"]),
    Route("/fill/{brand}/{lang}/{worksheet}", fill_send, methods=["POST"]),
    Route("/fill/{brand}/{lang}/{worksheet}/upload", fill_upload, methods=["POST"]),
    Route("/brand/{brand}.css", brand_css, methods=["GET"]),
    Route("/brand/{brand}/logo.png", brand_logo, methods=["GET"]),
]
