"""Accessible PDFs: what a program can check of the Matterhorn Protocol (PDF/UA-1), read from the
structure tree with pikepdf: declared PDF/UA with its title shown and language set, headings
from H1 without skipped levels, every table with header cells, every figure with alternate
text, every widget and link in the structure, loanwords in their own language, no text drawn
with transparency (issue 12)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest

from generator.colors import contrast_ratio
from generator.model import Library
from generator.palette import Palette
from tests.conftest import ROOT, loaded

DOCUMENTS = [
    "default/sv/kundresan.pdf",
    "default/nb/kundereisen.pdf",
    "default/en/engagement-ladder.pdf",
    "default/sv/kundresan-worksheet-blank.pdf",
    "default/nb/kundereisen-handlingsplan-blank.pdf",
    "default/nb/kundereisen-buyer-persona-blank.pdf",
]


def elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below ``node``, in document order."""
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from elements(kid)


@pytest.fixture(scope="module", params=DOCUMENTS)
def pdf(request: pytest.FixtureRequest, key_pdfs: Path) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(key_pdfs / request.param) as document:
        yield document


def test_declared_pdf_ua_titled_and_in_its_language(pdf: pikepdf.Pdf) -> None:
    metadata = pdf.Root.Metadata.read_bytes().decode()
    assert re.search(r'pdfuaid:part(="1"|>1<)', metadata), metadata
    assert pdf.Root.ViewerPreferences.DisplayDocTitle
    assert str(pdf.Root.Lang) in ("sv", "nb", "en")
    assert pdf.Root.MarkInfo.Marked
    assert str(pdf.docinfo.get("/Title", ""))


def test_headings_start_at_h1_and_never_skip_a_level(pdf: pikepdf.Pdf) -> None:
    levels = [
        int(str(element.S)[2])
        for element in elements(pdf.Root.StructTreeRoot)
        if str(element.S) in {f"/H{n}" for n in range(1, 7)}
    ]
    assert levels and levels[0] == 1
    assert all(after <= before + 1 for before, after in pairwise(levels))


def test_tables_have_header_cells_and_figures_alternate_text(pdf: pikepdf.Pdf) -> None:
    tables = 0
    for element in elements(pdf.Root.StructTreeRoot):
        if element.S == "/Table":
            tables += 1
            assert any(cell.S == "/TH" for cell in elements(element))
        if element.S == "/Figure":
            assert str(element.get("/Alt", "")).strip()
    assert tables


def test_every_widget_and_link_is_in_the_structure(pdf: pikepdf.Pdf) -> None:
    parents = pdf.Root.StructTreeRoot.ParentTree.Nums
    keys = {int(key) for key in parents[::2]}
    annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
    for annotation in annotations:
        assert annotation.Subtype in ("/Widget", "/Link")
        assert int(annotation.StructParent) in keys


def test_no_text_is_drawn_with_transparency(pdf: pikepdf.Pdf) -> None:
    """Text under an opacity group falls out of the structure tree: none is used."""
    for page in pdf.pages:
        states = page.obj.Resources.get("/ExtGState", {})
        for state in states.values():
            assert float(state.get("/ca", 1)) == 1 and float(state.get("/CA", 1)) == 1


def test_all_text_is_tagged_or_a_pagination_artifact(pdf: pikepdf.Pdf) -> None:
    """Every text is inside marked content the structure tree holds, or an artifact; the
    running heads and feet (the brand's name, the page number) are pagination artifacts."""
    held = {
        (n, mcid)
        for n, page in enumerate(pdf.pages)
        for element in elements(pdf.Root.StructTreeRoot)
        if element.get("/Pg") == page.obj
        for mcid in _mcids(element)
    }
    pagination = 0
    for n, page in enumerate(pdf.pages):
        stack: list[tuple[str, pikepdf.Object]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                properties = operands[1] if len(operands) > 1 else pikepdf.Dictionary()
                stack.append((str(operands[0]), properties))
            elif name == "EMC":
                stack.pop()
            elif name in ("Tj", "TJ", "'", '"'):
                artifacts = [props for tag, props in stack if tag == "/Artifact"]
                pagination += any(a.get("/Type") == "/Pagination" for a in artifacts)
                tagged = [props.get("/MCID") for tag, props in stack if "/MCID" in props]
                assert artifacts or (tagged and (n, int(tagged[-1])) in held), (n, stack)
    assert pagination > 0 or len(pdf.pages) == 1


def _mcids(element: pikepdf.Dictionary) -> list[int]:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [int(kid) for kid in kids if isinstance(kid, int)] + [
        int(kid.MCID) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid
    ]


def test_loanwords_carry_their_own_language(key_pdfs: Path) -> None:
    with pikepdf.open(key_pdfs / "default/sv/kundresan.pdf") as document:
        languages = {
            str(element.Lang)
            for element in elements(document.Root.StructTreeRoot)
            if element.S == "/Span" and "/Lang" in element
        }
    assert languages == {"en"}


def test_the_guide_opens_with_its_bookmarks(key_pdfs: Path) -> None:
    with pikepdf.open(key_pdfs / "default/sv/kundresan.pdf") as document:
        assert document.Root.PageMode == "/UseOutlines"
        assert "/Outlines" in document.Root


@pytest.mark.parametrize("brand", ["default", "acme"])
def test_row_help_reads_at_aa_on_its_fill(brand: str) -> None:
    library: Library = loaded(ROOT if brand == "default" else ROOT / "tests/projects/branded")
    palette = Palette.of(library.brands[brand].colors)
    assert contrast_ratio(palette.help_text, palette.label_fill) >= 4.5
    stylesheet = (ROOT / "layouts/pdf/style.css.j2").read_text()
    rule = next(line for line in stylesheet.splitlines() if line.startswith(".row-help"))
    size = float(rule.split("font-size:")[1].split("pt")[0])
    assert size >= 7.5
