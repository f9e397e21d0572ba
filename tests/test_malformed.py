"""Malformed input, generated: hypothesis writes broken content, brand and CSV files and the
loader must answer each with problems of one line each (file, line, field), never a traceback;
what it accepts must then render (issue 9, class 4).

In process and on the minimal project alone (not the shipped library), so that hundreds of cases
fit the suite's time. The seed and case count are printed in the test summary; run again with
``JOURNEYKIT_FUZZ_SEED=<seed>`` to repeat a run, ``JOURNEYKIT_FUZZ_CASES=<n>`` for n cases
of each family.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.batch import COLUMNS, load_brands_csv
from generator.document import build_view
from generator.errors import ContentErrors
from generator.layouts import Layouts
from generator.lint import lint
from generator.loading import Collector, Loader, language_names, read_yaml
from generator.model import Library
from generator.paths import shipped_dir
from generator.plan import Filters, plan
from generator.project import Project
from generator.renderers import render_document
from tests.conftest import BRANDED, MINIMAL

pytestmark = pytest.mark.slow  # hundreds of generated cases

CASES = int(os.environ.get("JOURNEYKIT_FUZZ_CASES", "0"))
SEED = int(os.environ.get("JOURNEYKIT_FUZZ_SEED") or random.SystemRandom().randrange(2**32))

CONTENT_FILES = [
    "content/frameworks/funnel.en.yaml",
    "content/frameworks/profile.en.yaml",
    "content/frameworks/launch.en.yaml",
    "content/examples/funnel/sample.en.yaml",
    "content/examples/profile/sample-profile.en.yaml",
    "content/examples/launch/sample-launch.en.yaml",
    "content/guides/onboarding/guide.en.yaml",
    "content/guides/onboarding/sections/intro.en.md",
    "content/brands/acme/brand.yaml",
    "content/i18n/en.yaml",
]
"""The files a case may break: every kind the loader reads."""
CLIENTS = "clients.csv"
FRONT_MATTER = "---\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project, with a brand (acme, its logo) and the English UI strings of its
    own, so that it loads without the shipped content."""
    root = tmp_path_factory.mktemp("malformed") / "project"
    shutil.copytree(MINIMAL, root)
    shutil.copytree(BRANDED / "content/brands/acme", root / "content/brands/acme")
    brand = root / "content/brands/acme/brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace("language: sv", "language: en"))
    (root / "content/i18n").mkdir()
    shutil.copy(shipped_dir() / "content/i18n/en.yaml", root / "content/i18n/en.yaml")
    for target in CONTENT_FILES:  # as it is, it loads and renders
        renders(load_alone(root), root, target)
    return root


def load_alone(project: Path) -> Library:
    """The project's content without the shipped library: what ``validate`` checks, linted."""
    alone = Project(project, Project.at(project).layout_folders, [project / "content"])
    library = Loader(alone).load()
    lint(library)
    return library


# --- what a case writes ----------------------------------------------------------------------

