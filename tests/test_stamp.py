"""Lay out once, stamp per brand: every stamped file equals the file a direct render makes.

A set's template is rendered for a placeholder brand; each brand's files are stamped onto it
and compared with the same brand rendered directly (``same.differences``: pages as images,
text, structure tree, fields, annotations, attachments, metadata; office parts parsed).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from generator import api
from generator.layouts import Layouts
from generator.model import Brand, Colors, Contact, Job, Library
from generator.pipeline.tasks import render_set
from generator.plan import Filters, plan
from generator.renderers import stamp as stamping
from generator.renderers.stamp import set_key
from generator.renderers.stamp.same import differences
from generator.renderers.stamp.template import CannotStamp, SetTemplate
from tests.conftest import MINIMAL, ROOT, clients_with_logos, copy_project, pdf_text

SVG_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80" viewBox="0 0 200 80">'
    '<rect x="2" y="2" width="196" height="76" rx="10" fill="#803090"/>'
    '<circle cx="40" cy="40" r="25" fill="#F0C040"/></svg>'
)


@pytest.fixture(scope="module")
def logos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a wide PNG, a square PNG with transparency, a JPEG and an SVG logo."""
    folder = tmp_path_factory.mktemp("logos")
    wide = Image.new("RGB", (600, 120), "white")
    ImageDraw.Draw(wide).rectangle([10, 10, 590, 110], fill="#C03030")
    wide.save(folder / "wide.png")
    square = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(square).ellipse([10, 10, 290, 290], fill="#2060C0")
    square.save(folder / "square.png")
    Image.new("RGB", (400, 200), "#30A040").save(folder / "mid.jpg", quality=90)
    (folder / "logo.svg").write_text(SVG_LOGO, encoding="utf-8")
    return folder


def brand(folder: Path, name: str, logo: str = "wide.png", **colors: str) -> Brand:
    """A client with every contact detail, its logo in ``folder``."""
    slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())[:12] or "x"
    return Brand(
        id="client",
        name=name,
        logo=logo,
        folder=folder,
        colors=Colors(**colors) if colors else Colors(primary="#1A3355", accent="#F0C040"),
        contact=Contact(website=f"{slug}.example", email=f"hej@{slug}.example", phone="+46 8 12"),
        language="sv",
    )


def jobs_for(library: Library, guide: str, language: str) -> list[Job]:
    """A full set of one guide in one language for the brand ``client``."""
    return plan(library, Filters([guide], [language], brands=["client"]))


def with_brand(library: Library, one: Brand) -> Library:
    return library.model_copy(update={"brands": {**library.brands, one.id: one}})


def direct(library: Library, layouts: Layouts, one: Brand, jobs: list[Job]) -> list[bytes]:
    outcomes = render_set(with_brand(library, one), layouts, jobs)
    assert all(data is not None for data, _, _ in outcomes), outcomes
    return [data for data, _, _ in outcomes if data is not None]


def compared(
    library: Library, layouts: Layouts, template: SetTemplate, one: Brand, jobs: list[Job]
) -> dict[str, list[str]]:
    """Each file's differences between the brand stamped and rendered directly."""
    stamped = template.stamp(one)
    made = direct(library, layouts, one, jobs)
    return {
        job.filename(): differences(job.format, own, data)
        for job, own, data in zip(jobs, stamped, made, strict=True)
    }


