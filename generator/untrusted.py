"""Someone else's file: the checks every foreign file passes before a parser sees it.

A client's workbook or fillable PDF (``import``, ``validate --worksheet``, an upload through
the web) and a client list (``batch``) come from outside. Each is read with a size limit; a
workbook's zip entries (a zip bomb unpacks to far more than it weighs) and XML (no DOCTYPE, so
no entity bomb) are checked before openpyxl opens it, which then parses with defusedxml; an
encrypted, macro-enabled or foreign file is named for what it is. A PDF's form is read by
pypdf, which runs nothing in it. Every refusal is one :class:`ContentError`.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from generator.errors import ContentError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest client file read: a filled worksheet is tens of kilobytes, a client list of
thousands of rows a megabyte."""
MAX_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
"""A zip entry may unpack to at most this many times its packed size (text packs to ~1/10)."""
SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an encrypted (password-protected) workbook or an old .xls file",
    b"{\\rtf": "an RTF document",
}
PDF = b"%PDF-"
SAVE_AS = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"


def read_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, refused when larger than ``limit`` or unreadable."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise too_large(path, size, limit)
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(path, f"cannot be read: {exc.strerror}") from None


def check_size(name: Path, data: bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """The same limit for bytes that did not come from a file (an upload)."""
    if len(data) > limit:
        raise too_large(name, len(data), limit)
    return data


def too_large(name: Path, size: int, limit: int) -> ContentError:
    mb = limit // 1024 // 1024
    return ContentError(name, f"is {size / 1024 / 1024:.1f} MB", hint=f"at most {mb} MB")


def is_pdf(data: bytes) -> bool:
    return data.startswith(PDF)


def open_pdf(name: Path, data: bytes) -> Any:
    """A PDF's form, read by pypdf (which never runs the PDF's scripts)."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its warnings on a damaged file would print beside ours
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ContentError(name, "is an encrypted PDF", hint="save it without a password")
        reader.get_fields()
        return reader
    except ContentError:
        raise
    except Exception as exc:  # pypdf's many ways of failing on a broken file
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ContentError(name, f"cannot be read as a PDF: {message}") from None
    finally:
        quiet.setLevel(level)


def open_workbook(name: Path, data: bytes) -> Any:
    """The workbook, opened by openpyxl once it passed every check."""
    from openpyxl import load_workbook

    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise ContentError(name, f"is {what}, not an .xlsx workbook", hint=SAVE_AS)
    try:
        archive = ZipFile(BytesIO(data))
        check_archive(name, archive)
        return load_workbook(BytesIO(data), data_only=False, keep_links=False)
    except BadZipFile:
        raise ContentError(
            name, "is not an .xlsx workbook (not a zip file)", hint=SAVE_AS
        ) from None
    except ContentError:
        raise
    except Exception as exc:  # openpyxl's many ways of failing on a broken file
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ContentError(name, f"cannot be read as a workbook: {message}", hint=SAVE_AS) from None


def check_archive(name: Path, archive: ZipFile) -> None:
    """Refuse what a workbook is not: too many or too inflated entries, macros, another
    Office document, XML with a DOCTYPE (entity expansion)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ContentError(
            name,
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
            name,
            f"unpacks to {unpacked / 1024 / 1024:.0f} MB (a zip bomb?)",
            hint="a filled worksheet unpacks to well under a megabyte",
        )
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        raise ContentError(name, "is a Word document, not a workbook", hint="import the .xlsx")
    if "ppt/presentation.xml" in names:
        raise ContentError(name, "is a PowerPoint file, not a workbook", hint="import the .xlsx")
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(name.endswith("vbaProject.bin") for name in names) or b"macroEnabled" in types:
        hint = "save it as .xlsx, without macros"
        raise ContentError(name, "is a macro-enabled workbook (.xlsm)", hint=hint)
    if "xl/workbook.xml" not in names:
        raise ContentError(name, "is a zip file but not a workbook", hint=SAVE_AS)
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as member:
                head = member.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ContentError(
                    name,
                    f"{entry.filename} declares XML entities (an XML bomb?)",
                    hint="a workbook's XML never does: save it again from the spreadsheet",
                )
