"""No nearly empty pages: a guide's pages of prose are balanced after a first layout, the same
way for every brand with the same fonts and paper (issue 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from generator import api
from generator.document import DocumentView, build_view
from generator.layouts import Layouts
from generator.loading import load_library
from generator.model import Colors, Contact, Library
from generator.plan import Filters, plan
from generator.renderers import pdf
from generator.renderers.paged import Pages
from generator.renderers.pdf import pagination
from generator.renderers.pdf.pagination import MAX_RUN_PAGES, MAX_RUN_UNITS, Unit, _best_split
from tests.conftest import MINIMAL, ROOT, copy_project, pdf_text, pdf_words, squash

ABOUT_HALF = 0.45
"""The least a page of prose is filled, as pdftotext finds its words between the running head
and the foot (balancing aims at half; the measure here is independent of it)."""
FULL = 0.8
"""How full a page is when the section on it could not fit (widows, orphans and a paragraph
that moved whole leave some room)."""


def words_by_page(path: Path) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """Per page: its width and height, and each word's top and bottom, as ``pdftotext -bbox``
    reads them."""
    return [
        (page.width, page.height, [(word.top, word.bottom) for word in page.words])
        for page in pdf_words(path)
    ]


def fill(height: float, words: list[tuple[float, float]]) -> float:
    """How far down the space between the running head and the foot the page's text reaches."""
    head = max(bottom for top, bottom in words if bottom < 0.1 * height)  # the guide's title
    foot = min(top for top, bottom in words if top > 0.9 * height)
    body = [bottom for top, bottom in words if head < top and bottom < foot]
    return (max(body, default=head) - head) / (foot - head)


def guide_pdfs(library: Library) -> list[Path]:
    return [
        job.relative_path()
        for job in plan(library, Filters(formats=["pdf"]))
        if job.document == "guide"
    ]


def body_lines(path: Path) -> list[tuple[bool, list[tuple[float, float, float]]]]:
    """Per page: whether it is portrait, and each line of text between the running head and
    the foot as (top, bottom, font size), as ``pdftohtml -xml`` reads them."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(path)], capture_output=True, check=True
    ).stdout
    sizes: dict[str, float] = {}
    found = []
    for page in ElementTree.fromstring(xml).iter("page"):
        sizes |= {spec.get("id"): float(spec.get("size")) for spec in page.iter("fontspec")}
        height, width = float(page.get("height")), float(page.get("width"))
        lines = [
            (top, top + float(text.get("height")), sizes[text.get("font")])
            for text in page.iter("text")
            if 0.06 * height < (top := float(text.get("top"))) < 0.93 * height
        ]
        found.append((width < height, sorted(lines)))
    return found


def starts_with_heading(lines: list[tuple[float, float, float]]) -> bool:
    """Whether a page's first line is a heading or a stage's tag rather than body text: its
    type is larger or smaller than the size most of the page is set in."""
    body_size = Counter(size for _, _, size in lines).most_common(1)[0][0]
    return abs(lines[0][2] - body_size) > 1.5


@pytest.mark.slow
def test_no_page_of_prose_is_nearly_empty(every_output: Path, library: Library) -> None:
    """Every portrait page of every shipped guide (A4, the default brand) is at least about
    half full, except the cover, the contents, a page before a landscape (worksheet) page and
    the guide's last page."""
    checked = 0
    for relative in guide_pdfs(library):
        pages = words_by_page(every_output / relative)
        following = pages[3:]
        for number, ((width, height, words), after) in enumerate(
            zip(pages[2:-1], following, strict=True), start=3
        ):
            if width > height or after[0] > after[1]:
                continue  # a grid's page, or the page before one: a grid needs a page of its own
            share = fill(height, words)
            assert share >= ABOUT_HALF, f"{relative} page {number}: {share:.0%} full"
            checked += 1
    assert checked > 20  # the 7 guides' portrait pages between contents and end


@pytest.mark.slow
def test_no_page_starts_with_a_paragraph_cut_from_its_heading(
    every_output: Path, library: Library
) -> None:
    """A page of a guide starts with a heading, unless the section before ran over from a page
    it filled (a page break inside a section only where the section cannot fit): balancing
    never moves a section's closing paragraph or tip away from its heading to the next page
    while the page before is left part empty (issue 17: 5 of 7 guides did)."""
    continued = 0
    for relative in guide_pdfs(library):
        path = every_output / relative
        lines = body_lines(path)
        pages = words_by_page(path)
        for number in range(3, len(lines) + 1):
            portrait, page = lines[number - 1]
            if not portrait or not page or starts_with_heading(page):
                continue
            continued += 1
            _, height, words = pages[number - 2]
            before = fill(height, words)
            assert before >= FULL, f"{relative} page {number} runs on from a page {before:.0%} full"
    assert continued >= 1  # sections do run over full pages: the measure sees them


