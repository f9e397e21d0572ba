"""What a brand changes in its set, and what it only paints.

A batch renders the same guides for many brands. What decides the layout (the fonts, the paper,
which contact lines and logo a brand has, its own footer, the credit, the workbooks a guide
carries) is the brand's :class:`TemplateKey`: brands with equal keys share one *template*, the
set rendered once for a :func:`placeholder` brand that paints every palette role in a
:data:`SENTINELS` colour and writes placeholder strings for the brand's name and contact
details. What a brand only paints is stamped onto the template: its colours role by role
(:func:`colour_pairs`), its strings where they sit (:func:`string_pairs`), its logo in its box.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from generator.document import contact_href
from generator.model import Brand, Contact
from generator.palette import Palette

SENTINELS = Palette(
    primary="#0B1D2F",
    accent="#2F0B1D",
    text="#1D2F0B",
    paper="#FEFDFC",
    label_fill="#F1F3F5",
    tip_fill="#F5F3F1",
    help_text="#3D4B59",
    on_primary_soft="#D9E7F3",
    accent_text="#593D4B",
    accent_on_primary="#F3D9E7",
)
"""A template's palette: each role the brand decides in a colour of its own that neither the
layouts nor the renderers use otherwise (the fixed roles keep their colours), so that a stamp
can tell the roles apart even where a brand paints two of them alike."""

BRAND_ROLES = tuple(
    f.name for f in fields(Palette) if getattr(SENTINELS, f.name) != getattr(Palette, f.name, None)
)
"""The palette roles a brand decides (the rest are the same for every brand)."""

PLACEHOLDER_NAME = "Zqxv Brand"
PLACEHOLDER_FOOTER = "Zqxv Footer"
PLACEHOLDER_CONTACT = Contact(website="zqxv.example", email="zqxv@zqxv.example", phone="+99 909 99")
"""A template's strings: plain letters every font has, found nowhere else in any document."""
PLACEHOLDERS = (
    PLACEHOLDER_NAME,
    PLACEHOLDER_FOOTER,
    PLACEHOLDER_CONTACT.website,
    PLACEHOLDER_CONTACT.email,
    PLACEHOLDER_CONTACT.phone,
)
"""Every string a template shows in a brand's place."""
PLACEHOLDER_LINKS = frozenset(contact_href(PLACEHOLDER_CONTACT, text) for text in PLACEHOLDERS[2:])
"""The links a template makes of its contact details."""
SENTINEL_COLOURS = tuple(getattr(SENTINELS, role) for role in BRAND_ROLES)
"""The sentinel colours a template paints with, one a role."""


@dataclass(frozen=True)
class TemplateKey:
    """What lays a brand's set out: two brands with the same key share a template."""

    fonts: tuple[str, str]
    font_files: tuple[Path, ...]
    """The files the fonts resolve to (a brand's own fonts lie in its folder)."""
    logo: str
    """The kind of image the office files carry the logo as (``jpg`` for a JPEG, which they
    keep as it is; ``png`` for a PNG or an SVG, which they carry rasterised), or "" for no
    logo (the PDF takes any logo in its box)."""
    contact: tuple[bool, bool, bool]
    """Whether it has a website, an e-mail address, a phone number."""
    footer: bool
    """Whether it has a footer of its own (else its name is the footer)."""
    attribution: bool
    attach_workbooks: bool
    paper: str | None


def template_key(brand: Brand, font_files: tuple[Path, ...]) -> TemplateKey:
    """The brand's template key (``font_files``: where its fonts resolve)."""
    contact = brand.contact
    return TemplateKey(
        fonts=(brand.fonts.heading, brand.fonts.body),
        font_files=font_files,
        logo=_logo_kind(brand.logo),
        contact=(bool(contact.website), bool(contact.email), bool(contact.phone)),
        footer=bool(brand.footer),
        attribution=brand.attribution,
        attach_workbooks=brand.attach_workbooks,
        paper=brand.paper,
    )


def _logo_kind(logo: str) -> str:
    if not logo:
        return ""
    return "jpg" if Path(logo).suffix.lower() in (".jpg", ".jpeg") else "png"


def placeholder(brand: Brand) -> Brand:
    """The brand as its template renders it: the same layout facts, placeholder strings for
    its name, footer and contact details, a placeholder logo of the same kind (colours come
    from :data:`SENTINELS`). Every brand of a key has the same placeholder, so a brand's
    stamped files do not depend on which brand's set made the template."""
    contact = brand.contact
    kind = _logo_kind(brand.logo)
    return brand.model_copy(
        update={
            "name": PLACEHOLDER_NAME,
            "logo": str(placeholder_logo(kind)) if kind else "",
            "footer": PLACEHOLDER_FOOTER if brand.footer else "",
            "contact": Contact(
                website=PLACEHOLDER_CONTACT.website if contact.website else "",
                email=PLACEHOLDER_CONTACT.email if contact.email else "",
                phone=PLACEHOLDER_CONTACT.phone if contact.phone else "",
            ),
        }
    )


PLACEHOLDER_LOGO_SIZE = (400, 100)
"""Pixels of the placeholder logo (a grey band: any logo takes its place in its box)."""
_logos: list[tempfile.TemporaryDirectory[str]] = []


def placeholder_logo(kind: str) -> Path:
    """The placeholder logo of a kind (``png`` or ``jpg``), made once a process."""
    if not _logos:
        _logos.append(tempfile.TemporaryDirectory(prefix="journeykit-logo-"))
    path = Path(_logos[0].name) / f"placeholder.{kind}"
    if not path.exists():
        from PIL import Image

        image = Image.new("RGB", PLACEHOLDER_LOGO_SIZE, "#808080")
        image.save(path, format="JPEG" if kind == "jpg" else "PNG")
    return path


def string_pairs(brand: Brand) -> dict[str, str]:
    """Each placeholder string the brand has and its own, longest first (so that no
    placeholder is replaced inside a longer one), with the links made from them."""
    contact = brand.contact
    pairs = {PLACEHOLDER_NAME: brand.name}
    if brand.footer:
        pairs[PLACEHOLDER_FOOTER] = brand.footer
    for held, own in zip(
        (PLACEHOLDER_CONTACT.website, PLACEHOLDER_CONTACT.email, PLACEHOLDER_CONTACT.phone),
        (contact.website, contact.email, contact.phone),
        strict=True,
    ):
        if own:
            pairs[contact_href(PLACEHOLDER_CONTACT, held)] = contact_href(contact, own)
            pairs[held] = own
    return dict(sorted(pairs.items(), key=lambda pair: -len(pair[0])))


def colour_pairs(brand: Brand) -> dict[str, str]:
    """Each sentinel colour (``#RRGGBB``) and the brand's colour for the same role."""
    own = Palette.of(brand.colors)
    return {getattr(SENTINELS, role): getattr(own, role) for role in BRAND_ROLES}
