"""The comparison that judges a stamped file against a direct render
(:mod:`generator.renderers.stamp.same`): a file equals itself, a re-render of itself and a copy
re-saved with other object numbers; a brand differing by a colour, a letter, a link or a logo,
a glyph moved by half a point, a workbook's cell and a document's run are each caught and
named, and a colour one level off is not."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from generator import api
from generator.model import Brand, Colors, Contact, Library
from generator.renderers.stamp.same import DPI, differences

GUIDE = "sv/kundresan.pdf"
DOCX = "sv/kundresan.docx"
XLSX = "sv/kundresan-worksheet-blank.xlsx"


def logo(path: Path, colour: str) -> None:
    """A small PNG logo: a disc of ``colour`` on a light square."""
    image = Image.new("RGB", (120, 60), "#F0F0F0")
    ImageDraw.Draw(image).ellipse((10, 5, 60, 55), fill=colour)
    image.save(path)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Brand:
    """A brand with a logo, a website, an e-mail address and a phone number."""
    folder = tmp_path_factory.mktemp("same-brand")
    logo(folder / "logo.png", "#7A1F3D")
    logo(folder / "other.png", "#1F7A3D")
    return Brand(
        id="same",
        name="Acme Rådgivning AB",
        logo="logo.png",
        colors=Colors(primary="#1F4E79"),
        contact=Contact(website="acme.example", email="hej@acme.example", phone="+46 70 000 00"),
        language="sv",
        folder=folder,
    )


@pytest.fixture(scope="module")
def library() -> Library:
    return api.load(".")


@pytest.fixture(scope="module")
def render(library: Library) -> Callable[..., dict[str, bytes]]:
    """The guide's PDF, DOCX and blank workbook for a brand (the guide PDF alone if ``pdf``)."""

    def rendered(brand: Brand, pdf: bool = False) -> dict[str, bytes]:
        options = {"format": "pdf", "document": "guide"} if pdf else {}
        return api.render(".", brand=brand, guide="kundresan", library=library, **options)

    return rendered


@pytest.fixture(scope="module")
def files(base: Brand, render: Callable[..., dict[str, bytes]]) -> dict[str, bytes]:
    return render(base)


@pytest.fixture(scope="module")
def guide(files: dict[str, bytes]) -> bytes:
    return files[GUIDE]


def variant(render: Callable[..., dict[str, bytes]], base: Brand, **changes: object) -> bytes:
    """The guide PDF of ``base`` with ``changes``."""
    return render(base.model_copy(update=changes), pdf=True)[GUIDE]


def test_a_file_equals_itself_and_a_re_render_of_itself(
    files: dict[str, bytes], base: Brand, render: Callable[..., dict[str, bytes]]
) -> None:
    again = render(base)
    for name in (GUIDE, DOCX, XLSX):
        kind = name.rsplit(".", 1)[1]
        assert differences(kind, files[name], files[name]) == []
        assert again[name] == files[name], f"{name}: a render is not byte-identical"
        assert differences(kind, files[name], again[name]) == []


