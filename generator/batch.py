"""Batch brands: a CSV of clients (one brand a row) → brands, checked like brand files.

Columns: id, name, primary, accent, logo, website, email, phone, language (only id and name
required; an empty colour is journeykit's default, as in a brand file). A logo is a path
relative to the CSV file's folder. Every row is checked like a brand file before anything is
built; a bad row is reported and skipped, so one client's mistake does not hold up the others.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from generator.branding import brand_problems
from generator.errors import ContentError, ContentErrors
from generator.fonts import Family
from generator.model import Brand, field_problems
from generator.untrusted import read_file

COLUMNS = ("id", "name", "primary", "accent", "logo", "website", "email", "phone", "language")
REQUIRED = ("id", "name")
"""The columns a client list must have; the others may be left out (the brand's defaults)."""
DELIMITERS = (",", ";", "\t")
"""What separates the values: Swedish and Norwegian Excel save CSV with ``;``."""
ENCODINGS = ("utf-8-sig", "cp1252")
"""UTF-8 (with or without Excel's byte-order mark), else Windows-1252, as older Excel saves."""


def load_brands_csv(
    path: Path, bundled: dict[str, Family], languages: dict[str, str]
) -> tuple[dict[str, Brand], list[ContentError]]:
    """The good rows' brands, and a problem (line, field) for each bad row, explained exactly
    as in a brand file.

    Reads CSV as Excel saves it: ``,``, ``;`` or tab between values, UTF-8 or Windows-1252,
    rows shorter than the header (their last values empty). Raises :class:`ContentErrors` when
    the file itself cannot be used (unreadable, no rows, a required or unknown column).
    """
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as exc:
        raise ContentErrors([ContentError(path, f"cannot be read as CSV: {exc}", 1)]) from None
    _check_header(path, header)
    errors: list[ContentError] = []
    brands: dict[str, Brand] = {}
    rows = 0
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(ContentError(path, f"cannot be read as CSV: {exc}", line))
            break
        if not any(value.strip() for value in values):
            continue  # a blank line, as spreadsheets leave at the end
        rows += 1
        if len(values) > len(header):
            message = f"{len(values)} values, but the first line names {len(header)} columns"
            hint = f"a value holding {delimiter!r} needs quotes around it"
            errors.append(ContentError(path, message, line, hint=hint))
            continue
        found = len(errors)
        brand = _brand(path, line, dict(zip(header, values, strict=False)), errors)
        if brand is None:
            continue
        for problem in brand_problems(brand, path.parent, bundled, languages):
            field = ".".join(problem.key)
            errors.append(ContentError(path, problem.message, line, field, problem.hint))
        if brand.id in brands:
            errors.append(ContentError(path, f"brand id {brand.id!r} appears twice", line, "id"))
        elif len(errors) == found:
            brands[brand.id] = brand
    if not rows:
        raise ContentErrors([ContentError(path, "no rows", 1, hint=_COLUMNS_HINT)])
    return brands, errors


_COLUMNS_HINT = f"the first line names the columns: {','.join(COLUMNS)} (only id and name needed)"


def _decode(path: Path) -> str:
    """The file's text in the first of :data:`ENCODINGS` it is valid in."""
    try:
        data = read_file(path)
    except ContentError as exc:
        raise ContentErrors([exc]) from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
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
