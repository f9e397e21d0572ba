"""The key pages look as their reference images do (see ``tests/references.py`` for how to
write new ones after an intended change)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.references import REFERENCES, TOLERANCE, Reference, difference, render


@pytest.mark.parametrize("reference", REFERENCES, ids=[r.name for r in REFERENCES])
def test_a_key_page_looks_as_its_reference(key_pdfs: Path, reference: Reference) -> None:
    page = render(key_pdfs / reference.file, reference.page)
    expected = Image.open(reference.path).convert("RGB")
    share = difference(page, expected)
    assert share <= TOLERANCE, (
        f"{reference.name}: {share:.1%} of the page differs from {reference.path.name}; if the "
        "change is intended, look at the pages and run `make references`"
    )
