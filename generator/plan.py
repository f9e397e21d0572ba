"""Planning: the library and the user's filters → the list of jobs, one per file to make.

guides × languages × brands × (guide document + worksheet variants) × formats, each combination
only where its format makes that kind of document (an XLSX has no guide, only worksheets). A brand
with a language gets that language only, unless the user names languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.errors import ContentError, ContentErrors
from generator.formats import FORMATS
from generator.model import BLANK, Brand, DocumentKind, Guide, Job, Library
from generator.paper import DEFAULT_PAPER, PAPERS

DEFAULT_BRAND = "default"


@dataclass(frozen=True)
class Filters:
    """What the user asked for; an empty tuple means everything."""

    guides: Sequence[str] = ()
    languages: Sequence[str] = ()
    variants: Sequence[str] = ()
    formats: Sequence[str] = ()
    brands: Sequence[str] = (DEFAULT_BRAND,)
    paper: str | None = None
    """The paper (``a4``, ``letter``); None: each brand's own, else A4."""
    print_marks: bool = False
    documents: Sequence[DocumentKind] = ()
    """Only these documents: ``guide``, ``worksheet`` (empty: both)."""
    prepared_for: str = ""
    """Who the guides' covers say they were prepared for (a personalised download)."""


def unknown_values(
    asked: Sequence[str], known: Sequence[str], what: str, option: str
) -> list[ContentError]:
    """A problem naming the values of one filter that do not exist, and those that do."""
    unknown = [value for value in asked if value not in known]
    if not unknown:
        return []
    message = f"unknown {what} {', '.join(map(repr, unknown))}"
    return [ContentError(None, message, field=option, hint=f"valid: {', '.join(sorted(known))}")]


def worksheet_variants(
    library: Library, guide_id: str, language: str
) -> list[tuple[str | None, str]]:
    """Each worksheet of a guide (None for its framework) with ``blank`` and each example."""
    guide = library.guides[(guide_id, language)]
    pairs: list[tuple[str | None, str]] = []
    for worksheet_id in (guide.framework, *guide.worksheets):
        examples = library.examples_of(guide, worksheet_id)
        sheet = None if worksheet_id == guide.framework else worksheet_id
        pairs += [(sheet, variant) for variant in (BLANK, *(e.id for e in examples))]
    return pairs


def variants_of(library: Library, guide_id: str, language: str) -> list[str]:
    """A guide's worksheet variants: ``blank`` and the id of every example, without repeats."""
    variants = [variant for _, variant in worksheet_variants(library, guide_id, language)]
    return list(dict.fromkeys(variants))


Documents = list[tuple[str, str | None, str]]
"""A guide's documents to make: (``guide`` or ``worksheet``, worksheet id or None, variant)."""


class Planner:
    """The filters, checked once, and the documents they select of each guide and language;
    the jobs of any brand then (a batch's clients, read one at a time)."""

    def __init__(self, library: Library, filters: Filters = Filters()) -> None:
        """Raises :class:`ContentErrors` naming each filter value that matches nothing."""
        guide_ids = sorted({guide_id for guide_id, _ in library.guides})
        languages = sorted({language for _, language in library.guides})
        all_variants = sorted(
            {v for g, lang in library.guides for v in variants_of(library, g, lang)}
        )
        problems = [
            *unknown_values(filters.guides, guide_ids, "guide", "guide"),
            *unknown_values(filters.languages, languages, "language", "lang"),
            *unknown_values(filters.variants, all_variants, "variant", "variant"),
            *unknown_values(filters.formats, list(FORMATS), "format", "format"),
            *unknown_values(filters.brands, list(library.brands), "brand", "brand"),
            *unknown_values(filters.documents, ["guide", "worksheet"], "document", "document"),
            *unknown_values(
                [filters.paper] if filters.paper else [], list(PAPERS), "paper", "paper"
            ),
        ]
        if problems:
            raise ContentErrors(problems)
        self.filters = filters
        wanted = set(filters.documents) or {"guide", "worksheet"}
        self.sets: list[tuple[str, str, Documents]] = []
        """Each guide and language selected, with its documents, in a stable order."""
        for guide_id, language in sorted(library.guides):
            if filters.guides and guide_id not in filters.guides:
                continue
            if filters.languages and language not in filters.languages:
                continue
            documents: Documents = []
            if "guide" in wanted and not filters.variants:
                documents.append(("guide", None, BLANK))
            if "worksheet" in wanted:
                documents += [
                    ("worksheet", sheet, variant)
                    for sheet, variant in worksheet_variants(library, guide_id, language)
                    if not filters.variants or variant in filters.variants
                ]
            self.sets.append((guide_id, language, documents))

    def set_jobs(
        self, guide_id: str, language: str, documents: Documents, brand: Brand
    ) -> list[Job]:
        """The jobs of one guide and language for ``brand`` (none when the brand has another
        language and no language was asked for)."""
        filters = self.filters
        if not filters.languages and brand.language not in (None, language):
            return []
        return documents_jobs(
            guide_id,
            language,
            brand.id,
            documents,
            filters.formats,
            paper_for(brand, filters.paper),
            filters.print_marks,
            filters.prepared_for,
        )

    def jobs(self, brand: Brand) -> list[Job]:
        """Every job of ``brand``, by guide and language."""
        return [job for one in self.sets for job in self.set_jobs(*one, brand)]

    def selects_nothing(self) -> bool:
        """Whether the filters select no file whatever the brand (before any is read)."""
        anyone = Brand(id="anyone", name="anyone")
        return not any(self.set_jobs(*one, anyone) for one in self.sets)


