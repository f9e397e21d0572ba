"""Hostile assets (issue 21, classes 5 and 6): every logo, section image and brand font that
rendering could not use is refused when the content is loaded, by ``validate`` and by
``build`` alike, one line naming the file and why, before anything is rendered; what rendering
can use (a CMYK JPEG, even named .png) is printed and reaches Word; a font linked out of its
brand's folder is never read; a build removes only the temporary files it wrote."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from jinja2 import TemplateError
from PIL import Image

from generator import api
from generator.fonts import brand_font_files, family_files
from generator.layouts import Layouts
from tests.conftest import MINIMAL, ROOT, add_brand, copy_project, libreoffice, poppler
from tests.test_hostile import limited_cli, png_claiming

BRAND = """\
name: "{id} AB"
logo: {logo}
colors: {{primary: "#7A1F3D", accent: "#F4B942", text: "#1A1A1A", background: "#FFFFFF"}}
fonts: {{heading: {font}, body: {font}}}
language: en
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {}>{}</svg>'
)
RED, CYAN = (0, 255, 255, 0), (255, 0, 0, 0)
"""Two CMYK inks: magenta and yellow make red; cyan alone."""


def brand(project: Path, brand_id: str, logo: str = '""', font: str = "Inter") -> Path:
    """A brand of ``project`` with this logo and font family: its folder."""
    text = BRAND.format(id=brand_id, logo=logo, font=font)
    return add_brand(project, brand_id, text).parent