def guide_view(library: Library, guide: str, **brand: object) -> DocumentView:
    """The guide's PDF view for the shipped default brand, changed as given."""
    job = next(
        job
        for job in plan(library, Filters(guides=[guide], formats=["pdf"]))
        if job.document == "guide"
    )
    view = build_view(library, job)
    return replace(view, brand=view.brand.model_copy(update=brand))


@pytest.fixture(scope="module")
def short_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Layouts]:
    """A small guide (the minimal project's) whose long section is followed by a short one that
    asks for a page of its own before the example's landscape page: laid out as written, the
    short one's page would be under half full."""
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("short-page") / "project")
    sections = root / "content/guides/onboarding/sections"
    sentence = "Map what your customers do before they buy, and what each stage asks of you. "
    body = "\n\n".join([sentence * 4] * 9)
    (sections / "long.en.md").write_text(f"---\ntitle: Before you start\n---\n{body}\n")
    (sections / "short.en.md").write_text(
        "---\ntitle: About the example\nnew_page: true\n---\n"
        "The example on the next page shows one way to fill in the grid.\n"
    )
    (root / "content/guides/onboarding/guide.en.yaml").write_text(
        'title: "Onboarding"\nframework: funnel\ncontents:\n  - section: intro\n'
        "  - section: long\n  - section: short\n  - example: sample\n"
    )
    return load_library(root), Layouts.for_project(root)


OTHER_BRAND = {
    "name": "Åkesson & Söner Kommunikation AB",
    "colors": Colors(primary="#7A1F3D", accent="#F4B942", text="#1A1A1A"),
    "contact": Contact(website="akesson.example", email="hej@akesson.example", phone="+46 70 1"),
    "footer": "© Åkesson & Söner",
}
"""A brand unlike the default in all but its fonts and paper."""


def test_balancing_is_decided_once_and_alike_for_every_brand_with_the_same_fonts(
    short_page: tuple[Library, Layouts], monkeypatch: pytest.MonkeyPatch
) -> None:
    library, layouts = short_page
    laid_out: list[str] = []
    lay_out = pdf.lay_out
    monkeypatch.setattr(
        pdf, "lay_out", lambda html, *rest: laid_out.append(html) or lay_out(html, *rest)
    )
    monkeypatch.setattr(pagination, "_settled", {})
    views = {"default": guide_view(library, "onboarding")}
    views["other"] = guide_view(library, "onboarding", **OTHER_BRAND)
    assert views["other"].brand.colors.primary == "#7A1F3D"

    fresh = {}
    for name, view in views.items():
        pagination._settled.clear()
        laid_out.clear()
        document, settled = pdf.lay_out_view(view, layouts, name)
        assert len(laid_out) == 2  # laid out, then balanced
        fresh[name] = (settled.page_breaks, settled.flows_on, pdf.write(document, name))
    assert fresh["default"][:2] == fresh["other"][:2]
    # the long section runs over a page it fills; the short one follows on its end
    page_breaks, flows_on = fresh["default"][:2]
    assert page_breaks == {("section-long", 9)} and "section-short" in flows_on

    laid_out.clear()  # the default brand's decision is remembered: the other brand reuses it
    document, settled = pdf.lay_out_view(views["other"], layouts, "other")
    assert len(laid_out) == 1
    assert pdf.write(document, "other") == fresh["other"][2]


def units(*heights: float, fixed: tuple[int, ...] = ()) -> list[Unit]:
    """Sections of these heights (shares of a page), 3 % apart; ``fixed`` may not start one."""
    return [
        Unit(f"s{n}", 0, height + 0.03, 0.03, n not in fixed) for n, height in enumerate(heights)
    ]


def test_a_short_page_takes_the_last_section_of_the_page_before() -> None:
    # today: [0.4, 0.3] on one page (0.73), [0.2] alone on the next
    emptiest, starts = _best_split(units(0.4, 0.3, 0.2), 2, ends_guide=False)
    assert starts == [0, 1] and emptiest == pytest.approx(0.4)


