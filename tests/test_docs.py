"""docs/content.md documents every key of every content file: its tables must match the models.

Each documented model has a table right after a marker line ``<!-- fields: <Model> -->`` (the
client CSV: ``<!-- columns: batch -->``). A table is a plain Markdown pipe table, one field a
row, no ``|`` inside a cell::

    | Field | Type | Default | Description |
    |---|---|---|---|
    | `contact.website` | web address | `""` | … |

Field names are dotted into nested models (``colors.primary``) and into the items of lists of
models (``stages[].id``). The Default cell is one of: ``required``, ``from the file name``,
``from the folder name``, ``empty`` (an empty list or mapping), ``not set`` (None), ``see below``
(a nested model, whose fields have their own rows) or a YAML value in backticks (``"#1F4E79"``,
``false``, ``2``), which must equal the model's default.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML

from generator import batch, model
from generator.model import (
    WORKSHEET_KINDS,
    Brand,
    Checklist,
    Contact,
    Example,
    Form,
    Framework,
    Guide,
    Section,
    UiStrings,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "content.md"
MARKER = re.compile(r"<!-- (fields|columns): (\w+) -->")
HEADERS = {
    "fields": ["Field", "Type", "Default", "Description"],
    "columns": ["Column", "Required", "Brand field", "Description"],
}
FILE_NAME, FOLDER_NAME = "from the file name", "from the folder name"

DOCUMENTED: dict[str, type[BaseModel]] = {
    m.__name__: m for m in (Guide, Section, Framework, Form, Checklist, Example, Brand, UiStrings)
}
"""The models with a table of their own: one per kind of content file."""

FROM_PATH: dict[tuple[str, str], str] = {
    ("Guide", "id"): FOLDER_NAME,  # guides/<id>/guide.<lang>.yaml
    ("Guide", "language"): FILE_NAME,
    **{(kind, "id"): FILE_NAME for kind in ("Framework", "Form", "Checklist")},
    **{(kind, "language"): FILE_NAME for kind in ("Framework", "Form", "Checklist")},
    ("Section", "id"): FILE_NAME,  # guides/<guide>/sections/<id>.<lang>.md
    ("Example", "id"): FILE_NAME,  # examples/<framework>/<id>.<lang>.yaml
    ("Example", "language"): FILE_NAME,
    ("Example", "framework"): FOLDER_NAME,
    ("Brand", "id"): FOLDER_NAME,  # brands/<id>/brand.yaml
    ("UiStrings", "language"): FILE_NAME,  # i18n/<lang>.yaml
}
"""Keys generator.loading takes from the path (a file may repeat them): documented so."""

_LOADED_FROM = "the file it was read from, set by the loader: not a key anyone writes"
EXCLUDED: dict[tuple[str, str], str] = {
    **{
        (name, "path"): _LOADED_FROM
        for name in ("Guide", "Section", "Framework", "Form", "Checklist", "Example", "UiStrings")
    },
    ("Guide", "sections"): "filled from the files in sections/: documented as the Section file",
    ("Section", "body"): "the Markdown after the front matter, not a key: described in prose",
    ("Section", "images"): "the files of the body's images, found by the loader",
    ("Brand", "folder"): "the brand's folder (its logo and fonts), set by the loader",
    ("Example", "own"): "set by import for a client's own worksheet, never in a file",
}
"""Model fields the tables leave out on purpose, each with the reason."""

NOT_CONTENT = {
    "Strict": "the base class of every model",
    "WorksheetBase": "the base of the three worksheet kinds, whose tables repeat its fields",
    "Library": "everything loaded, built by the loader",
    "Job": "one file to build, made by planning",
}
"""Models of generator.model that no content file is written as."""


# --- reading the document -------------------------------------------------------------------


def read_tables(text: str) -> dict[tuple[str, str], list[list[str]]]:
    """Each marked table's rows (header and separator dropped), by (kind, name)."""
    tables: dict[tuple[str, str], list[list[str]]] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines):
        marker = MARKER.fullmatch(line.strip())
        if marker is None:
            continue
        key = (marker[1], marker[2])
        assert key not in tables, f"line {number + 1}: a second table for {key}"
        table = []
        for following in lines[number + 1 :]:
            if not following.startswith("|"):
                break
            table.append(split_row(following))
        assert len(table) >= 3, f"line {number + 1}: no table after the marker"
        assert table[0] == HEADERS[key[0]], f"line {number + 1}: header {table[0]}"
        assert all(set(cell) <= set("-:") for cell in table[1]), f"line {number + 2}"
        tables[key] = table[2:]
    return tables