def encoded(image: Image.Image, format: str) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def cmyk_jpeg(width: int) -> bytes:
    """A CMYK JPEG (as Pillow writes it: Adobe's marker, no JFIF header), ``width`` × 100
    pixels, red then cyan."""
    image = Image.new("CMYK", (width, 100), RED)
    image.paste(CYAN, (width // 2, 0, width, 100))
    return encoded(image, "JPEG")


def junk(size: int) -> bytes:
    """``size`` bytes that look random (a fixed pattern: the same in every run)."""
    blocks = (hashlib.sha256(str(n).encode()).digest() for n in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def hostile_project(tmp_path: Path) -> tuple[Path, list[str]]:
    """A project holding every asset class 5 and 6 name, and the line each must get."""
    project = copy_project(MINIMAL, tmp_path / "project")
    webp = brand(project, "webp", "logo.png")
    (webp / "logo.png").write_bytes(encoded(Image.new("RGB", (60, 30), "teal"), "WEBP"))
    flat = brand(project, "flat", "logo.svg")
    (flat / "logo.svg").write_text(
        SVG.format('width="1" height="0.0001"', '<rect width="1" height="0.0001"/>')
    )
    for brand_id, target in (
        ("web", "http://example.com/logo.png"),
        ("local", "file:///etc/passwd"),
    ):
        folder = brand(project, brand_id, "logo.svg")
        picture = f'<image xlink:href="{target}" width="40" height="20"/>'
        (folder / "logo.svg").write_text(SVG.format('width="40" height="20"', picture))
    huge = brand(project, "huge", "logo.svg")
    rects = '<rect x="1" y="1" width="2" height="2" fill="#123456"/>' * 230_000  # 12 MB
    (huge / "logo.svg").write_text(SVG.format('width="40" height="20"', rects))
    noise = brand(project, "noise", font="Noise")
    (noise / "Noise-Regular.ttf").write_bytes(junk(40_000))
    (noise / "Noise-Bold.otf").write_bytes(junk(20_000))
    secret = tmp_path / "elsewhere" / "Secret-Regular.ttf"
    secret.parent.mkdir()
    shutil.copy(ROOT / "layouts/fonts/Lato-Regular.ttf", secret)
    linked = brand(project, "linked", font="Secret")
    (linked / "Secret-Regular.ttf").symlink_to(secret)
    sections = project / "content/guides/onboarding/sections"
    (sections / "chart.png").write_bytes(encoded(Image.new("RGB", (60, 30), "navy"), "WEBP"))
    (sections / "poster.png").write_bytes(png_claiming(13_300, 13_300))
    intro = sections / "intro.en.md"
    intro.write_text(intro.read_text() + "\n![A chart](chart.png)\n\n![A poster](poster.png)\n")
    expected = [
        "webp/brand.yaml:2: logo: 'logo.png' cannot be read as an image: it is a WEBP image, "
        "not a PNG or JPEG",
        "flat/brand.yaml:2: logo: 'logo.svg' cannot be read as an image: it is 1 × 0.0001: a "
        "logo may be at most 20 times as wide as it is tall",
        "web/brand.yaml:2: logo: 'logo.svg' cannot be read as an image: it refers to "
        "'http://example.com/logo.png' outside the file",
        "local/brand.yaml:2: logo: 'logo.svg' cannot be read as an image: it refers to "
        "'file:///etc/passwd' outside the file",
        "huge/brand.yaml:2: logo: 'logo.svg' cannot be read as an image: it is 12.1 MB; an SVG "
        "logo may have at most 2 MB",
        "noise/brand.yaml:4: fonts.heading: 'Noise-Bold.otf' cannot be used as a font: it is "
        "not a TrueType or OpenType font",
        "noise/brand.yaml:4: fonts.heading: 'Noise-Regular.ttf' cannot be used as a font: it is "
        "not a TrueType or OpenType font",
        f"linked/brand.yaml:4: fonts.heading: 'Secret-Regular.ttf' links to {secret}, outside "
        "the brand's folder",
        "intro.en.md:7: the image 'chart.png' is a WEBP image, not a PNG or JPEG",
        "intro.en.md:9: the image 'poster.png' is 13300 × 13300 pixels; at most 40 megapixels",
    ]
    return project, expected


def test_every_asset_rendering_cannot_use_is_refused_by_validate_and_by_build(
    tmp_path: Path,
) -> None:
    """WebP named .png (logo and image), an SVG logo of 1 × 0.0001, one showing an http: or a
    file: image, a 12 MB one, font files of random bytes, a font linked out of the brand's
    folder, an image of 13 300² pixels: one line each, exit 2, no traceback, under 1.5 GiB and
    60 s; ``build`` says the same and writes nothing."""
    project, expected = hostile_project(tmp_path)
    for command in ("validate", "build"):
        out = ["--out", str(tmp_path / "out")] if command == "build" else []
        result = limited_cli(command, "--project", str(project), *out)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        problems = re.findall(r"^error ", result.stderr, re.MULTILINE)
        assert len(problems) == len(expected), result.stderr
        lines = " ".join(result.stderr.split())
        for line in expected:
            assert line in lines, (line, lines)
        assert "unknown font" not in lines  # the families' files are said, not the family again
    assert not (tmp_path / "out").exists()


def test_a_font_linked_out_of_its_brands_folder_is_never_read(tmp_path: Path) -> None:
    """Without the loader too: the renderers' font lookup leaves the link out, and keeps the
    brand's own files."""
    secret = tmp_path / "Secret-Regular.ttf"
    shutil.copy(ROOT / "layouts/fonts/Lato-Regular.ttf", secret)
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "Secret-Regular.ttf").symlink_to(secret)
    assert brand_font_files(folder, "Secret") == {}
    assert family_files("Secret", {}, folder) == {}
    shutil.copy(ROOT / "layouts/fonts/Lato-Bold.ttf", folder / "Secret-Bold.ttf")
    assert brand_font_files(folder, "Secret") == {"bold": folder / "Secret-Bold.ttf"}


def test_a_layout_linked_out_of_the_project_is_never_read(tmp_path: Path) -> None:
    """A project's template linked to a file elsewhere: ``validate`` and ``build`` name it in
    one line, and Jinja's loader will not read it even without them."""
    project = copy_project(MINIMAL, tmp_path / "project")
    secret = tmp_path / "secret.html"
    secret.write_text("the secret", encoding="utf-8")
    template = project / "layouts" / "pdf" / "guide.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.unlink(missing_ok=True)
    template.symlink_to(secret)
    for command in ("validate", "build"):
        out = ["--out", str(tmp_path / "out")] if command == "build" else []
        result = limited_cli(command, "--project", str(project), *out)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "the secret" not in result.stderr
        lines = " ".join(result.stderr.split())
        assert "guide.html.j2" in lines and "outside the layouts folders" in lines, lines
    assert not (tmp_path / "out").exists()
    layouts = Layouts.for_project(project)
    with pytest.raises(TemplateError, match="links outside"):
        layouts.jinja.get_template("pdf/guide.html.j2")


def test_a_cmyk_jpeg_logo_and_image_are_printed_and_reach_word_as_rgb(tmp_path: Path) -> None:
    """WeasyPrint prints a CMYK JPEG as it is (named .png or .jpg); python-docx cannot place
    one (no JFIF header), so Word gets it as an RGB JPEG of the same colours, and LibreOffice
    opens the document with both images."""
    project = copy_project(MINIMAL, tmp_path / "project")
    folder = brand(project, "ink", "logo.png")
    (folder / "logo.png").write_bytes(cmyk_jpeg(200))
    sections = project / "content/guides/onboarding/sections"
    (sections / "inks.jpg").write_bytes(cmyk_jpeg(400))
    intro = sections / "intro.en.md"
    intro.write_text(intro.read_text() + "\n![Red and cyan](inks.jpg)\n")
    assert api.validate(project).warnings == []
    out = tmp_path / "out"
    narrow = {"guide": ["onboarding"], "document": ["guide"], "format": ["pdf", "docx"]}
    result = api.build(project, "ink", out=out, jobs=1, **narrow)
    assert result.ok, result.failed
    guide = out / "ink/en/onboarding"
    listing = poppler("pdfimages", "-list", guide.with_suffix(".pdf")).splitlines()[2:]
    assert any(" cmyk " in line for line in listing), listing
    page = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "3", "-l", "3", guide.with_suffix(".pdf"), page],
        check=True,
    )
    shown = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    assert red_and_cyan(shown), "the CMYK image is printed in its own colours"
    with ZipFile(guide.with_suffix(".docx")) as docx:
        media = [docx.read(name) for name in docx.namelist() if name.startswith("word/media/")]
    assert len(media) == 2  # the logo (on the cover) and the section's image
    for data in media:
        image = Image.open(BytesIO(data))
        assert (image.format, image.mode) == ("JPEG", "RGB")
        assert red_and_cyan(image)
    libreoffice("pdf", [guide.with_suffix(".docx")], tmp_path / "office", tmp_path / "profile")
    converted = tmp_path / "office/onboarding.pdf"
    assert len(poppler("pdfimages", "-list", converted).splitlines()[2:]) >= 2