def resaved(pdf: bytes) -> bytes:
    """The PDF written again by pikepdf: objects renumbered, out of object streams, streams
    uncompressed."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        out = io.BytesIO()
        opened.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
    return out.getvalue()


def test_a_pdf_re_saved_with_other_object_numbers_and_compression_compares_equal(
    guide: bytes, tmp_path: Path
) -> None:
    again = resaved(guide)
    with pikepdf.open(io.BytesIO(guide)) as a, pikepdf.open(io.BytesIO(again)) as b:
        numbers_a = [page.obj.objgen for page in a.pages]
        numbers_b = [page.obj.objgen for page in b.pages]
    assert numbers_a != numbers_b and len(again) > 2 * len(guide)
    assert differences("pdf", guide, again) == []
    for name, data in (("rendered.pdf", guide), ("resaved.pdf", again)):
        (tmp_path / name).write_bytes(data)
        check = subprocess.run(["qpdf", "--check", str(tmp_path / name)], capture_output=True)
        assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


def test_comparing_a_ten_page_guide_takes_well_under_a_second(guide: bytes) -> None:
    with pikepdf.open(io.BytesIO(guide)) as opened:
        assert len(opened.pages) >= 10
    again = resaved(guide)
    differences("pdf", guide, again)  # pdfium's and PIL's first use
    start = time.process_time()
    assert differences("pdf", guide, again) == []
    assert time.process_time() - start < 1.0


ATTACHED = f"attachments: {XLSX.split('/')[1]} content: "
"""How a difference in the workbook the guide carries begins."""


def seen_only(lines: list[str]) -> bool:
    """Whether ``lines`` are all differences in pixels (or in the attached workbook), among
    them on the cover."""
    pixels = [line for line in lines if " pixels differ " in line and f" at {DPI} dpi" in line]
    rest = [line for line in lines if line not in pixels]
    cover = any(line.startswith("page 1: ") for line in pixels)
    return cover and all(line.startswith(("attachments: ", "pixels: ")) for line in rest)


def test_a_primary_colour_that_differs_is_caught_on_the_pages(
    guide: bytes, base: Brand, render: Callable[..., dict[str, bytes]]
) -> None:
    lines = differences("pdf", guide, variant(render, base, colors=Colors(primary="#1F4E85")))
    assert seen_only(lines), lines
    assert any(line.startswith(ATTACHED + "xl/worksheets/sheet1.xml differs: ") for line in lines)


def test_a_name_differing_by_one_letter_is_caught_in_text_and_metadata(
    guide: bytes, base: Brand, render: Callable[..., dict[str, bytes]]
) -> None:
    lines = differences("pdf", guide, variant(render, base, name="Acme Rådgivning AC"))
    text = [line for line in lines if " text differs: " in line]
    assert text and "Acme Rådgivning AB" in text[0] and "Acme Rådgivning AC" in text[0]
    assert "metadata: info /Author 'Acme Rådgivning AB' vs 'Acme Rådgivning AC'" in lines
    assert any(line.startswith("metadata: XMP dc:creator") for line in lines), lines


def test_a_website_that_differs_is_caught_in_its_link(
    guide: bytes, base: Brand, render: Callable[..., dict[str, bytes]]
) -> None:
    contact = base.contact.model_copy(update={"website": "acne.example"})
    lines = differences("pdf", guide, variant(render, base, contact=contact))
    link = "annotations: page 1 [0] /A /URI 'https://acme.example' vs 'https://acne.example'"
    assert link in lines, lines


def test_a_logo_that_differs_is_caught_on_the_pages(
    guide: bytes, base: Brand, render: Callable[..., dict[str, bytes]]
) -> None:
    lines = differences("pdf", guide, variant(render, base, logo="other.png"))
    assert seen_only(lines), lines
    assert any(line.startswith(ATTACHED + "xl/media/image1.png differs: ") for line in lines)


def edited_page(
    pdf: bytes, edit: Callable[[list[pikepdf.ContentStreamInstruction]], None]
) -> bytes:
    """The PDF with its second page's content stream edited by ``edit``."""
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        page = opened.pages[1]
        instructions = list(pikepdf.parse_content_stream(page))
        edit(instructions)
        page.Contents = opened.make_stream(pikepdf.unparse_content_stream(instructions))
        out = io.BytesIO()
        opened.save(out)
    return out.getvalue()


def test_a_glyph_moved_by_half_a_point_is_caught(guide: bytes) -> None:
    def moved(instructions: list[pikepdf.ContentStreamInstruction]) -> None:
        at = next(i for i, op in enumerate(instructions) if str(op.operator) == "Tm")
        *matrix, x, y = instructions[at].operands
        x = float(x) + 0.5 / 0.75  # the page draws in CSS pixels, 0.75 pt each
        instructions[at] = pikepdf.ContentStreamInstruction([*matrix, x, y], pikepdf.Operator("Tm"))

    lines = differences("pdf", guide, edited_page(guide, moved))
    assert len(lines) == 1 and lines[0].startswith("page 2: "), lines


@pytest.mark.parametrize(("levels", "caught"), [(1, False), (4, True)])
def test_a_colour_one_level_off_is_antialiasing_four_levels_off_a_difference(
    guide: bytes, levels: int, caught: bool
) -> None:
    def recoloured(instructions: list[pikepdf.ContentStreamInstruction]) -> None:
        for i, op in enumerate(instructions):
            if str(op.operator) == "rg":
                red, green, blue = (float(v) for v in op.operands)
                blue = min(1.0, blue + levels / 255)
                instructions[i] = pikepdf.ContentStreamInstruction(
                    [red, green, blue], pikepdf.Operator("rg")
                )

    lines = differences("pdf", guide, edited_page(guide, recoloured))
    assert bool(lines) == caught, lines
    assert all(line.startswith("page 2: ") for line in lines), lines


def retagged(pdf: pikepdf.Pdf) -> None:
    """The second page's first tagged span marked as an artifact instead."""
    page = pdf.pages[1]
    instructions = list(pikepdf.parse_content_stream(page))
    at = next(i for i, op in enumerate(instructions) if str(op.operator) == "BDC")
    artifact = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
    instructions[at] = artifact
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def retitled_field(pdf: pikepdf.Pdf) -> None:
    """The first field's tooltip with a word more."""
    field = pdf.Root.AcroForm.Fields[0]
    while "/TU" not in field:
        field = field.Kids[0]
    field.TU = pikepdf.String(str(field.TU) + " mer")