def test_stamped_files_equal_direct_renders_for_every_kind_of_brand(
    library: Library, layouts: Layouts, logos: Path
) -> None:
    """Short, long and non-Latin-1 names, markup characters, PNG, JPEG and SVG logos, colours
    at the extremes: each brand's stamped set equals its direct render, file by file."""
    jobs = jobs_for(with_brand(library, brand(logos, "Bo AB")), "kundresan", "sv")
    assert {job.format for job in jobs} == {"pdf", "docx", "xlsx"}
    templates: dict[object, SetTemplate] = {}  # one per key (a logo kind)
    clients = [
        brand(logos, "Bo AB"),
        brand(logos, "Nordisk Kommunikation & Strategi AB", "square.png"),
        brand(logos, "Żółć Ærø Økonomi", "mid.jpg"),
        brand(logos, '"Q" <Tags> & Co', "logo.svg"),
        brand(logos, "Svart AB", primary="#000000", accent="#FFFFFF", text="#000000"),
        brand(logos, "Vit AB", primary="#FFFFFF", accent="#000000"),
        brand(logos, "Samma AB", primary="#222222", text="#222222"),
    ]
    refused = {}
    for client in clients:
        key = set_key(client, jobs, layouts)
        if key not in templates:
            templates[key] = SetTemplate.make(library, layouts, jobs, client)
        try:
            found = compared(library, layouts, templates[key], client, jobs)
        except CannotStamp as exc:
            refused[client.name] = str(exc)
            continue
        assert not any(found.values()), (client.name, found)
    assert len(templates) == 2  # PNG and SVG logos share one (Word gets both as PNG), JPEG not
    # a white primary paints the worksheet's label fill the primary's colour: openpyxl writes
    # one style for two, which a stamp does not (the brand is rendered directly)
    assert list(refused) == ["Vit AB"] and "styles.xml" in refused["Vit AB"]


def test_a_name_too_long_for_its_line_is_not_stamped(
    library: Library, layouts: Layouts, logos: Path
) -> None:
    """A name that would wrap in the running header changes the layout: no stamp."""
    jobs = jobs_for(with_brand(library, brand(logos, "Bo AB")), "kundresan", "sv")
    template = SetTemplate.make(library, layouts, jobs, brand(logos, "Bo AB"))
    long_name = "Ett väldigt långt företagsnamn för en byrå som heter just så här AB"
    with pytest.raises(CannotStamp, match="would wrap"):
        template.stamp(brand(logos, long_name))


def test_stamped_pdfs_pass_qpdf_check(
    library: Library, layouts: Layouts, logos: Path, tmp_path: Path
) -> None:
    jobs = jobs_for(with_brand(library, brand(logos, "Bo AB")), "kundresan", "sv")
    template = SetTemplate.make(library, layouts, jobs, brand(logos, "Bo AB"))
    for job, data in zip(jobs, template.stamp(brand(logos, "Żółć Ærø", "logo.svg")), strict=True):
        if job.format == "pdf":
            path = tmp_path / job.filename()
            path.write_bytes(data)
            check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr


def assert_same_files(out: Path, other: Path) -> None:
    """Every file under ``out`` equals the one under ``other`` (``same.differences``)."""
    names = sorted(p.relative_to(out) for p in out.rglob("*.*") if not p.name.startswith("."))
    assert names == sorted(
        p.relative_to(other) for p in other.rglob("*.*") if not p.name.startswith(".")
    )
    for name in names:
        found = differences(name.suffix[1:], (out / name).read_bytes(), (other / name).read_bytes())
        assert not found, (name, found)


def test_a_batch_stamps_its_brands_and_makes_the_files_a_direct_batch_makes(tmp_path: Path) -> None:
    """Five clients sharing a layout: stamped (the first checked against a direct render),
    said in the result, and every file equal to what ``--no-stamp`` makes."""
    clients = clients_with_logos(tmp_path, [f"k{n}" for n in range(5)])
    narrow = {"guide": ["onboarding"], "jobs": 1}
    stamped = api.batch(clients, MINIMAL, out=tmp_path / "stamped", **narrow)
    assert stamped.ok
    assert stamped.stamped == {f"k{n}" for n in range(5)} and not stamped.unstamped
    direct = api.batch(clients, MINIMAL, out=tmp_path / "direct", stamp=False, **narrow)
    assert direct.ok and not direct.stamped and not direct.unstamped
    assert_same_files(tmp_path / "stamped", tmp_path / "direct")


