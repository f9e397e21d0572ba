"""Text helpers: loanword marking keeps the text intact, CSS strings cannot break out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from weasyprint import HTML

from generator import api
from generator.model import BrokenWord, Library
from generator.text import (
    css_string,
    hyphenate,
    long_date,
    mark_languages,
    markdown_to_html,
    split_languages,
)
from generator.typography import typeset
from tests.conftest import MINIMAL, copy_project, libreoffice, pdf_text, read_back


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


def test_the_cover_shows_the_revision_date_in_the_guide_language(
    built: Path, library: Library
) -> None:
    updated = library.guides[("kundresan", "sv")].updated
    assert updated is not None
    cover = pdf_text(built / "kundresan.pdf").split("\f")[0]
    assert f"Uppdaterad {updated.day} {format_date(updated, 'MMMM', locale='sv')} " in cover


LISTS = """---
id: intro
title: "Lists"
---
Support comes in levels:

- self-service on the website
- 1. line on the phone
- 2. and perhaps 3. line, where the experts sit

Steps three and four:

3. Measure the outcome
4. Report it

   Every month.

And a plan:

1. Plan
   - a brief
   - a budget
2. Do
   1. draft
   2. publish
"""


@pytest.mark.slow
def test_lists_keep_their_numbers_and_nesting_in_pdf_and_docx(tmp_path: Path) -> None:
    """A list starting at 3, nested bullets and numbers, a paragraph continuing an item, and a
    bullet whose text begins with a number (its text, as its author meant, not a list inside
    the bullet): LibreOffice prints the Word file's numbers as the PDF does."""
    project = copy_project(MINIMAL, tmp_path / "project")
    (project / "content/guides/onboarding/sections/intro.en.md").write_text(LISTS)
    result = api.build(project, guide=["onboarding"], variant=[], format=["pdf", "docx"], jobs=1)
    assert result.ok
    out = project / "output/default/en"
    libreoffice("pdf", [out / "onboarding.docx"], tmp_path / "word", tmp_path / "lo")
    expected = [
        "1. line on the phone",
        "2. and perhaps 3. line, where the experts sit",
        "3. Measure the outcome",
        "4. Report it",
        "Every month.",
        "1. Plan",
        "a brief",
        "2. Do",
        "1. draft",
        "2. publish",
    ]
    for pdf in (out / "onboarding.pdf", tmp_path / "word/onboarding.pdf"):
        text = pdf_text(pdf, "layout")
        lines = [" ".join(line.strip("•◦ \uf0b7").split()) for line in text.splitlines()]
        found = [line for line in lines if line in expected]
        assert found == expected, (pdf, lines)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "Kundens ”bästa” vän och kundens ’lilla’ bok"),
        ("nb", "Kundens «beste» venn og kundens ‘lille’ bok"),
        ("en", "The customer’s “best” friend and the customer’s ‘little’ book"),
    ],
)
def test_plain_text_gets_its_languages_quotes_and_apostrophes(
    library: Library, language: str, expected: str
) -> None:
    written = {
        "sv": "Kundens \"bästa\" vän och kundens 'lilla' bok",
        "nb": "Kundens \"beste\" venn og kundens 'lille' bok",
        "en": "The customer's \"best\" friend and the customer's 'little' book",
    }[language]
    assert typeset(written, library.ui[language].quotes) == expected


@pytest.mark.slow
def test_no_straight_quote_is_left_in_any_document(every_output: Path) -> None:
    """Grid cells, titles, prose and the words around them: every PDF, DOCX and XLSX reads
    back with typographic quotes and apostrophes only (a workbook's own formula aside)."""
    straight = {}
    for path in sorted(every_output.rglob("*.*")):
        if path.suffix in (".pdf", ".docx", ".xlsx"):
            text = read_back(path)
            found = [line for line in text.splitlines() if ("'" in line or '"' in line)]
            found = [line for line in found if not line.startswith("=")]
            if found:
                straight[path.relative_to(every_output)] = found[:3]
    assert not straight


def test_a_hyphenation_exception_breaks_words_only_where_it_says(
    library: Library, tmp_path: Path
) -> None:
    """Swedish "blogginlägg" breaks as "blogg-inlägg" (the dictionary says "blog-ginlägg"), in
    every form that begins with it, whatever its case."""
    ui = library.ui["sv"].model_copy(update={"hyphenation": ["blogg-in-lägg"]})
    assert hyphenate("Blogginläggen", ("blogg-in-lägg",)) == "Blogg\u00adin\u00adläggen"
    words = mark_languages("blogginlägg " * 4, ui, breakable=True)
    assert "\u00ad" not in mark_languages("Blogginlägg", ui)  # a heading or label never breaks
    with pytest.raises(ValidationError, match="is not a word with its break points"):
        TypeAdapter(BrokenWord).validate_python("blogg inlägg")
    html = f'<p lang="sv" style="width: 17mm; hyphens: auto">{words}</p>'
    pdf = tmp_path / "narrow.pdf"
    HTML(string=f"<html lang=sv><body>{html}</body></html>").write_pdf(pdf)
    lines = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
    assert "blogg‐" in lines and "blog‐" not in lines and "inlägg" in lines
