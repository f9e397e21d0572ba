"""Someone else's file: the checks every foreign file passes before a parser sees it.

A client's workbook or fillable PDF (``import``, ``validate --worksheet``, an upload through
the web) and a client list (``batch``) come from outside. Each is read with a size limit; a
workbook's zip entries (a zip bomb unpacks to far more than it weighs) and XML (no DOCTYPE, so
no entity bomb) are checked before openpyxl opens it, which then parses with defusedxml; an
encrypted, macro-enabled or foreign file is named for what it is. A workbook is then read no
further than journeykit needs (:class:`ClientWorkbook`): the cells its names point at and the
first rows and columns where labels are, whatever size a sheet claims. A PDF's form is read by
pypdf, which runs nothing in it, its field tree walked once. Every refusal is one
:class:`ContentError`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.parsers import expat
from zipfile import BadZipFile, ZipFile

from generator.errors import ContentError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest client file read: a filled worksheet is tens of kilobytes, a client list of
thousands of rows a megabyte."""
MAX_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
"""What a whole workbook may unpack to: pictures and all, beyond what :data:`MAX_FILE_BYTES`
allows of them packed; its XML at most this much to look through for labels."""
MAX_RATIO = 200
"""A zip entry may unpack to at most this many times its packed size (text packs to ~1/10)."""
MAX_PART_BYTES = 4 * 1024 * 1024
"""The most one part of a workbook (a sheet's XML, its shared strings, its styles) may unpack
to: a worksheet of ours, filled in, has none over 20 KB."""
MAX_ROWS, MAX_COLUMNS = 1_000, 100
"""The rows and columns of a sheet journeykit reads, whatever size the sheet says it is: where
the names it reads may point, and where labels are looked for (a worksheet of ours uses a few
dozen rows and under twenty columns)."""
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
"""A sheet's size in Excel: rows 1 to 1048576, columns A to XFD."""
CELL_NAME = re.compile(
    r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!]+))!\$?(?P<column>[A-Za-z]{1,4})\$?(?P<row>\d{1,9})"
)
"""What a workbook name for one cell says: ``'Kundresan'!$B$3`` (or ``Kundresan!B3``)."""
MAX_FIELDS, MAX_FIELD_DEPTH = 5_000, 16
"""The form fields of a PDF read at most, and how deep its field tree is followed."""
MAX_FIELD_NAME = 1000
"""The longest full name of a PDF form field read (ours are a few dozen characters: a long
name repeated in each of its children's would take memory without bound)."""
ENCRYPTED = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
"""A PDF's trailer naming its encryption dictionary."""
SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an encrypted (password-protected) workbook or an old .xls file",
    b"{\\rtf": "an RTF document",
}
PDF = b"%PDF-"
SAVE_AS = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"


def column_letters(number: int) -> str:
    """A column's letters: 1 is ``A``, 100 ``CV``, 16384 ``XFD``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The column of its letters: ``XFD`` is 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


LAST_READ = f"{column_letters(MAX_COLUMNS)}{MAX_ROWS}"
"""The last cell read, ``CV1000``."""


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


@dataclass(frozen=True)
class ClientForm:
    """A fillable PDF's form as read: each field's value by its full name
    (``kundresan.malgrupp.vill``), and the document's language (``sv``)."""

    fields: dict[str, Any]
    language: str