def test_a_layout_that_paints_the_brand_where_the_template_cannot_see_it_falls_back(
    tmp_path: Path,
) -> None:
    """A project's layout printing the brand's name in capitals: the template shows the
    placeholder's capitals, the check against the first brand's direct render catches it, and
    every brand is rendered directly (the summary says why), with its own name."""
    project = copy_project(MINIMAL, tmp_path / "project")
    shipped = (ROOT / "layouts/pdf/guide.html.j2").read_text(encoding="utf-8")
    override = project / "layouts/pdf/guide.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        shipped.replace(
            '<div class="cover-main">', '<p>{{ brand.name|upper }}</p><div class="cover-main">'
        ),
        encoding="utf-8",
    )
    clients = clients_with_logos(tmp_path, [f"k{n}" for n in range(4)])
    result = api.batch(
        clients, project, out=tmp_path / "out", guide=["onboarding"], format=["pdf"], jobs=1
    )
    assert result.ok and not result.stamped
    assert set(result.unstamped) == {f"k{n}" for n in range(4)}
    assert all("differs from its direct render" in why for why in result.unstamped.values()), (
        result.unstamped
    )
    for n in range(4):
        assert f"KUND {n} AB" in pdf_text(tmp_path / f"out/k{n}/en/onboarding.pdf")


def test_a_brands_files_do_not_depend_on_the_brands_stamped_before(
    library: Library, layouts: Layouts, logos: Path
) -> None:
    """A brand stamped after others from one template, and first from a template another
    brand made, gets the same bytes (a batch resumed after a kill makes the files a clean run
    makes), equal to its direct render."""
    jobs = jobs_for(with_brand(library, brand(logos, "Bo AB")), "kundresan", "sv")
    busy = SetTemplate.make(library, layouts, jobs, brand(logos, "Bo AB"))
    for name in ("Anna AB", "Bertil Öst", "Cecilia & Co", "Dag Åström"):
        busy.stamp(brand(logos, name))
    last = brand(logos, "Eva Ødegård", "logo.svg")
    fresh = SetTemplate.make(library, layouts, jobs, brand(logos, "Femte AB", "square.png"))
    assert busy.stamp(last) == fresh.stamp(last)
    found = compared(library, layouts, busy, last, jobs)
    assert not any(found.values()), found
    assert all(spliced is not None for spliced in busy.spliced.values())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("guide", "language"),
    [
        ("kundresan", "sv"),
        ("intressetrappan", "sv"),
        ("kpi-per-fas", "sv"),
        ("b2b-kundresan", "sv"),
        ("kundereisen", "nb"),
        ("customer-journey", "en"),
        ("engagement-ladder", "en"),
        ("kpi-per-stage", "en"),
        ("b2b-journey", "en"),
        ("buyer-journey", "en"),
    ],
)
def test_every_shipped_guide_stamps_as_it_renders(
    library: Library, layouts: Layouts, logos: Path, guide: str, language: str, tmp_path: Path
) -> None:
    """Each shipped guide, in its language, for a brand with a long name beyond Latin-1 and
    markup characters and an SVG logo: every stamped file equals its direct render, and qpdf
    finds every stamped PDF sound."""
    first = brand(logos, "Bo AB")
    jobs = jobs_for(with_brand(library, first), guide, language)
    template = SetTemplate.make(library, layouts, jobs, first)
    client = brand(logos, '"Q" <Tags> & Żółć Ærø Kommunikation', "logo.svg")
    stamped = template.stamp(client)
    made = direct(library, layouts, client, jobs)
    for job, own, data in zip(jobs, stamped, made, strict=True):
        assert not differences(job.format, own, data), (
            job.filename(),
            differences(job.format, own, data),
        )
        if job.format == "pdf":
            path = tmp_path / job.filename()
            path.write_bytes(own)
            check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True)
            assert check.returncode == 0, check.stdout.decode()


def test_render_stamps_one_brand_at_a_time_when_asked(tmp_path: Path, logos: Path) -> None:
    """``api.render(stamp=True)``, as a server rendering brands one at a time calls it: the
    same files as a direct render (the first of a layout is checked, the next stamped)."""
    library = api.load(MINIMAL)
    for name in ("Första AB", "Andra AB"):
        client = brand(logos, name).model_copy(update={"language": "en"})
        stamped = api.render(MINIMAL, brand=client, guide="onboarding", library=library, stamp=True)
        direct = api.render(MINIMAL, brand=client, guide="onboarding", library=library)
        assert stamped.keys() == direct.keys()
        for file, data in stamped.items():
            assert not differences(Path(file).suffix[1:], data, direct[file]), file
    kept = list(stamping._kept.values())  # the process kept the layout, checked and trusted
    assert kept and kept[-1].checked and kept[-1].distrusted is None