SPECIAL_TEXT = [
    "",
    " ",
    '=HYPERLINK("http://evil.example","x")',
    "\x00",
    "\x1b[31m",
    "a\u2028b",
    "x" * 40_000,
    "#zzz",
    "#FFF",
    "file:///etc/passwd",
    "../../../etc/passwd",
    "/dev/zero",
    "grid",
    "form",
    "sv",
    "xx",
    "attract",
    "{{ 7*7 }}",
    "<script>",
    "[link](javascript:alert(1))",
    "-",
    "\ud7ff",
]
keys = st.one_of(st.text(max_size=8), st.sampled_from(["id", "kind", "cells", "rows", "stages"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(SPECIAL_TEXT),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.one_of(keys, st.integers(), st.booleans()), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths_in(tree: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a parsed YAML document, the root included."""
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from paths_in(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from paths_in(value, (*prefix, index))


def mutated(tree: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    """``tree`` with the node at ``path`` replaced, removed, or given an extra key."""
    if not path:
        return value if how != "extra" or not isinstance(tree, dict) else {**tree, "extra": value}
    *parents, last = path
    node = tree
    for key in parents:
        node = node[key]
    if how == "remove":
        del node[last]
    elif how == "extra" and isinstance(node[last], dict):
        node[last]["unexpected"] = value
    else:
        node[last] = value
    return tree


def dump(tree: Any) -> str:
    stream = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.allow_unicode = True
    writer.dump(tree, stream)
    return stream.getvalue()


@st.composite
def broken_yaml(draw: st.DrawFn, text: str) -> str | bytes:
    """A YAML document made wrong: a value of another shape, a key removed or added, the text
    cut and spliced, or bytes that are not UTF-8."""
    how = draw(st.sampled_from(["replace", "replace", "remove", "extra", "splice", "bytes"]))
    if how == "splice":
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 20)))
        return text[:start] + draw(st.text(max_size=12)) + text[end:]
    if how == "bytes":
        return draw(st.binary(max_size=60))
    tree = YAML(typ="safe", pure=True).load(text)
    path = draw(st.sampled_from(list(paths_in(tree))))
    if how == "remove" and not path:
        how = "replace"
    return dump(mutated(tree, path, how, draw(values)))


@st.composite
def broken_file(draw: st.DrawFn, original: str, markdown: bool) -> str | bytes:
    """A content file made wrong; a section's front matter or its body."""
    if not markdown:
        return draw(broken_yaml(original))
    _, front, body = original.split(FRONT_MATTER, 2)
    if draw(st.booleans()):
        new_front = draw(broken_yaml(front))
        if isinstance(new_front, bytes):
            return new_front
        return FRONT_MATTER + new_front + FRONT_MATTER + body
    return FRONT_MATTER + front + FRONT_MATTER + draw(st.text(max_size=200))


CSV_TEXT = st.one_of(
    st.text(max_size=20), st.sampled_from(["acme", "Acme AB", "#123456", "sv", "logo.svg"])
)
GOOD_VALUES = {
    "id": st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    "name": st.text(st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=20),
    "primary": st.just("#7A1F3D"),
    "accent": st.just("#F4B942"),
    "language": st.just("en"),
    "website": st.just("acme.example"),
    "email": st.just("hej@acme.example"),
    "phone": st.just("+46 70 000 00 00"),
}


@st.composite
def client_lists(draw: st.DrawFn) -> bytes:
    """A client CSV as a careless spreadsheet might save it: any columns, rows of any length,
    any delimiter, quoting or not, UTF-8 (with a BOM or not), Windows-1252 or stray bytes;
    some rows good."""
    header = draw(
        st.lists(st.sampled_from([*COLUMNS, "ID", " name ", "", "colour"]), min_size=0, max_size=10)
    )
    if draw(st.booleans()):
        header = ["id", "name", *header]
    good_row = st.tuples(*(GOOD_VALUES.get(column, st.just("")) for column in header)).map(list)
    any_row = st.lists(CSV_TEXT, max_size=len(header) + 2)
    rows = draw(st.lists(good_row | any_row, max_size=5))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    if draw(st.booleans()):
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerows([header, *rows])
        text = stream.getvalue()
    else:  # no quoting at all: delimiters and quotes inside values break the rows
        text = "\n".join(delimiter.join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "stray"]))
    if encoding == "stray":
        return text.encode("utf-8", "replace") + draw(st.binary(min_size=1, max_size=8))
    return text.encode(encoding, "replace")


# --- what the loader must answer -------------------------------------------------------------


def assert_one_line_each(errors: ContentErrors, project: Path) -> None:
    """Every problem is one short line naming a file of the project (a CSV problem its line)."""
    assert errors.errors
    for error in errors.errors:
        line = error.format()
        assert "\n" not in line and len(line) < 1000, line
        assert error.path is not None and error.path.is_relative_to(project), line


def renders(library: Library, project: Path, target: str) -> None:
    """What ``target`` feeds: a worksheet's file its workbook in each variant (the XLSX holds
    every text of it: cells, labels, help, instructions); a guide's file the guide as DOCX; a
    brand or the UI strings the blank workbook."""
    layouts = Layouts.for_project(project)
    filters = Filters(formats=("xlsx", "docx"), brands=tuple(library.brands))
    parts = Path(target).parts
    for job in plan(library, filters):
        if parts[1] in ("frameworks", "examples"):
            framework = Path(target).name.split(".")[0] if parts[1] == "frameworks" else parts[2]
            wanted = (
                job.document == "worksheet"
                and job.format == "xlsx"
                and (job.worksheet or "funnel") == framework
            )
        elif parts[1] == "guides":
            wanted = job.document == "guide"
        else:  # the blank workbook shows the brand and most UI words, in every sheet
            wanted = job.filename().endswith("worksheet-blank.xlsx")
        if wanted:
            render_document(build_view(library, job), layouts)


FAMILIES = Project.at(MINIMAL).font_families
LANGUAGES = language_names(Loader(Project.at(MINIMAL)).load().ui)


FAMILIES_OF_FILES = {
    "worksheets and examples": (CONTENT_FILES[:6], 200),
    "guides and sections": (CONTENT_FILES[6:8], 100),
    "brands and UI strings": (CONTENT_FILES[8:], 100),
    "client lists": ([CLIENTS], 100),
}
"""Each family's files and how many cases it gets (split so that test processes share them)."""


@dataclass
class Count:
    cases: int = 0
    refused: int = 0
    built: int = 0


@pytest.mark.parametrize("family", FAMILIES_OF_FILES)
def test_malformed_files_get_problems_never_a_traceback(
    project: Path, family: str, summary: list[str]
) -> None:
    """Each case breaks one file; loading it gives problems of one line each, or it renders."""
    targets, cases = FAMILIES_OF_FILES[family]
    cases = CASES or cases
    originals = {t: (project / t).read_text(encoding="utf-8") for t in targets if t != CLIENTS}
    count = Count()

    @seed(SEED)
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(target=st.sampled_from(targets), data=st.data())
    def case(target: str, data: st.DataObject) -> None:
        count.cases += 1
        path = project / target
        if target == CLIENTS:
            contents: str | bytes = data.draw(client_lists())
        else:
            contents = data.draw(broken_file(originals[target], target.endswith(".md")))
        if isinstance(contents, bytes):
            path.write_bytes(contents)
        else:
            path.write_text(contents, encoding="utf-8")
        try:
            if target == CLIENTS:  # good rows are read, each bad one is a problem
                brands, problems = load_brands_csv(path, FAMILIES, LANGUAGES)
                assert brands or problems
                if problems:
                    assert_one_line_each(ContentErrors(problems), project)
                if not brands:
                    raise ContentErrors(problems)
            else:
                library = load_alone(project)
                renders(library, project, target)
            count.built += 1
        except ContentErrors as errors:
            count.refused += 1
            assert_one_line_each(errors, project)
        finally:
            if target in originals:
                path.write_text(originals[target], encoding="utf-8")

    case()
    summary.append(
        f"malformed {family}: {count.cases} cases ({count.refused} refused with problems, "
        f"{count.built} read and used), seed {SEED} (repeat: JOURNEYKIT_FUZZ_SEED={SEED})"
    )
    assert count.cases >= cases


SLIPS = [" ", "  ", "\t", ": ", '"', "'", "#1a4d8f", "@", "`", "- ", "{", "[", "\n ", "\n  - "]
SLIPS += ["}", "]", ",", "\\", "|", ">", "*", "&", "!", "%", "?"]
"""What a person's hand adds to a YAML file: spaces, a tab, a colon, a quote, a bare colour …"""
PARSER_WORDS = ("invalid YAML", "expected <", "but found", "mapping values", "while parsing")


@pytest.mark.parametrize("target", ["content/brands/acme/brand.yaml", CONTENT_FILES[0]])
def test_a_yaml_slip_is_said_in_plain_words_at_its_line_and_column(
    project: Path, target: str
) -> None:
    """A slip anywhere in a file is reported at a line and column inside the file, in plain
    words (never the parser's "expected …" or "invalid YAML: …"), and never as a traceback."""
    original = (project / target).read_text(encoding="utf-8")
    said: list[str] = []

    @seed(SEED)
    @settings(max_examples=CASES or 300, deadline=None, database=None)
    @given(at=st.integers(0, len(original)), slips=st.lists(st.sampled_from(SLIPS), min_size=1))
    def case(at: int, slips: list[str]) -> None:
        text = original[:at] + "".join(slips) + original[at:]
        errors = Collector()
        read_yaml(project / target, text, errors)
        lines = text.count("\n") + 1
        for error in errors.errors:
            if error.message.endswith("is a control character"):
                continue
            assert error.line is not None and 1 <= error.line <= lines, error
            assert error.column is not None and error.column >= 1, error
            assert not any(words in error.message for words in PARSER_WORDS), error
            said.append(error.message)

    case()
    assert said  # the slips did break the file, and were said