def open_pdf(name: Path, data: bytes) -> ClientForm:
    """A PDF's form, read by pypdf (which never runs the PDF's scripts); an encrypted PDF is
    named for what it is before anything tries to decrypt it."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its warnings on a damaged file would print beside ours
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise encrypted_pdf(name)
        root = reader.trailer["/Root"].get_object()
        language = str(root.get("/Lang", "")).split("-")[0].lower()
        return ClientForm(_form_fields(name, root), language)
    except ContentError:
        raise
    except Exception as exc:  # pypdf's many ways of failing on a broken (or encrypted) file
        if ENCRYPTED.search(data):  # AES needs a package to decrypt, and pypdf tries at once
            raise encrypted_pdf(name) from None
        message = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ContentError(name, f"cannot be read as a PDF: {message}") from None
    finally:
        quiet.setLevel(level)


def encrypted_pdf(name: Path) -> ContentError:
    return ContentError(name, "is an encrypted PDF", hint="save it without a password")


def _form_fields(name: Path, root: Any) -> dict[str, Any]:
    """Each form field's value by its full name: the field tree walked once, each field read
    at most once (a ``/Kids`` cycle ends there), at most :data:`MAX_FIELD_DEPTH` deep and
    :data:`MAX_FIELDS` fields."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    def kids(node: Any) -> list[Any]:
        found = node.get_object() if node is not None else None
        return list(found) if isinstance(found, ArrayObject) else []

    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    if not isinstance(form, DictionaryObject):
        return {}
    fields: dict[str, Any] = {}
    seen: set[tuple[int, int]] = set()
    read = 0
    # each to visit: the field (or its reference), its parent's name, field type and value
    stack: list[tuple[Any, str, Any, Any, int]] = [
        (kid, "", None, None, 1) for kid in reversed(kids(form.get("/Fields")))
    ]
    while stack:
        kid, parent, kind, value, depth = stack.pop()
        if isinstance(kid, IndirectObject):
            if (kid.idnum, kid.generation) in seen:
                continue
            seen.add((kid.idnum, kid.generation))
        node = kid.get_object()
        if not isinstance(node, DictionaryObject) or depth > MAX_FIELD_DEPTH:
            continue
        read += 1
        children = kids(node.get("/Kids"))
        if read > MAX_FIELDS or len(stack) + len(children) > MAX_FIELDS:  # more than we read
            raise ContentError(
                name,
                f"holds more than {MAX_FIELDS} form fields",
                hint="a worksheet of ours has a few dozen",
            )
        partial = node.get("/T")
        full = ".".join(p for p in (parent, str(partial)) if p) if partial is not None else parent
        if len(full) > MAX_FIELD_NAME:
            raise ContentError(
                name,
                f"names a form field with {len(full):,} characters",
                hint="a worksheet of ours names its fields in a few dozen characters",
            )
        kind = node.get("/FT", kind)
        value = node.get("/V", value)
        if partial is not None and kind is not None:
            fields.setdefault(full, value.get_object() if value is not None else None)
        stack += [(k, full, kind, value, depth + 1) for k in reversed(children)]
    return fields


@dataclass(frozen=True)
class Cell:
    """One cell of a client's workbook as read: its sheet and place, what it holds (a formula
    as its text, never evaluated), and whether it is locked."""

    sheet: str
    row: int
    column: int
    value: Any = None
    locked: bool = True
    """Excel's default: a cell nobody styled is locked."""

    @property
    def where(self) -> str:
        """``Kundresan!C8``."""
        return f"{self.sheet}!{column_letters(self.column)}{self.row}"


class Grid:
    """A worksheet's first :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns as read
    (where labels are looked for)."""

    def __init__(
        self, sheet: str, cells: dict[tuple[int, int], Cell], protection: Callable[[], bool]
    ) -> None:
        self.sheet = sheet
        self.cells = cells
        self._protection = protection

    @functools.cached_property
    def protected(self) -> bool:
        """Whether the sheet is protected (read from the whole sheet, so only when asked)."""
        return self._protection()

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column)) or Cell(self.sheet, row, column)

    def rows(self) -> list[list[Cell]]:
        """The cells read, row by row, each row from left to right."""
        rows: dict[int, list[Cell]] = {}
        for (row, _), cell in sorted(self.cells.items()):
            rows.setdefault(row, []).append(cell)
        return list(rows.values())