def split_row(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.strip().removeprefix("|").removesuffix("|").split("|")]
    assert len(cells) == 4, f"not four cells (a | in the text?): {line}"
    return cells


def code(cell: str) -> str:
    """The text of a cell that is one code span, e.g. `` `contact.website` ``."""
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"expected a name in backticks, got {cell!r}"
    return match[1]


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tables(text: str) -> dict[tuple[str, str], list[list[str]]]:
    return read_tables(text)


# --- what the models have -------------------------------------------------------------------


def contains_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(contains_model(arg) for arg in get_args(annotation))


def nested(annotation: Any) -> tuple[type[BaseModel], str] | None:
    """A model the tables document field by field: a nested one, a list of them, or a mapping
    of ids to them (``tracker.<stage>.kind``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, "."
    args = get_args(annotation)
    if get_origin(annotation) is list and len(args) == 1 and contains_model(args[0]):
        inner = nested(args[0])
        if inner is not None and inner[1] == ".":
            return inner[0], "[]."
    if get_origin(annotation) is dict and len(args) == 2 and contains_model(args[1]):
        inner = nested(args[1])
        if inner is not None and inner[1] == ".":
            return inner[0], ".<id>."
    return None


def fields_of(
    name: str, cls: type[BaseModel], prefix: str = ""
) -> tuple[dict[str, FieldInfo], list[str]]:
    """Every field of ``cls`` by dotted name, recursing into nested models; and the fields
    holding a model some other way (e.g. a mapping of them), which must be excluded."""
    found: dict[str, FieldInfo] = {}
    unhandled: list[str] = []
    for field, info in cls.model_fields.items():
        dotted = prefix + field
        found[dotted] = info
        if (name, dotted) in EXCLUDED:
            continue
        inner = nested(info.annotation)
        if inner is not None:
            deeper, unhandled_deeper = fields_of(name, inner[0], dotted + inner[1])
            found.update(deeper)
            unhandled += unhandled_deeper
        elif contains_model(info.annotation):
            unhandled.append(dotted)
    return found, unhandled


def default_problem(name: str, field: str, info: FieldInfo, cell: str) -> str | None:
    """What is wrong with the Default cell of one field, or None."""
    derived = FROM_PATH.get((name, field))
    if derived is not None:
        return None if cell == derived else f"{field}: the loader fills it: write {derived!r}"
    if cell in (FILE_NAME, FOLDER_NAME):
        return f"{field}: the loader does not fill it from the path (see FROM_PATH)"
    if cell == "required" or info.is_required():
        if cell == "required" and info.is_required():
            return None
        return f"{field}: documented {cell!r}, but required is {info.is_required()}"
    default = info.get_default(call_default_factory=True)
    if cell == "empty":
        ok = isinstance(default, list | dict) and not default
    elif cell == "not set":
        ok = default is None
    elif cell == "see below":
        ok = isinstance(default, BaseModel)
    elif match := re.fullmatch(r"`([^`]*)`", cell):
        value = YAML(typ="safe").load(match[1])
        ok = isinstance(default, str | int | float | bool) and (type(value), value) == (
            type(default),
            default,
        )
    else:
        return f"{field}: unknown Default {cell!r}"
    return None if ok else f"{field}: documented default {cell!r}, the model's is {default!r}"


def problems(name: str, cls: type[BaseModel], rows: list[list[str]]) -> list[str]:
    """Every way a table differs from its model (empty when they agree)."""
    found: list[str] = []
    documented: dict[str, str] = {}
    for row in rows:
        field = code(row[0])
        if field in documented:
            found.append(f"{field}: documented twice")
        documented[field] = row[2]
        if not row[1] or not row[3]:
            found.append(f"{field}: no type or description")
    fields, unhandled = fields_of(name, cls)
    excluded = {field for (owner, field) in EXCLUDED if owner == name}
    found += [f"{field}: not documented" for field in fields.keys() - documented - excluded]
    found += [f"{field}: no such field in {name}" for field in documented.keys() - fields.keys()]
    found += [f"{field}: excluded, yet documented" for field in documented.keys() & excluded]
    found += [f"{field}: excluded, but no such field" for field in excluded - fields.keys()]
    found += [f"{field}: holds models; document them or exclude it" for field in unhandled]
    for field, cell in documented.items():
        if field in fields:
            found += filter(None, [default_problem(name, field, fields[field], cell)])
    found += [
        f"{field}: in FROM_PATH, but no such field"
        for (owner, field) in FROM_PATH
        if owner == name and field not in fields
    ]
    return sorted(found)


# --- the tests ------------------------------------------------------------------------------


def test_every_model_has_its_table(tables: dict[tuple[str, str], list[list[str]]]) -> None:
    assert {name for kind, name in tables if kind == "fields"} == set(DOCUMENTED)
    assert set(tables) - {("fields", name) for name in DOCUMENTED} == {("columns", "batch")}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_table_matches_model(name: str, tables: dict[tuple[str, str], list[list[str]]]) -> None:
    assert problems(name, DOCUMENTED[name], tables[("fields", name)]) == []


def test_every_content_model_is_covered() -> None:
    """A new model (e.g. a fourth worksheet kind) needs a table, or a place in NOT_CONTENT."""
    reached = set(DOCUMENTED)
    for name, cls in DOCUMENTED.items():
        for info in fields_of(name, cls)[0].values():
            inner = nested(info.annotation)
            if inner is not None:
                reached.add(inner[0].__name__)
    defined = {
        value.__name__
        for value in vars(model).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == model.__name__
    }
    assert defined - reached - set(NOT_CONTENT) == set()
    assert {kind.__name__ for kind in WORKSHEET_KINDS.values()} <= set(DOCUMENTED)


def test_csv_columns(tables: dict[tuple[str, str], list[list[str]]]) -> None:
    rows = tables[("columns", "batch")]
    assert [code(row[0]) for row in rows] == list(batch.COLUMNS)
    for row in rows:
        column = code(row[0])
        assert row[1] == ("required" if column in batch.REQUIRED else "optional"), column
        brand_fields = fields_of("Brand", Brand)[0]
        assert code(row[2]) in brand_fields, f"{column}: no Brand field {row[2]}"
        assert row[3], column


def examples(text: str) -> dict[str, str]:
    """The first fenced block after each marker: the table's example file."""
    found = {}
    for marker in MARKER.finditer(text):
        block = re.compile(r"^```\w*\n(.*?)^```$", re.M | re.S).search(text, marker.end())
        assert block, f"no example after {marker[0]}"
        found[marker[2]] = block[1]
    return found


