"""Stamped DOCX and XLSX files equal what the renderers make for the brand directly.

Each file is rendered twice: directly, for the brand, and stamped, from a template rendered once
for the placeholder brand in the sentinel colours (with a template brand's logo). Every zip
member must be equal after parsing (XML canonically, the rest byte for byte), and the whole
file byte for byte. Brands the stamp refuses are listed with the reason it gives.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageDraw

from generator.document import DocumentView, build_view
from generator.layouts import Layouts
from generator.model import Brand, Colors, Contact, Library
from generator.palette import Palette
from generator.plan import documents_jobs
from generator.renderers import render_document
from generator.renderers.stamp.brandless import SENTINELS, placeholder
from generator.renderers.stamp.office import OfficeTemplate
from tests.conftest import BRANDED

ACME = BRANDED / "content" / "brands" / "acme"
DOCUMENTS = [
    ("docx", "guide", "blank"),
    ("docx", "worksheet", "blank"),
    ("docx", "worksheet", "generell"),
    ("xlsx", "worksheet", "blank"),
    ("xlsx", "worksheet", "generell"),
]
"""Kundresan (sv): the guide's DOCX, its worksheet blank and filled in, as DOCX and XLSX."""


@pytest.fixture(scope="module")
def logos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of logos: wide and narrow PNGs, one larger than ever printed, a JPEG, and
    acme's SVG (the templates' logo)."""
    folder = tmp_path_factory.mktemp("logos")
    shutil.copy(ACME / "logo.svg", folder / "logo.svg")
    for name, size, kind in (
        ("wide.png", (400, 100), "PNG"),
        ("narrow.png", (100, 300), "PNG"),
        ("huge.png", (2400, 600), "PNG"),
        ("photo.jpg", (320, 200), "JPEG"),
    ):
        image = Image.new("RGB", size, (200, 30, 60))
        ImageDraw.Draw(image).ellipse((5, 5, size[0] - 5, size[1] - 5), fill=(20, 120, 200))
        image.save(folder / name, kind)
    return folder


def brands(default: Brand, logos: Path) -> dict[str, Brand]:
    """The brands stamped, by what they try."""

    def brand(**update: object) -> Brand:
        return default.model_copy(update={"id": "stamped", **update})

    full = Contact(website="q.example/a?b=1&c=ø", email="hej@q.example", phone="+46 70 000 00")
    return {
        "short": brand(name="Qi"),
        "too long": brand(name="Namn " * 60 + "AB"),
        "long": brand(name=("Kundresebyrån i Norrbotten och Västerbotten Aktiebolag " * 2).strip()),
        "polish": brand(name="Żółć Sp. z o.o.", footer="© Żółć – wszystkie prawa"),
        "danish": brand(name="Ærø Rådgivning ApS", contact=full),
        "markup": brand(name='"Q" <Tags> & Co', contact=full, footer="&P 'Q' & [Page] <b>"),
        "no contact": brand(name="Tyst AB", contact=Contact()),
        "phone only": brand(name="Ring AB", contact=Contact(phone="+46 8 123 45")),
        "black": brand(name="Svart", colors=Colors(primary="#000000", accent="#000000")),
        "white": brand(name="Vit", colors=Colors(primary="#FFFFFF", text="#000000")),
        "lower case": brand(name="Gemen", colors=Colors(primary="#7a1f3d", accent="#f4b942")),
        "primary is text": brand(name="Lika", colors=Colors(primary="#222222", text="#222222")),
        "svg logo": brand(name="Acme", logo="logo.svg", folder=logos),
        "wide logo": brand(name="Bred", logo="wide.png", folder=logos),
        "huge logo": brand(name="Stor", logo="huge.png", folder=logos),
        "narrow logo": brand(name="Smal", logo="narrow.png", folder=logos),
        "jpeg logo": brand(name="Foto", logo="photo.jpg", folder=logos),
        "line break": brand(name="Två\nrader"),
        "greek": brand(name="Ωmega Hellas"),
        "loanword": brand(name="Lead nurturing AB"),
        "ampersands": brand(name="R&D", footer="A&B&" * 30, contact=full),
    }


REFUSED = {
    ("long", "xlsx"): "wraps on the instructions sheet",
    ("too long", "xlsx"): "wraps on the instructions sheet",
    ("too long", "docx"): "holds its author to 255 characters",
    ("white", "xlsx"): "make two entries of xl/styles.xml equal",
    ("narrow logo", "xlsx"): "too narrow",
    ("jpeg logo", "docx"): "its logo is a jpg, the template's a png",
    ("jpeg logo", "xlsx"): "its logo is a jpeg, the template's a png",
    ("line break", "docx"): "a tab or a line break",
    ("line break", "xlsx"): "a tab or a line break",
    ("greek", "docx"): "font subsets lack",
    ("loanword", "docx"): "a word of another language",
    ("ampersands", "xlsx"): "print footer would be cut to fit",
}
"""What the stamp refuses, and why: a name longer than python-docx writes as the author (the
direct render fails); a long name's contact line wraps on the instructions sheet
(its row grows); white as primary makes the label fill the primary's fill (openpyxl shares
one); a logo too narrow for the title bar is left out there; a JPEG logo is a media part of
another name than the template's PNG; a line break is a ``w:br``; Greek letters grow the
DOCX's font subsets; a loanword in the name is a run of its own language; a footer and website
full of ``&`` (each doubled in a print footer) make the XLSX's print footer longer than Excel
takes (the direct render cuts the longest part)."""


def canonical(data: bytes) -> dict[str, bytes]:
    """Each zip member: XML parts canonically (C14N), the others as they are."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = {}
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith((".xml", ".rels", ".vml")):
                content = etree.tostring(etree.fromstring(content), method="c14n")
            members[name] = content
        return members


