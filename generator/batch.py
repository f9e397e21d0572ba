"""Batch brands: a CSV of clients (one brand a row) → brands, checked like brand files.

Columns: id, name, primary, accent, logo, website, email, phone, language (only id and name
required; an empty colour is journeykit's default, as in a brand file). A logo is a path
relative to the CSV file's folder. Every row is checked like a brand file; a bad row is
reported and skipped, so one client's mistake does not hold up the others.

The list is read as a stream (:class:`ClientList`): the file is checked whole once (its size,
encoding, columns and rows counted, nothing kept), then each row is checked as it is read and
handed on, so a list of 100 000 clients starts its first brand within seconds and holds one
row at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from generator.branding import brand_problems
from generator.errors import ContentError, ContentErrors
from generator.fonts import Family
from generator.model import Brand, field_problems
from generator.untrusted import MAX_FILE_BYTES, too_large

COLUMNS = ("id", "name", "primary", "accent", "logo", "website", "email", "phone", "language")
REQUIRED = ("id", "name")
"""The columns a client list must have; the others may be left out (the brand's defaults)."""
DELIMITERS = (",", ";", "\t")
"""What separates the values: Swedish and Norwegian Excel save CSV with ``;``."""
ENCODINGS = ("utf-8-sig", "cp1252")
"""UTF-8 (with or without Excel's byte-order mark), else Windows-1252, as older Excel saves."""


ClientRow = tuple[int, Brand | list[ContentError]]
"""A row's line and its brand, or why it cannot be used."""


def load_brands_csv(
    path: Path, bundled: dict[str, Family], languages: dict[str, str]
) -> tuple[dict[str, Brand], list[ContentError]]:
    """The good rows' brands, and a problem (line, field) for each bad row, explained exactly
    as in a brand file (the whole list at once: :class:`ClientList` reads it row by row).

    Raises :class:`ContentErrors` when the file itself cannot be used (unreadable, no rows, a
    required or unknown column).
    """
    brands: dict[str, Brand] = {}
    errors: list[ContentError] = []
    for _, read in ClientList(path, bundled, languages).rows():
        if isinstance(read, Brand):
            brands[read.id] = read
        else:
            errors += read
    return brands, errors


class ClientList:
    """A client CSV, read as Excel saves it: ``,``, ``;`` or tab between values, UTF-8 or
    Windows-1252, rows shorter than the header (their last values empty).

    Opening it reads the file once (its size limit, encoding, header and how many rows it
    has) and raises :class:`ContentErrors` when the file itself cannot be used (unreadable, not
    text, no rows, a required or unknown column); :meth:`rows` then reads it again, one row at
    a time.
    """

    def __init__(self, path: Path, bundled: dict[str, Family], languages: dict[str, str]) -> None:
        self.path, self.bundled, self.languages = path, bundled, languages
        _check_size(path)
        self.encoding, self.delimiter, self.header, self.count = _survey(path)

    def rows(self) -> Iterator[ClientRow]:
        """Each row's line and brand (checked like a brand file), or its problems; blank
        lines are passed over, and a row repeating an earlier row's id is refused."""
        seen: set[str] = set()
        path = self.path
        with _opened(path, self.encoding) as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            next(reader)  # the header, checked when the list was opened
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except (csv.Error, UnicodeDecodeError) as exc:  # the latter: changed since
                    yield line, [ContentError(path, f"cannot be read as CSV: {exc}", line)]
                    return
                if not any(value.strip() for value in values):
                    continue  # a blank line, as spreadsheets leave at the end
                yield line, self._row(line, values, seen)

    def _row(self, line: int, values: list[str], seen: set[str]) -> Brand | list[ContentError]:
        """One row's brand, or every problem it has."""
        path, header = self.path, self.header
        if len(values) > len(header):
            message = f"{len(values)} values, but the first line names {len(header)} columns"
            hint = f"a value holding {self.delimiter!r} needs quotes around it"
            return [ContentError(path, message, line, hint=hint)]
        errors: list[ContentError] = []
        brand = _brand(path, line, dict(zip(header, values, strict=False)), errors)
        if brand is None:
            return errors
        for problem in brand_problems(brand, path.parent, self.bundled, self.languages):
            field = ".".join(problem.key)
            errors.append(ContentError(path, problem.message, line, field, problem.hint))
        if brand.id in seen:
            errors.append(ContentError(path, f"brand id {brand.id!r} appears twice", line, "id"))
        if errors:
            return errors
        seen.add(brand.id)  # a row refused for its own problems leaves its id to a later one
        return brand


_COLUMNS_HINT = f"the first line names the columns: {','.join(COLUMNS)} (only id and name needed)"


def _check_size(path: Path) -> None:
    """The file is there, and within the size limit of every client file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentErrors([ContentError(path, f"cannot be read: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise ContentErrors([too_large(path, size, MAX_FILE_BYTES)])


def _opened(path: Path, encoding: str) -> TextIO:
    """The file as text in ``encoding``, lines as the csv module wants them."""
    try:
        return path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise ContentErrors([ContentError(path, f"cannot be read: {exc.strerror}")]) from None


def _survey(path: Path) -> tuple[str, str, list[str], int]:
    """The file's encoding (the first of :data:`ENCODINGS` it is valid in), delimiter, header
    (checked) and number of rows that are not blank: one pass, keeping nothing."""
    for encoding in ENCODINGS:
        try:
            with _opened(path, encoding) as text:
                first_line = text.readline()
                delimiter = max(DELIMITERS, key=first_line.count)
                text.seek(0)
                reader = csv.reader(text, delimiter=delimiter)
                try:
                    header = [name.strip().lower() for name in next(reader, [])]
                except csv.Error as exc:
                    problem = ContentError(path, f"cannot be read as CSV: {exc}", 1)
                    raise ContentErrors([problem]) from None
                _check_header(path, header)
                count = 0
                with suppress(csv.Error):  # reported on its line when the rows are read
                    for values in reader:
                        count += any(value.strip() for value in values)
        except UnicodeDecodeError:
            continue
        if not count:
            raise ContentErrors([ContentError(path, "no rows", 1, hint=_COLUMNS_HINT)])
        return encoding, delimiter, header, count
    hint = "save it as CSV UTF-8 from the spreadsheet"
    raise ContentErrors([ContentError(path, "is neither UTF-8 nor Windows-1252 text", hint=hint)])


def _check_header(path: Path, header: list[str]) -> None:
    """Every required column there, none unknown (a misspelt column would be silently lost)."""
    problems = []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    unknown = [column for column in header if column and column not in COLUMNS]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if problems:
        message = "; ".join(problems)
        raise ContentErrors([ContentError(path, message, line=1, hint=_COLUMNS_HINT)])


def _brand(
    path: Path, line: int, row: dict[str, str | None], errors: list[ContentError]
) -> Brand | None:
    def value(column: str) -> str:  # a short row lacks its last columns: they are empty
        return (row.get(column) or "").strip()

    data = {
        "id": value("id"),
        "name": value("name"),
        "logo": value("logo"),
        "colors": {key: value(key) for key in ("primary", "accent") if value(key)},
        "contact": {k: value(k) for k in ("website", "email", "phone")},
        "language": value("language") or None,
        "folder": path.parent,
    }
    try:
        return Brand.model_validate(data)
    except ValidationError as exc:
        for problem in field_problems(exc, Brand):
            errors.append(ContentError(path, problem.message, line, problem.field, problem.hint))
    return None
