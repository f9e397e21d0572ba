"""The brand's fonts embedded in a Word document, so it shows the intended type on a machine
that lacks them (Word and LibreOffice both read Word's embedded fonts).

Word's mechanism (ECMA-376 Part 1 §17.8.1, §17.8.3): each face is a part ``word/fonts/fontN.odttf``
related from the font table, its first 32 bytes XORed with the bytes of a GUID (the ``fontKey``
the font table names beside the part), and ``w:embedTrueTypeFonts`` in the settings.

What is embedded, and why:

* Word embeds and reliably reads TrueType outlines only (it refuses to embed an OpenType font
  with PostScript/CFF outlines, e.g. Inter's .otf), so a CFF face is converted to TrueType
  (quadratic) outlines with fontTools' cu2qu, as ``otf2ttf`` does; the shapes differ from the
  original by well under a font unit.
* A variable font (Source Sans 3) is pinned to the static instances Word asks for: regular
  (400) and bold (700), upright and italic. Its default instance would otherwise be what Word
  shows (ExtraLight, for Source Sans 3).
* Each face is a subset: the Latin letters of every language journeykit writes in (Basic
  Latin, Latin-1, Latin Extended-A, common punctuation and symbols) plus any other character
  the document holds, so a user can still edit the text in any Western or Nordic language, and
  a face costs tens of kilobytes, not hundreds. It is marked ``w:subsetted``.
* Faces are renamed to the four styles Word knows in one family (``Inter``; Regular, Bold,
  Italic, Bold Italic), the name the document's styles use.
* A face's ``fontKey`` is derived from a hash of its bytes, and fontTools is told not to stamp
  the time, so a rebuilt document is byte-identical.

Semibold is not embedded: Word's styles only ask for regular and bold. A family without an
italic file gets Word's slanted regular, as it would with the family installed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import fontTools
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont, newTable
from lxml import etree

from generator.fonts import Family

FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_TABLE_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
)
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"

REPERTOIRE = frozenset(
    chr(code)
    for first, last in (
        (0x20, 0x7E),  # Basic Latin
        (0xA0, 0x17F),  # Latin-1 Supplement, Latin Extended-A
        (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
        (0x2030, 0x203A),  # per mille, primes, single guillemets
        (0x20AC, 0x20AC),  # euro
        (0x2122, 0x2122),  # trade mark
        (0x2190, 0x2193),  # arrows
        (0x2212, 0x2212),  # minus
        (0x2264, 0x2265),  # less / greater or equal
    )
    for code in range(first, last + 1)
)
"""What every embedded face covers, whatever the document holds: enough to edit the text in
any language journeykit ships (and most Western ones)."""


@dataclass(frozen=True)
class Face:
    """One of Word's four faces of a family: its element in the font table, the file style it
    comes from (first that the family has), its weight and whether it is italic."""

    element: str
    styles: tuple[str, ...]
    weight: int
    italic: bool

    @property
    def name(self) -> str:
        """The face's subfamily name: Regular, Bold, Italic, Bold Italic."""
        words = ["Bold"] * (self.weight >= 700) + ["Italic"] * self.italic
        return " ".join(words) or "Regular"


FACES = (
    Face("w:embedRegular", ("regular", "variable"), 400, False),
    Face("w:embedBold", ("bold", "variable"), 700, False),
    Face("w:embedItalic", ("italic", "variable-italic"), 400, True),
    Face("w:embedBoldItalic", ("bold-italic", "variable-italic"), 700, True),
)
"""Word's faces in the font table's order (no bundled family has a static bold italic; an
installed one may)."""


def font_key(data: bytes) -> str:
    """A GUID derived from the face's bytes (deterministic), in the font table's ``{…}`` form."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key's 16 bytes, least significant first (§17.8.1); the
    same call undoes it."""
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(document: object, families: dict[str, Family], text: str) -> None:
    """Embed each family's faces (``families``: the name the styles use → its files) in the
    python-docx ``document``; ``text`` is every character the document shows."""
    shown = frozenset(text) - REPERTOIRE
    package_part = document.part  # type: ignore[attr-defined]
    table_part = package_part.part_related_by(FONT_TABLE_RELATIONSHIP)
    table = etree.fromstring(table_part.blob)
    count = 0
    for family, files in families.items():
        faces = [(face, face_file(face, files)) for face in FACES]
        faces = [(face, found) for face, found in faces if found is not None]
        if not faces:
            continue
        entry = font_entry(table, family)
        for face, (path, variable) in faces:
            mtime = path.stat().st_mtime_ns
            extra = shown & covered(path, mtime)  # a character the face lacks changes nothing
            data = embeddable_face(path, mtime, family, face, variable, extra)
            key = font_key(data)
            count += 1
            part = Part(
                PackURI(f"/word/fonts/font{count}.odttf"),
                OBFUSCATED_FONT,
                obfuscate(data, key),
                package_part.package,
            )
            embed = etree.SubElement(entry, qn(face.element))
            embed.set(qn("r:id"), table_part.relate_to(part, FONT_RELATIONSHIP))
            embed.set(qn("w:fontKey"), key)
            embed.set(qn("w:subsetted"), "1")
    if count:
        table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8")
        settings = document.settings.element  # type: ignore[attr-defined]
        if settings.find(qn("w:embedTrueTypeFonts")) is None:
            before = [c for c in settings if etree.QName(c).localname in SETTINGS_BEFORE]
            at = settings.index(before[-1]) + 1 if before else 0
            settings.insert(at, etree.Element(qn("w:embedTrueTypeFonts")))