def plan(library: Library, filters: Filters = Filters()) -> list[Job]:
    """Every job the filters select, in a stable order (by guide and language, then brand).

    Raises :class:`ContentErrors` naming each filter value that matches nothing, or saying why
    the filters together select nothing.
    """
    planner = Planner(library, filters)
    jobs = [
        job
        for one in planner.sets
        for brand in filters.brands
        for job in planner.set_jobs(*one, library.brands[brand])
    ]
    if not jobs:
        raise ContentErrors(nothing_selected(library, filters))
    return jobs


def nothing_selected(library: Library, filters: Filters) -> list[ContentError]:
    """Why filters that each match something select no file together: the guides asked for
    are in other languages, lack the variants asked for, or the brands' languages."""
    pairs = [key for key in sorted(library.guides) if key[0] in (filters.guides or [key[0]])]
    written = {g: [lang for g2, lang in pairs if g2 == g] for g, _ in pairs}
    if filters.languages and not any(lang in filters.languages for _, lang in pairs):
        asked = ", ".join(filters.languages)
        return [
            ContentError(
                None,
                f"{guide} is written in {', '.join(languages)}; --lang {asked} has nothing to "
                "build",
                field="lang",
                hint=f"use --lang {languages[0]}, or leave --lang out",
            )
            for guide, languages in written.items()
        ]
    if filters.languages:
        pairs = [key for key in pairs if key[1] in filters.languages]
    if filters.variants and not any(
        set(filters.variants) & set(variants_of(library, *key)) for key in pairs
    ):
        asked = ", ".join(filters.variants)
        return [
            ContentError(
                None,
                f"{guide} ({language}) has the worksheet variants "
                f"{', '.join(variants_of(library, guide, language))}; --variant {asked} has "
                "nothing to build",
                field="variant",
                hint="choose one of those, or leave --variant out",
            )
            for guide, language in pairs
        ]
    if not filters.languages:
        languages = sorted({language for _, language in pairs})
        brands = [library.brands[b] for b in filters.brands]
        if brands and all(b.language is not None and b.language not in languages for b in brands):
            return [
                ContentError(
                    None,
                    f"brand {brand.id!r} has language: {brand.language} in its brand.yaml, and "
                    f"the guides selected are written in {', '.join(languages)}",
                    field="brand",
                    hint=f"add --lang {languages[0]} to build them for it anyway, or choose "
                    "guides in its language with --guide",
                )
                for brand in brands
            ]
    return [
        ContentError(
            None,
            "the options together select no document",
            hint="an xlsx holds worksheets only, and --variant selects worksheets only",
        )
    ]


def documents_jobs(
    guide_id: str,
    language: str,
    brand: str,
    documents: list[tuple[str, str | None, str]],
    formats: Sequence[str],
    paper: str,
    print_marks: bool = False,
    prepared_for: str = "",
) -> list[Job]:
    """The jobs of a guide's documents (document, worksheet, variant) for one brand, in each
    format (every format when none is given) that makes them; a guide's cover says it was
    ``prepared_for`` someone when that is given."""
    return [
        Job(
            guide=guide_id,
            language=language,
            brand=brand,
            document=document,
            worksheet=sheet,
            variant=variant,
            format=fmt,
            paper=paper,
            print_marks=print_marks,
            prepared_for=prepared_for if document == "guide" else "",
        )
        for document, sheet, variant in documents
        for fmt in formats or FORMATS
        if document in FORMATS[fmt].documents
    ]


def filled_jobs(guide: Guide, brand: Brand, variant: str, formats: Sequence[str]) -> list[Job]:
    """A client's documents from their filled worksheet (an example of id ``variant``): their
    short guide and the worksheet, in each format asked for."""
    documents = [("guide", None, BLANK), ("worksheet", None, variant)]
    return documents_jobs(guide.id, guide.language, brand.id, documents, formats, paper_for(brand))


def paper_for(brand: Brand, asked: str | None = None) -> str:
    """The paper a brand's documents are made for: the one asked for, else the brand's own,
    else A4."""
    return asked or brand.paper or DEFAULT_PAPER