def test_a_split_keeps_a_heading_with_its_first_paragraph_and_fits_each_page() -> None:
    assert _best_split(units(0.45, 0.2, 0.3), 2, ends_guide=False)[1] == [0, 1]
    split = _best_split(units(0.45, 0.2, 0.3, fixed=(1,)), 2, ends_guide=False)
    assert split is not None and split[1] == [0, 2]  # the better split is not allowed
    assert _best_split(units(0.97), 1, ends_guide=False) is None  # nothing fits: left alone
    # two pages that fit on one become one
    assert _best_split(units(0.3, 0.3), 2, ends_guide=False)[1] == [0]


def test_a_section_that_fits_is_never_split_to_balance_pages() -> None:
    """A section that fits on its page keeps its closing paragraph: a fuller page after it is
    not bought with a page that starts cut from its heading (issue 17)."""
    section = [
        Unit("a", part, height, 0.0, True) for part, height in ((0, 0.35), (2, 0.3), (3, 0.25))
    ]
    after = [Unit("b", 0, 0.5, 0.0, True)]
    # splitting a's closing part off would give 0.65 and 0.75; the section stays whole instead
    assert _best_split([*section, *after], 2, ends_guide=False) == (pytest.approx(0.5), [0, 3])
    # a section too long for its page breaks where its next part no longer fits, not earlier
    long = [Unit("a", part, 0.3, 0.0, True) for part in (0, 2, 3, 4, 5)]
    assert _best_split(long, 2, ends_guide=True)[1] == [0, 3]


def test_a_filled_grid_that_runs_over_its_page_is_set_tighter_to_fit(tmp_path: Path) -> None:
    """On US Letter the Engagement Ladder's general example ran over onto a second page; it is
    laid out again in tighter type, on one page, its last row's entries too."""
    result = api.build(
        ROOT,
        out=tmp_path,
        guide=["engagement-ladder"],
        variant=["general"],
        format=["pdf"],
        paper="letter",
        jobs=1,
    )
    assert result.ok
    (path,) = [done.path for done in result.written if done.path.name.endswith("-general.pdf")]
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    example = load_library(ROOT).examples[("engagement-ladder", "en", "general")]
    last_row = [entry for cells in example.cells.values() for entry in list(cells.values())[-1]]
    assert all(squash(entry) in squash(pdf_text(path)) for entry in last_row)


def test_a_run_too_long_to_weigh_quickly_is_left_as_laid_out() -> None:
    """A hostile section of thousands of short paragraphs cannot make balancing quadratic."""
    many = units(*[0.02] * (MAX_RUN_UNITS + 1))
    assert _best_split(many, 10, ends_guide=False) is None
    assert _best_split(units(0.3, 0.2), MAX_RUN_PAGES + 1, ends_guide=False) is None
    # within the limits the longest run still splits, each page at most MAX_FILL full
    emptiest, starts = _best_split(units(*[0.0] * 300), MAX_RUN_PAGES, ends_guide=False)
    assert len(starts) in (MAX_RUN_PAGES - 1, MAX_RUN_PAGES) and emptiest > 0.5