SETTINGS_BEFORE = {
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
}
"""The settings the schema orders before ``w:embedTrueTypeFonts``."""


def face_file(face: Face, files: Family) -> tuple[Path, bool] | None:
    """The file a face comes from and whether it is variable, or None when the family lacks it."""
    for style in face.styles:
        if style in files:
            return files[style], style.startswith("variable")
    return None


def font_entry(table: etree._Element, family: str) -> etree._Element:
    """The font table's entry for ``family``, new (an old one is replaced): a proportional
    sans-serif font, its faces to follow."""
    for old in table.findall(qn("w:font")):
        if old.get(qn("w:name")) == family:
            table.remove(old)
    entry = etree.SubElement(table, qn("w:font"))
    entry.set(qn("w:name"), family)
    for tag, value in (("w:charset", "00"), ("w:family", "swiss"), ("w:pitch", "variable")):
        etree.SubElement(entry, qn(tag)).set(qn("w:val"), value)
    return entry


@lru_cache(maxsize=32)
def covered(path: Path, _mtime: int) -> frozenset[str]:
    """The characters a font file has glyphs for."""
    with TTFont(path, lazy=True) as font:
        return frozenset(map(chr, font.getBestCmap()))


CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "journeykit" / "fonts"
"""Faces made for Word once, kept for every later build (making one takes about half a
second: converting outlines, pinning a variable font)."""


@lru_cache(maxsize=32)
def embeddable_face(
    path: Path, _mtime: int, family: str, face: Face, variable: bool, extra: frozenset[str]
) -> bytes:
    """The face as Word embeds it: a static TrueType-outline subset named ``family`` ``face``
    (made once per file: kept in :data:`CACHE`, and in memory for the process)."""
    recipe = [path.read_bytes(), family.encode(), repr((face, variable, sorted(extra))).encode()]
    key = hashlib.sha256(b"\0".join([fontTools.version.encode(), *recipe])).hexdigest()
    cached = CACHE / f"{key}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _make_face(path, family, face, variable, extra)
    try:  # a cache that cannot be written only costs time
        CACHE.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(cached)
    except OSError:
        pass
    return data


def _make_face(path: Path, family: str, face: Face, variable: bool, extra: frozenset[str]) -> bytes:
    # A bundled font's head table dates it 1904 or 1970; fontTools says so on every read.
    dates = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = dates.level
    dates.setLevel(logging.ERROR)
    try:
        return _made_face(path, family, face, variable, extra)
    finally:
        dates.setLevel(level)


def _made_face(path: Path, family: str, face: Face, variable: bool, extra: frozenset[str]) -> bytes:
    font = TTFont(BytesIO(path.read_bytes()), recalcTimestamp=False)
    options = Options()
    options.name_IDs = [1, 2, 3, 4, 5, 6]
    options.name_languages = [0x409]
    options.hinting = False
    options.notdef_outline = True
    options.layout_features = ["kern", "liga"]  # what LibreOffice applies (Word when asked)
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in REPERTOIRE | extra])
    subsetter.subset(font)  # first: pinning a whole variable font takes seconds
    if variable and "fvar" in font:
        from fontTools.varLib.instancer import instantiateVariableFont

        location = {
            axis.axisTag: max(axis.minValue, min(axis.maxValue, face.weight))
            if axis.axisTag == "wght"
            else axis.defaultValue
            for axis in font["fvar"].axes
        }
        font = instantiateVariableFont(font, location)
    if "CFF " in font:
        to_truetype(font)
    rename(font, family, face)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def to_truetype(font: TTFont) -> None:
    """Replace a font's CFF outlines with TrueType ones (cubic curves approximated by
    quadratics within a unit; contours reversed, TrueType winding clockwise)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    for table in ("VORG", "CFF2"):
        if table in font:
            del font[table]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    font["loca"] = newTable("loca")
    glyf.compile(font)
    metrics = font["hmtx"].metrics
    for name, glyph in glyphs.items():
        metrics[name] = (metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, family: str, face: Face) -> None:
    """Name the face as one of Word's four styles of ``family``, with weight and style bits to
    match (a variable instance or a semibold file would otherwise name another family)."""
    names = font["name"]
    postscript = f"{family}-{face.name}".replace(" ", "")
    for name_id, value in (
        (1, family),
        (2, face.name),
        (3, f"journeykit:{postscript}"),
        (4, f"{family} {face.name}"),
        (6, postscript),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    names.names = [
        n for n in names.names if n.nameID not in (16, 17, 21, 22, 25) and n.platformID == 3
    ]
    os2, head = font["OS/2"], font["head"]
    os2.usWeightClass = face.weight
    bold, italic = face.weight >= 700, face.italic
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (italic << 0) | (bold << 5)
    if not (bold or italic):
        os2.fsSelection |= 1 << 6  # REGULAR
    head.macStyle = (bold << 0) | (italic << 1)