class ClientWorkbook:
    """A client's workbook, read no further than journeykit needs: its custom properties and
    names when opened, a sheet's cells only when asked for, and never past :data:`MAX_ROWS`
    rows and :data:`MAX_COLUMNS` columns, whatever the sheet says its size is."""

    def __init__(self, name: Path, archive: ZipFile, book: Any) -> None:
        self.name = name
        self._archive = archive
        self._book = book
        self.properties: dict[str, Any] = {p.name: p.value for p in book.custom_doc_props}
        """The workbook's custom document properties, by name."""
        self._worksheets = {sheet.title: sheet for sheet in book.worksheets}
        """Its sheets of cells (a chart sheet is only in ``sheetnames``), by title."""

    def cells(self, names: Iterable[str]) -> dict[str, Cell | None]:
        """The one cell each workbook name points to, each sheet read once; None for a name the
        workbook lacks or whose cell was deleted (``#REF!``). Raises :class:`ContentError`
        for a name that points at no cell journeykit can read."""
        with self._reading():
            targets = {name: self._target(name) for name in names}
        wanted: dict[str, set[tuple[int, int]]] = {}
        for target in targets.values():
            if target is not None:
                wanted.setdefault(target[0], set()).add(target[1:])
        read: dict[tuple[str, int, int], Cell] = {}
        for title, places in wanted.items():
            rows = max(row for row, _ in places)
            columns = max(column for _, column in places)
            box = self._read(title, rows, columns)
            read |= {(title, *place): box.get(place) or Cell(title, *place) for place in places}
        return {name: read[target] if target else None for name, target in targets.items()}

    def grids(self) -> Iterator[Grid]:
        """Each worksheet's labelled grid in the workbook's order, read when it is reached."""
        for title in self._worksheets:
            cells = self._read(title, MAX_ROWS, MAX_COLUMNS)
            yield Grid(title, cells, functools.partial(self._protected, title))

    def _target(self, name: str) -> tuple[str, int, int] | None:
        """Where a name points: (sheet, row, column); None when it is not there or deleted."""
        defined = self._book.defined_names.get(name)
        if defined is None:
            return None
        text = str(defined.attr_text or "").strip()
        if "#REF!" in text:  # its cell (or sheet) was deleted: the name is lost
            return None
        match = CELL_NAME.fullmatch(text)

        def nowhere(what: str) -> ContentError:
            return ContentError(
                self.name,
                f"the cell name {name} points at {text[:60]}, {what}",
                hint=f"a name journeykit reads points at one cell of a worksheet, "
                f"A1 to {LAST_READ}, e.g. 'Sheet'!$B$3",
            )

        if match is None:
            raise nowhere(
                "which is not one cell of a sheet" if "!" in text else "which names no sheet"
            )
        title = match["quoted"].replace("''", "'") if match["quoted"] else match["plain"]
        if title not in self._book.sheetnames:
            raise nowhere("a sheet the workbook does not have")
        if title not in self._worksheets:
            raise nowhere("a chart sheet")
        column = column_number(match["column"])
        row = int(match["row"])
        if not 1 <= row <= EXCEL_ROWS:
            raise nowhere(f"row {row}, and rows run from 1 to {EXCEL_ROWS}")
        if column > EXCEL_COLUMNS:
            raise nowhere("past column XFD, the last")
        if row > MAX_ROWS or column > MAX_COLUMNS:
            raise nowhere(f"past the first {MAX_ROWS} rows and {MAX_COLUMNS} columns read")
        return title, row, column

    def _read(self, title: str, rows: int, columns: int) -> dict[tuple[int, int], Cell]:
        """The cells a sheet holds in its first ``rows`` rows and ``columns`` columns,
        streamed: the sheet is read no further than its row ``rows``."""
        from openpyxl.cell.read_only import ReadOnlyCell
        from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

        def text(value: Any) -> Any:
            if isinstance(value, ArrayFormula):  # typed as {=…}: its text, like any formula
                return value.text or ""
            if isinstance(value, DataTableFormula):
                return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
            return value

        cells = {}
        with self._reading(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = self._worksheets[title]
            for row in sheet.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=columns):
                for cell in row:
                    if isinstance(cell, ReadOnlyCell):
                        place = (cell.row, cell.column)
                        cells[place] = Cell(title, *place, text(cell.value), _locked(cell))
        return cells

    def _protected(self, title: str) -> bool:
        """Whether a sheet is protected: its ``<sheetProtection sheet="1">``, which follows
        its cells, found by one pass of expat (no tree kept)."""
        found: list[bool] = []

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag.rsplit(" ", 1)[-1] == "sheetProtection":
                found.append(attributes.get("sheet") in ("1", "true"))
                raise _Found

        def refuse(*_: object) -> None:
            raise ValueError("a sheet's XML declares a DOCTYPE")

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        path = self._worksheets[title]._worksheet_path  # where openpyxl found the sheet's part
        with contextlib.suppress(_Found), self._reading(), self._archive.open(path) as part:
            parser.ParseFile(part)
        return bool(found and found[0])

    def _reading(self) -> Reading:
        return Reading(self.name)

    def close(self) -> None:
        self._book.close()