@pytest.mark.slow
def test_balancing_never_leaves_a_heading_at_the_foot_of_a_page(
    tmp_path: Path, layouts: Layouts
) -> None:
    """A subheading inside a section keeps the text after it (CSS ``break-after: avoid``): a
    page may not start right after it. Found by a review: a section of two paragraphs, a
    subheading and a long paragraph had its subheading left alone at the foot of page 3 (and
    whatever balancing decides, the PDF never has it there)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    section = tmp_path / "content/guides/kundresan/sections/innan-du-borjar.sv.md"
    head = section.read_text(encoding="utf-8").split("> **Tänk")[0]
    sentence = (
        "Beskriv vad kunden redan vet om dig och ditt erbjudande, och vad den behöver veta "
        "härnäst för att ta nästa steg. "
    )
    section.write_text(f"{head}## Inför arbetet\n\n{sentence * 21}\n", encoding="utf-8")
    library = load_library(tmp_path)
    view = guide_view(library, "kundresan")
    document, _ = pdf.lay_out_view(view, layouts, "kundresan")
    out = tmp_path / "guide.pdf"
    out.write_bytes(pdf.write(document, "kundresan"))
    for number in range(1, len(document.pages) + 1):
        page = pdf_text(out, "reading", pages=(number, number))
        body = [line for line in page.splitlines() if line.strip()][:-2]  # the foot aside
        assert not body or body[-1] != "Inför arbetet", f"page {number}"


def test_a_page_is_measured_to_its_last_line_not_to_a_box_running_on(
    short_page: tuple[Library, Layouts], tmp_path: Path
) -> None:
    """WeasyPrint stretches a section that runs on to the next page down to the page's foot;
    balancing measures each page of prose to its last line, as pdftotext finds it (the first
    page here ends inside the long section)."""
    library, layouts = short_page
    document, settled = pdf.lay_out_view(guide_view(library, "onboarding"), layouts, "guide")
    path = tmp_path / "guide.pdf"
    path.write_bytes(pdf.write(document, "guide"))
    printed = words_by_page(path)
    found = pagination.prose_pages(settled, document.pages)
    compared = 0
    for number, boxes in enumerate(found):
        if boxes is None:
            continue
        top, height = pagination._text_area(document.pages[number])
        ours = pagination._fill(boxes, top, height)
        page_height, page_words = printed[number][1], printed[number][2]
        head = max(bottom for top_, bottom in page_words if bottom < 0.1 * page_height)
        last = max(bottom for top_, bottom in page_words if head < top_ < 0.9 * page_height)
        points = top * 72 / 96, height * 72 / 96  # CSS pixels to PDF points
        assert ours == pytest.approx((last - points[0]) / points[1], abs=0.04), number
        assert ours < 0.9, number  # neither page is full: the first one only runs on
        compared += 1
    assert compared == 2


def test_a_view_whose_key_changed_keeps_no_other_keys_decision(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a lead goes back to its own page the prose pages' key changes; a decision made for
    the old key must not carry over, or a brand's guide would depend on the brand before it."""
    monkeypatch.setattr(pagination, "_settled", {"known": pagination.Breaks(frozenset(), {"a"})})
    view = Pages(guide_view(library, "kundresan"), page_breaks={("b", 0)}, flows_on={"c"})
    fresh = pdf._with_settled(view, "new")
    assert (fresh.page_breaks, fresh.flows_on) == (frozenset(), frozenset())
    assert pdf._with_settled(view, "known").flows_on == {"a"}
    assert pdf._with_settled(view, None) is view  # a worksheet: nothing to balance


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with a page a reader would object to, and a worksheet that cannot
    fit its page: a short section before one whose tip box (never split) fills most of a page,
    and a grid whose rows' help runs to hundreds of words."""
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("awkward") / "project")
    sections = root / "content/guides/onboarding/sections"
    sentence = "Map what your customers do before they buy, and what each stage asks of you. "
    (sections / "short.en.md").write_text(f"---\ntitle: First\n---\n{sentence * 12}\n")
    (sections / "tip.en.md").write_text(
        f"---\ntitle: Second\n---\n> **Tip:** {sentence * 40}\n\n{sentence * 2}\n"
    )
    (sections / "more.en.md").write_text(f"---\ntitle: Third\n---\n{sentence * 8}\n")
    guide = root / "content/guides/onboarding/guide.en.yaml"
    guide.write_text(
        guide.read_text().replace(
            "  - section: intro\n",
            "  - section: intro\n  - section: short\n  - section: tip\n  - section: more\n",
        )
    )
    framework = root / "content/frameworks/funnel.en.yaml"
    framework.write_text(
        framework.read_text().replace('"One number that shows it worked."', f'"{sentence * 30}"')
    )
    return root


@pytest.mark.slow
def test_build_warns_of_a_nearly_empty_page_and_a_worksheet_that_spills(
    awkward: Path, tmp_path: Path
) -> None:
    """Laid out as well as it can be, what a reader would still object to is said: the page
    left nearly empty and the worksheet on more than one page, each naming its file (issue 17)."""
    result = api.build(awkward, out=tmp_path, format=["pdf"], guide=["onboarding"])
    assert result.ok
    messages = [(error.path.name, error.message) for error in result.warnings]
    assert any(
        name == "onboarding.pdf" and re.match(r"page \d+ is only \d+% full", message)
        for name, message in messages
    ), messages
    spill = [m for n, m in messages if n == "onboarding-worksheet-blank.pdf"]
    assert spill and re.match(r"the worksheet .* runs over (\d) pages", spill[0]), messages
    assert spill[0].endswith("shorten its rows' help or choose a narrower body font")
    blank = tmp_path / "default/en/onboarding-worksheet-blank.pdf"
    pages = int(re.search(r"over (\d) pages", spill[0])[1])
    assert len(PdfReader(blank).pages) == pages > 1  # written all the same
    with pytest.raises(api.ContentErrors) as strict:
        api.validate(awkward, strict=True)
    assert {e.message for e in result.warnings} <= {e.message for e in strict.value.errors}
