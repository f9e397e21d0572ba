"""Text helpers: loanword marking keeps the text intact, CSS strings cannot break out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model import Library
from generator.text import (
    css_string,
    long_date,
    mark_languages,
    markdown_to_html,
    split_languages,
)
from tests.conftest import pdf_text


@given(st.text())
def test_splitting_into_language_runs_keeps_every_character(library: Library, text: str) -> None:
    ui = library.ui["sv"]
    assert "".join(part for part, _ in split_languages(text, ui)) == text


def test_loanwords_are_marked_only_as_whole_words(library: Library) -> None:
    ui = library.ui["sv"]
    assert split_languages("Vi gör Research.", ui) == [
        ("Vi gör ", None),
        ("Research", "en"),
        (".", None),
    ]
    assert split_languages("Researchavdelningen", ui) == [("Researchavdelningen", None)]
    assert (
        str(mark_languages("<b>Research</b>", ui))
        == '&lt;b&gt;<span lang="en">Research</span>&lt;/b&gt;'
    )


def test_markdown_raw_html_is_text_and_headings_shift_down(library: Library) -> None:
    html = str(markdown_to_html("## Rubrik\n\n<script>x</script> Lead nurturing", library.ui["sv"]))
    assert "<h3>Rubrik</h3>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<span lang="en">Lead nurturing</span>' in html


@given(st.text())
def test_css_strings_have_no_quote_or_markup_characters_inside(text: str) -> None:
    inner = str(css_string(text))[1:-1]
    assert not re.search(r'["<>&\n]', inner)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "22 november 2026"), ("nb", "22. november 2026"), ("en", "22 November 2026")],
)
def test_dates_are_written_per_locale(library: Library, language: str, expected: str) -> None:
    assert long_date(date(2026, 11, 22), library.ui[language].locale) == expected


def test_the_cover_shows_the_revision_date_in_the_guide_language(built: Path) -> None:
    cover = pdf_text(built / "kundresan.pdf").split("\f")[0]
    assert "Uppdaterad 22 november 2026" in cover