class Reading(contextlib.AbstractContextManager["Reading"]):
    """openpyxl's (and zipfile's) many ways of failing on a broken file, met while opening it
    or reading a part, as one :class:`ContentError` naming the file."""

    def __init__(self, name: Path) -> None:
        self.name = name

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, Exception) and not isinstance(exc, ContentError | _Found):
            raise unreadable(self.name, exc) from None


class _Found(Exception):
    """What ends a pass of expat once it found what it looked for."""


def _locked(cell: Any) -> bool:
    """Whether a cell is locked by its style (locked, Excel's default, when the style is not
    in the workbook)."""
    try:
        return cell.protection.locked is not False
    except (IndexError, AttributeError, TypeError):
        return True


def unreadable(name: Path, exc: Exception) -> ContentError:
    message = " ".join(str(exc).split())[:120] or type(exc).__name__
    return ContentError(name, f"cannot be read as a workbook: {message}", hint=SAVE_AS)


def open_workbook(name: Path, data: bytes) -> ClientWorkbook:
    """The workbook, opened by openpyxl once it passed every check: its names, properties,
    strings and styles read, its sheets only noted (each is read when asked for)."""
    for signature, what in SIGNATURES.items():
        if data.startswith(signature):
            raise ContentError(name, f"is {what}, not an .xlsx workbook", hint=SAVE_AS)
    try:
        archive = ZipFile(BytesIO(data))
    except BadZipFile:
        raise ContentError(
            name, "is not an .xlsx workbook (not a zip file)", hint=SAVE_AS
        ) from None
    with Reading(name), warnings.catch_warnings():  # openpyxl's would print beside ours
        warnings.simplefilter("ignore")
        check_archive(name, archive)
        reader = _lazy_reader()(BytesIO(data), read_only=True, keep_links=False)
        reader.read()
        return ClientWorkbook(name, archive, reader.wb)


@functools.cache
def _lazy_reader() -> type:
    """openpyxl's reader of a workbook, read-only, but for its sheets: each is noted and none
    read (openpyxl's own reads each as far as its size, or its end when none is given)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            """Not read: journeykit asks for the rows and columns it reads."""

    class ChartSheet:
        """A chart sheet, by its title: it holds no cell, and its chart is not read."""

        def __init__(self, title: str) -> None:
            self.title = title
            self.defined_names: dict[str, Any] = {}

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.wb._sheets.append(ChartSheet(sheet.name))
                    continue
                noted = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                noted.sheet_state = sheet.state
                self.wb._sheets.append(noted)

    return Reader


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
        if entry.file_size > MAX_PART_BYTES:  # zipfile reads no more of it than this
            raise ContentError(
                name,
                f"{entry.filename} unpacks to {entry.file_size / 1024 / 1024:.0f} MB",
                hint=f"a part of a workbook may unpack to at most "
                f"{MAX_PART_BYTES // 1024 // 1024} MB; a filled worksheet's are kilobytes",
            )
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