def red_and_cyan(image: Image.Image) -> bool:
    """Whether the image shows the red and the cyan of :func:`cmyk_jpeg` (each in 1 % of its
    pixels at least)."""
    data = image.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    red = sum(r > 180 and g < 90 and b < 90 for r, g, b in pixels)
    cyan = sum(r < 90 and g > 120 and b > 180 for r, g, b in pixels)
    return min(red, cyan) > len(pixels) / 100


def test_a_users_own_tmp_files_under_out_survive_a_build(tmp_path: Path) -> None:
    """Only a journeykit temporary file whose writer is gone is removed; the user's
    ``x.tmp``, ``.notes.tmp`` and ``.a.b.c.tmp`` are kept, byte for byte."""
    out = tmp_path / "out"
    mine = {"x.tmp": b"mine", ".notes.tmp": b"notes", "default/en/.a.123.b.tmp": b"draft"}
    for name, data in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    gone = _dead_pid()
    stale = out / f"default/en/.onboarding.pdf.journeykit-{gone}-abcd_123.tmp"
    stale.write_bytes(b"half a PDF")
    result = api.build(MINIMAL, out=out, guide=["onboarding"], format=["xlsx"], jobs=1)
    assert result.ok and result.written
    assert {name: (out / name).read_bytes() for name in mine} == mine
    assert not stale.exists()
    assert not list(out.rglob(".*.journeykit-*.tmp"))


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    assert not os.path.exists(f"/proc/{process.pid}")
    return process.pid


def test_a_font_with_a_damaged_character_map_is_one_problem(tmp_path: Path) -> None:
    """Its cmap table overwritten: the brand gets a problem naming the file, never a
    traceback (reading which characters it has fails quietly: the file is reported once)."""
    from fontTools.ttLib import TTFont

    project = copy_project(MINIMAL, tmp_path / "project")
    folder = brand(project, "damaged", font="Foo")
    data = bytearray((ROOT / "layouts/fonts/Lato-Bold.ttf").read_bytes())
    with TTFont(ROOT / "layouts/fonts/Lato-Bold.ttf", lazy=True) as font:
        entry = font.reader.tables["cmap"]
    data[entry.offset + 4 : entry.offset + entry.length] = junk(entry.length - 4)
    (folder / "Foo-Regular.ttf").write_bytes(bytes(data))
    result = limited_cli("validate", "--project", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "Foo-Regular.ttf" in result.stderr