Renderer = Callable[[Brand, str, str, str, bool], tuple[DocumentView, bytes]]


@pytest.fixture(scope="module")
def rendered(library: Library, layouts: Layouts) -> Renderer:
    """Render a job of Kundresan (sv) for a brand: directly, or as its template would be."""

    def render(
        brand: Brand, fmt: str, document: str, variant: str, template: bool
    ) -> tuple[DocumentView, bytes]:
        shown = library.model_copy(update={"brands": {**library.brands, brand.id: brand}})
        [job] = documents_jobs(
            "kundresan", "sv", brand.id, [(document, None, variant)], [fmt], "a4"
        )
        view = build_view(shown, job, SENTINELS if template else None)
        return view, render_document(view, layouts)

    return render


def template_brand(brand: Brand, logos: Path) -> Brand:
    """The brand a template is rendered for: placeholder strings, and acme's SVG logo where
    the brand has a logo (its key has one; the template's is the batch's first brand's)."""
    held = placeholder(brand)
    return held.model_copy(update={"logo": "logo.svg", "folder": logos}) if brand.logo else held


@pytest.mark.parametrize(("fmt", "document", "variant"), DOCUMENTS)
def test_stamped_files_equal_direct_renders(
    fmt: str,
    document: str,
    variant: str,
    library: Library,
    layouts: Layouts,
    logos: Path,
    rendered: Renderer,
) -> None:
    stamped, refused = [], {}
    templates: dict[Brand, OfficeTemplate] = {}
    for label, brand in brands(library.brands["default"], logos).items():
        held = template_brand(brand, logos)
        if held not in templates:
            view, data = rendered(held, fmt, document, variant, True)
            templates[held] = OfficeTemplate.of(data, view, layouts)
        template = templates[held]
        assert not template.broken, template.broken
        data = template.stamp(brand)
        if data is None:
            refused[label] = template.refusal(brand)
            continue
        stamped.append(label)
        _, direct = rendered(brand, fmt, document, variant, False)
        ours, theirs = canonical(data), canonical(direct)
        assert list(ours) == list(theirs), label
        for name in theirs:
            assert ours[name] == theirs[name], f"{label}: {name}"
        assert data == direct, f"{label}: the same members, but not the same bytes"
    expected = {label: why for (label, kind), why in REFUSED.items() if kind == fmt}
    assert set(refused) == set(expected), refused
    for label, why in expected.items():
        assert why in refused[label], (label, refused[label])
    assert len(stamped) >= 12, stamped