def xmp_replaced(old: bytes, new: bytes) -> Callable[[pikepdf.Pdf], None]:
    """An edit replacing ``old`` by ``new`` in the XMP packet."""

    def edit(pdf: pikepdf.Pdf) -> None:
        metadata = pdf.Root.Metadata.read_bytes()
        assert old in metadata
        pdf.Root.Metadata.write(metadata.replace(old, new))

    return edit


def set_key(
    get: Callable[[pikepdf.Pdf], pikepdf.Object], key: str, value: object
) -> Callable[[pikepdf.Pdf], None]:
    """An edit setting ``key`` to ``value`` in the dictionary ``get`` finds."""

    def edit(pdf: pikepdf.Pdf) -> None:
        get(pdf)[key] = value

    return edit


EDITS = {
    "tags": (retagged, "marked content: page 2 sequences [16] tag '/Span' vs '/Artifact'"),
    "field": (retitled_field, "form fields: kundresan.malgrupp.vill /TU "),
    "relationship": (
        set_key(lambda pdf: pdf.Root.AF[0], "/AFRelationship", pikepdf.Name.Data),
        "attachments: kundresan-worksheet-blank.xlsx relationship '/Supplement' vs '/Data'",
    ),
    "PDF/UA": (
        xmp_replaced(b'pdfuaid:part="1"', b'pdfuaid:part="2"'),
        "metadata: XMP pdfuaid:part '1' vs '2'",
    ),
    "language": (
        set_key(lambda pdf: pdf.Root, "/Lang", pikepdf.String("en")),
        "document: /Lang 'sv' vs 'en'",
    ),
    "trim box": (
        set_key(lambda pdf: pdf.pages[2].obj, "/TrimBox", [10, 10, 585.28, 831.89]),
        "page boxes: page 3 /TrimBox [0] 0 vs 10",
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_what_the_pages_do_not_show_is_caught_too(guide: bytes, edit: str) -> None:
    """Tags, fields, attachments, metadata and boxes, each edited alone."""
    change, expected = EDITS[edit]
    with pikepdf.open(io.BytesIO(guide)) as opened:
        change(opened)
        out = io.BytesIO()
        opened.save(out)
    lines = differences("pdf", guide, out.getvalue())
    assert any(line.startswith(expected) for line in lines), lines


def edited_zip(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """The zip archive with the first ``old`` in ``member`` replaced by ``new``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                assert old in content
                content = content.replace(old, new, 1)
            target.writestr(info, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_workbook_with_one_cell_changed_is_caught(files: dict[str, bytes]) -> None:
    workbook, sheet = files[XLSX], "xl/worksheets/sheet1.xml"
    assert differences("xlsx", workbook, edited_zip(workbook, sheet, b"", b"")) == []
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        cell = archive.read(sheet).split(b"<t>", 1)[1].split(b"</t>", 1)[0]
    changed = edited_zip(workbook, sheet, b"<t>" + cell, b"<t>X" + cell)
    lines = differences("xlsx", workbook, changed)
    assert len(lines) == 1 and lines[0].startswith(f"{sheet} differs: "), lines
    assert f"<t>{cell.decode()}" in lines[0] and f"<t>X{cell.decode()}" in lines[0]


def test_a_document_with_one_run_changed_is_caught(files: dict[str, bytes]) -> None:
    document = files[DOCX]
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        body = archive.read("word/document.xml")
    run = body.split(b"<w:t>", 1)[1].split(b"</w:t>", 1)[0]
    lines = differences(
        "docx",
        document,
        edited_zip(document, "word/document.xml", b"<w:t>" + run, b"<w:t>" + run[:-1]),
    )
    assert len(lines) == 1 and lines[0].startswith("word/document.xml differs: "), lines
    assert run.decode() in lines[0]


def test_a_zip_member_added_a_broken_file_or_an_unknown_format_is_named(
    files: dict[str, bytes],
) -> None:
    document = files[DOCX]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/media/extra.png", b"png")
    assert differences("docx", document, out.getvalue()) == [
        "zip members differ: only in a [], only in b ['word/media/extra.png']"
    ]
    assert differences("docx", document, b"PK") == ["not a zip archive: File is not a zip file"]
    assert differences("pdf", files[GUIDE], b"%PDF-1.7")[0].startswith("b is not a PDF: ")
    with pytest.raises(ValueError, match="cannot compare 'odt' files"):
        differences("odt", document, document)
