"""Batch brands: a CSV of clients (one brand a row) → brands, checked like brand files.

Columns: id, name, primary, accent, logo, website, email, phone, language. A logo is a path
relative to the CSV file's folder. Every row is checked like a brand file before anything is
built; a bad row is reported and skipped, so one client's mistake does not hold up the others.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError

from generator.branding import brand_problems
from generator.errors import ContentError, ContentErrors
from generator.fonts import Family
from generator.model import Brand, field_problems

COLUMNS = ("id", "name", "primary", "accent", "logo", "website", "email", "phone", "language")


def load_brands_csv(
    path: Path, bundled: dict[str, Family], languages: dict[str, str]
) -> tuple[dict[str, Brand], list[ContentError]]:
    """The good rows' brands, and a problem (line, field) for each bad row, explained exactly
    as in a brand file.

    Raises :class:`ContentErrors` when the file itself cannot be used (unreadable, no rows,
    columns missing).
    """
    errors: list[ContentError] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ContentErrors([ContentError(path, f"cannot be read as CSV: {exc}")]) from None
    missing = [column for column in COLUMNS if column not in header]
    if missing or not rows:
        hint = f"the first line names the columns: {','.join(COLUMNS)}"
        message = f"missing columns: {', '.join(missing)}" if missing else "no rows"
        raise ContentErrors([ContentError(path, message, line=1, hint=hint)])
    brands: dict[str, Brand] = {}
    for line, row in enumerate(rows, start=2):
        found = len(errors)
        brand = _brand(path, line, row, errors)
        if brand is None:
            continue
        for problem in brand_problems(brand, path.parent, bundled, languages):
            field = ".".join(problem.key)
            errors.append(ContentError(path, problem.message, line, field, problem.hint))
        if brand.id in brands:
            errors.append(ContentError(path, f"brand id {brand.id!r} appears twice", line, "id"))
        elif len(errors) == found:
            brands[brand.id] = brand
    return brands, errors


def _brand(
    path: Path, line: int, row: dict[str, str | None], errors: list[ContentError]
) -> Brand | None:
    def value(column: str) -> str:  # a short row lacks its last columns: they are empty
        return (row.get(column) or "").strip()

    data = {
        "id": value("id"),
        "name": value("name"),
        "logo": value("logo"),
        "colors": {"primary": value("primary"), "accent": value("accent")},
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