@pytest.mark.parametrize(
    ("guide", "language"), [("kundereisen", "nb"), ("engagement-ladder", "en")]
)
def test_other_languages_stamp_too(
    guide: str, language: str, library: Library, layouts: Layouts, logos: Path
) -> None:
    """A Norwegian and an English guide's DOCX and blank workbook, for a brand with markup in
    its name, a logo of its own and black as its primary colour."""
    every = brands(library.brands["default"], logos)
    brand = every["markup"].model_copy(
        update={"logo": "wide.png", "folder": logos, "colors": every["black"].colors}
    )
    for fmt, document in (("docx", "guide"), ("xlsx", "worksheet")):
        views = []
        for shown, colours in ((template_brand(brand, logos), SENTINELS), (brand, None)):
            brands_shown = {**library.brands, shown.id: shown}
            [job] = documents_jobs(
                guide, language, shown.id, [(document, None, "blank")], [fmt], "a4"
            )
            views.append(
                build_view(library.model_copy(update={"brands": brands_shown}), job, colours)
            )
        held, direct = views
        template = OfficeTemplate.of(render_document(held, layouts), held, layouts)
        assert template.refusal(brand) == ""
        assert template.stamp(brand) == render_document(direct, layouts), (guide, fmt)


def test_a_brand_that_would_move_the_contents_page_numbers_is_refused(
    library: Library, layouts: Layouts
) -> None:
    """The DOCX contents' page numbers are estimated from the text: a long e-mail address on
    the cover and in a contact card that comes first (a project's own guide) moves the
    headings after it, so that brand is refused; a short one moves nothing and is stamped."""
    guide = library.guides[("kundresan", "sv")]
    contents = sorted(guide.contents, key=lambda item: item.section != "slutord")
    guides = {
        **library.guides,
        ("kundresan", "sv"): guide.model_copy(update={"contents": contents}),
    }
    default = library.brands["default"]

    def view(brand: Brand, colours: Palette | None = None) -> DocumentView:
        brands = {**library.brands, brand.id: brand}
        shown = library.model_copy(update={"guides": guides, "brands": brands})
        [job] = documents_jobs(
            "kundresan", "sv", brand.id, [("guide", None, "blank")], ["docx"], "a4"
        )
        return build_view(shown, job, colours)

    contact = Contact.model_construct(email="e" * 3000 + "@q.example")  # past what loads
    long_name = default.model_copy(update={"id": "stamped", "contact": contact})
    short = default.model_copy(update={"id": "stamped", "contact": Contact(email="e@q.example")})
    held = view(placeholder(short), SENTINELS)
    template = OfficeTemplate.of(render_document(held, layouts), held, layouts)
    assert template.contents is not None and not template.contents_broken
    assert "move a page number" in template.refusal(long_name)
    assert template.stamp(short) == render_document(view(short), layouts)


def test_stamping_is_fast(
    library: Library, layouts: Layouts, logos: Path, rendered: Renderer, summary: list[str]
) -> None:
    """A stamp takes a few milliseconds where a render takes tens (the times go to the
    run's summary)."""
    brand = brands(library.brands["default"], logos)["wide logo"]
    for fmt, document, variant in (DOCUMENTS[0], DOCUMENTS[3]):
        view, data = rendered(template_brand(brand, logos), fmt, document, variant, True)
        template = OfficeTemplate.of(data, view, layouts)
        start = time.perf_counter()
        for _ in range(10):
            assert template.stamp(brand) is not None
        stamp = (time.perf_counter() - start) / 10
        start = time.perf_counter()
        rendered(brand, fmt, document, variant, False)
        direct = time.perf_counter() - start
        summary.append(
            f"stamp {fmt} {document}: {stamp * 1000:.1f} ms, direct {direct * 1000:.0f} ms"
        )
        assert stamp < direct / 5


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_stamped_files(
    library: Library, layouts: Layouts, logos: Path, rendered: Renderer, tmp_path: Path
) -> None:
    """LibreOffice converts a stamped DOCX and XLSX to PDF, showing the brand's name."""
    brand = brands(library.brands["default"], logos)["danish"]
    brand = brand.model_copy(update={"logo": "wide.png", "folder": logos})
    files = []
    for fmt, document, variant in (DOCUMENTS[0], DOCUMENTS[3]):
        view, data = rendered(template_brand(brand, logos), fmt, document, variant, True)
        stamped = OfficeTemplate.of(data, view, layouts).stamp(brand)
        assert stamped is not None
        files.append(tmp_path / f"stamped-{document}.{fmt}")
        files[-1].write_bytes(stamped)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, files),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    for path in files:
        text = subprocess.run(
            ["pdftotext", str(path.with_suffix(".pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert brand.name in text, path.name
