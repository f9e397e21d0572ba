"""A client's filled-in workbook or fillable PDF back as the consultant's documents
(``journeykit import``).

The file is someone else's and is read as untrusted: its size; for a workbook its zip entries
(a zip bomb unpacks to far more than it weighs) and its XML (no DOCTYPE, so no entity bomb),
checked before openpyxl opens it; an encrypted, macro-enabled or foreign file is named for what
it is. A PDF's form fields are read by pypdf, which runs nothing in it. The entries, read by
their names (or a workbook's labels; :mod:`generator.filled`) and never evaluated, become an
example of the worksheet; a small guide made for the client (their filled worksheet, then what
to review) renders it through the usual renderers.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from pydantic import ValidationError

from generator.errors import ContentError, ContentErrors
from generator.filled import Filled, read_filled, read_filled_pdf
from generator.lint import Finding, grid_findings
from generator.model import (
    ContentItem,
    Example,
    Form,
    Framework,
    Guide,
    Library,
    Section,
    field_problems,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest workbook read: a filled worksheet is tens of kilobytes."""
MAX_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
"""A zip entry may unpack to at most this many times its packed size (text packs to ~1/10)."""
FILLED = "filled"
"""The variant id of an imported worksheet: ``<guide>-<client>-worksheet-filled.xlsx``."""
SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an encrypted (password-protected) workbook or an old .xls file",
    b"{\\rtf": "an RTF document",
}
PDF = b"%PDF-"


@dataclass(frozen=True)
class Imported:
    """What a workbook held, as the content to render."""

    library: Library
    guide: Guide
    """The client's guide: their filled worksheet, then what to review."""
    filled: Filled


def read_client_file(path: Path, library: Library) -> Filled:
    """What a client filled into a workbook or a fillable PDF of ours, once the file passed
    every check; raises :class:`ContentError` naming what the file is when it cannot be used."""
    data = _read(path)
    if data.startswith(PDF):
        return read_filled_pdf(path, _open_pdf(path, data), library)
    return read_filled(path, _open_workbook(path, data), library)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            mb = MAX_FILE_BYTES // 1024 // 1024
            raise ContentError(path, f"is {size / 1024 / 1024:.1f} MB", hint=f"at most {mb} MB")
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(path, f"cannot be read: {exc.strerror}") from None


def _open_pdf(path: Path, data: bytes) -> Any:
    """A PDF's form, read by pypdf (which never runs the PDF's scripts)."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its warnings on a damaged file would print beside ours
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ContentError(path, "is an encrypted PDF", hint="save it without a password")
        reader.get_fields()
        return reader
    except ContentError:
        raise
    except Exception as exc:  # pypdf's many ways of failing on a broken file
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ContentError(path, f"cannot be read as a PDF: {message}") from None
    finally:
        quiet.setLevel(level)


def _open_workbook(path: Path, data: bytes) -> Any:
    """The workbook, opened by openpyxl once it passed every check."""
    from openpyxl import load_workbook

    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise ContentError(path, f"is {what}, not an .xlsx workbook", hint=_SAVE_AS)
    try:
        archive = ZipFile(BytesIO(data))
        _check_archive(path, archive)
        return load_workbook(BytesIO(data), data_only=False, keep_links=False)
    except BadZipFile:
        raise ContentError(
            path, "is not an .xlsx workbook (not a zip file)", hint=_SAVE_AS
        ) from None
    except ContentError:
        raise
    except Exception as exc:  # openpyxl's many ways of failing on a broken file
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ContentError(
            path, f"cannot be read as a workbook: {message}", hint=_SAVE_AS
        ) from None


_SAVE_AS = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"


def _check_archive(path: Path, archive: ZipFile) -> None:
    """Refuse what a workbook is not: too many or too inflated entries, macros, another
    Office document, XML with a DOCTYPE (entity expansion)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ContentError(
            path,
            f"holds {len(entries)} files",
            hint=f"a workbook holds far fewer than {MAX_ENTRIES}",
        )
    unpacked = sum(entry.file_size for entry in entries)
    inflated = [
        e
        for e in entries
        if e.file_size > MAX_RATIO * max(e.compress_size, 1) and e.file_size > 1_000_000
    ]
    if unpacked > MAX_UNPACKED_BYTES or inflated:
        raise ContentError(
            path,
            f"unpacks to {unpacked / 1024 / 1024:.0f} MB (a zip bomb?)",
            hint="a filled worksheet unpacks to well under a megabyte",
        )
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        raise ContentError(path, "is a Word document, not a workbook", hint="import the .xlsx")
    if "ppt/presentation.xml" in names:
        raise ContentError(path, "is a PowerPoint file, not a workbook", hint="import the .xlsx")
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(name.endswith("vbaProject.bin") for name in names) or b"macroEnabled" in types:
        hint = "save it as .xlsx, without macros"
        raise ContentError(path, "is a macro-enabled workbook (.xlsm)", hint=hint)
    if "xl/workbook.xml" not in names:
        raise ContentError(path, "is a zip file but not a workbook", hint=_SAVE_AS)
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as member:
                head = member.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ContentError(
                    path,
                    f"{entry.filename} declares XML entities (an XML bomb?)",
                    hint="a workbook's XML never does: save it again from the spreadsheet",
                )


