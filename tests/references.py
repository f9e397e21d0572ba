"""Reference images of key pages, and how a page is compared with its reference.

The pages: the Swedish Kundresan's cover and contents, its blank worksheet (a grid), and the
Norwegian buyer persona (a form) and action plan (a checklist), rendered by poppler at a low
resolution. ``tests/test_references.py`` renders the same pages of the shared build and compares
them within a tolerance: a change of layout, colour or typeface shows, a new date does not.

After an intended change of the layouts, look at the new pages and write new references:

    make references        # or: .venv/bin/python tests/references.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "reference"
RESOLUTION = 30
"""Dots per inch: enough to see layout and colour, small enough to keep in git."""
TOLERANCE = 0.01
"""The share of pixels that may differ clearly (by more than :data:`CLEAR` in any channel)."""
CLEAR = 64


@dataclass(frozen=True)
class Reference:
    """One page of one built file."""

    name: str
    file: str
    """Below the output folder, e.g. ``default/sv/kundresan.pdf``."""
    page: int

    @property
    def path(self) -> Path:
        return FOLDER / f"{self.name}.png"


REFERENCES = [
    Reference("cover", "default/sv/kundresan.pdf", 1),
    Reference("contents", "default/sv/kundresan.pdf", 2),
    Reference("grid", "default/sv/kundresan-worksheet-blank.pdf", 1),
    Reference("form", "default/nb/kundereisen-buyer-persona-blank.pdf", 1),
    Reference("checklist", "default/nb/kundereisen-handlingsplan-blank.pdf", 1),
]


def render(pdf: Path, page: int) -> Image.Image:
    """One page as poppler draws it, in RGB."""
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(BytesIO(png)).convert("RGB")


def difference(image: Image.Image, reference: Image.Image) -> float:
    """The share of pixels that differ clearly (1.0 when the sizes differ)."""
    if image.size != reference.size:
        return 1.0
    delta = ImageChops.difference(image, reference).convert("L")
    clear = sum(delta.histogram()[CLEAR:])
    return clear / (image.size[0] * image.size[1])


def write_references() -> None:
    """Build what the references show and write them (run on purpose, after looking)."""
    from generator import api

    with tempfile.TemporaryDirectory() as out:
        guides = ["kundresan", "kundereisen"]
        result = api.build(ROOT, out=out, guide=guides, lang=["sv", "nb"], format=["pdf"])
        assert result.ok, result.failed
        FOLDER.mkdir(exist_ok=True)
        for reference in REFERENCES:
            render(Path(out) / reference.file, reference.page).save(reference.path, optimize=True)
            print(f"wrote {reference.path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(write_references())