PLACEHOLDERS = {"id": "sample", "language": "en", "framework": "funnel"}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_example_is_valid(name: str, text: str) -> None:
    source = examples(text)[name]
    extra: dict[str, object] = {
        field: PLACEHOLDERS[field] for (owner, field) in FROM_PATH if owner == name
    }
    if name == "Section":
        _, front, source = source.split("---\n", 2)
        extra |= {"body": source, "path": Path("intro.en.md")}
        source = front
    data = YAML(typ="safe").load(source)
    DOCUMENTED[name].model_validate({**data, **extra})


def test_csv_example_header(text: str) -> None:
    header = examples(text)["batch"].splitlines()[0]
    assert header.split(";") == list(batch.COLUMNS)


class Audience(Guide):
    audience: str = ""


class Fax(Contact):
    fax: str = ""


class FaxBrand(Brand):
    contact: Fax = Fax()


class Subtitled(Guide):
    subtitle: str = "Untitled"


@pytest.mark.parametrize(
    ("name", "changed", "expected"),
    [
        ("Guide", Audience, ["audience: not documented"]),
        ("Brand", FaxBrand, ["contact.fax: not documented"]),
        ("Guide", Subtitled, ["subtitle: documented default '`\"\"`', the model's is 'Untitled'"]),
    ],
)
def test_a_change_to_a_model_fails(
    name: str,
    changed: type[BaseModel],
    expected: list[str],
    tables: dict[tuple[str, str], list[list[str]]],
) -> None:
    """The check itself: a field added to a model, or a default changed, is caught."""
    assert problems(name, changed, tables[("fields", name)]) == expected