def import_filled(path: Path, library: Library, name: str = "") -> Imported:
    """Read a filled workbook into an example of its worksheet and a guide for the client.

    Raises :class:`ContentErrors` for a file that cannot be used, a workbook not made for this
    project's content or reshaped beyond recognition, or entries no document can hold.
    """
    try:
        filled = read_client_file(path, library)
    except ContentError as exc:
        raise ContentErrors([exc]) from None
    worksheet = filled.worksheet
    guide = _guide_of(path, library, worksheet.id, filled.language)
    client = client_id(name or path.stem)
    title = f"{worksheet.title}: {name}" if name else worksheet.title
    try:
        example = Example.model_validate(
            {
                "id": FILLED,
                "framework": worksheet.id,
                "language": filled.language,
                "title": title,
                "path": path,
                **filled.example_data(),
            }
        )
    except ValidationError as exc:
        raise ContentErrors(
            [
                ContentError(
                    path, problem.message, field=_cell_of(filled, problem.loc), hint=problem.hint
                )
                for problem in field_problems(exc, Example)
            ]
        ) from None
    ui = library.ui[filled.language]
    review = Section(
        id="review",
        title=ui.workbook.review,
        body=_review(filled, library),
        path=path,
    )
    contents = [ContentItem(example=FILLED), ContentItem(section="review")]
    client_guide = guide.model_copy(
        update={
            "id": f"{guide.id}-{client}",
            "title": title,
            "subtitle": guide.title,
            "framework": worksheet.id,
            "worksheets": [],
            "contents": contents,
            "sections": {"review": review},
        }
    )
    key = (client_guide.id, filled.language)
    updated = library.model_copy(
        update={
            "examples": {**library.examples, (worksheet.id, filled.language, FILLED): example},
            "guides": {**library.guides, key: client_guide},
        }
    )
    return Imported(updated, client_guide, filled)


def client_id(text: str) -> str:
    """A file-name-safe id from a client's name or a file's name: ``Åkesson & Söner AB`` →
    ``akesson-soner-ab``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-") or "client"


def _guide_of(path: Path, library: Library, worksheet_id: str, language: str) -> Guide:
    """The guide a worksheet belongs to (its framework first, then its further worksheets)."""
    guides = [g for (_, lang), g in sorted(library.guides.items()) if lang == language]
    for guide in sorted(guides, key=lambda g: g.framework != worksheet_id):
        if worksheet_id in (guide.framework, *guide.worksheets):
            return guide
    raise ContentErrors(
        [ContentError(path, f"no guide in {language!r} uses the worksheet {worksheet_id!r}")]
    )


def _cell_of(filled: Filled, loc: tuple[str | int, ...]) -> str | None:
    """Where a bad entry was read (``Kundresan!C8``), from its place in the example."""
    keys = [str(part) for part in loc[1:] if not isinstance(part, int)]
    return filled.where.get(tuple(keys)) or ".".join(map(str, loc))


def _review(filled: Filled, library: Library) -> str:
    """Markdown: the cells left empty and the stages with too many KPIs, each with the
    guide's advice for its row; or that nothing needs review."""
    words = library.ui[filled.language].workbook
    worksheet = filled.worksheet
    groups: list[tuple[str, list[str]]] = []
    if isinstance(worksheet, Framework):
        findings = grid_findings(worksheet, filled.lines)

        def advice(finding: Finding) -> str:
            return f"**{finding.stage.name} × {finding.row.label}**: {finding.row.help}"

        groups = [
            (words.empty, [advice(f) for f in findings if f.empty]),
            (words.too_many, [advice(f) for f in findings if not f.empty]),
        ]
    elif isinstance(worksheet, Form):
        empty = [f for f in worksheet.fields if not filled.lines(f.id)]
        groups = [(words.empty, [f"**{f.label}**: {f.help}".rstrip(": ") for f in empty])]
    parts = []
    for heading, lines in groups:
        if lines:
            parts += [f"## {heading}", "", *(f"- {line}" for line in lines), ""]
    return "\n".join(parts) if parts else f"{words.complete}\n"
