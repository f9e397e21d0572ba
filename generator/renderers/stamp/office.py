"""Stamping a brand onto a DOCX or XLSX file rendered for its template's placeholder brand.

A template is a file rendered for a :func:`~generator.renderers.stamp.brandless.placeholder`
brand in the :data:`~generator.renderers.stamp.brandless.SENTINELS` colours, cut once: each zip
member that holds a placeholder string, a sentinel colour or the logo's size is split into
literal chunks around them; every other member is kept as its compressed bytes. A brand's file
is then a join and a deflate per changed member, the rest copied as they are, in a zip written
as :mod:`zipfile` writes it (the same bytes as a direct render)::

    template = OfficeTemplate.of(data, view, layouts)  # view: the template's, as rendered
    data = template.stamp(brand)  # None: render this brand directly
    why = template.refusal(brand)  # why it cannot be stamped, or ""

Where a string sits decides how it is written: XML-escaped as text or as an attribute, a
character reference per non-ASCII character where the writer writes them so, with ``&``
doubled and openpyxl's codes applied in a print header. A colour is replaced only where a
colour goes (DOCX ``RRGGBB``, as the renderer writes it there: upper case or as the brand wrote
it; XLSX ``00RRGGBB``, a chart's ``srgbClr``, a print header's ``&K``). A brand is refused
(the caller renders it directly) where its file would differ in more than these: a string with
a tab or a line break, one a font subset of the DOCX lacks, a name marked as a loanword, a
contents page whose estimated page numbers would move, a hyperlink or logo a writer would
share with another, an XLSX style two colours would make equal, a contact line that wraps, a
logo of another image format or that the title leaves no room for.
"""

from __future__ import annotations

import copy
import html
import re
import struct
import zlib
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import Any

from generator.document import DocumentView
from generator.layouts import Layouts
from generator.logo import logo_png
from generator.model import Brand
from generator.renderers.stamp.brandless import (
    PLACEHOLDER_CONTACT,
    PLACEHOLDER_NAME,
    colour_pairs,
    string_pairs,
    template_key,
)

Key = tuple[str, ...]
"""A slot's key: what is written there for a brand (``("string", placeholder, form, refs)``,
``("colour", sentinel, case)``, ``("fill", pattern, colour, colour)``, ``("logo", place,
quantity)``)."""
Chunks = list[bytes | tuple[str, ...]]

HEADER_ELEMENTS = {
    b"oddHeader",
    b"oddFooter",
    b"evenHeader",
    b"evenFooter",
    b"firstHeader",
    b"firstFooter",
}
"""An XLSX sheet's print headers and footers, where ``&`` starts a code."""
TEXT_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)$')
LOGO_ANCHOR = (
    rb"<oneCellAnchor><from><col>(\d+)</col><colOff>(\d+)</colOff><row>0</row>"
    rb'<rowOff>(\d+)</rowOff></from><ext cx="(\d+)" cy="(\d+)"/><pic>.*?</oneCellAnchor>'
)
"""A picture on an XLSX sheet's title row, as openpyxl writes one."""
PATTERN_FILL = re.compile(
    rb'<patternFill( patternType="\w+")?><fgColor rgb="00([0-9A-F]{6})"/>'
    rb'<bgColor rgb="00([0-9A-F]{6})"/></patternFill>'
)
"""A solid fill as openpyxl writes one in XLSX styles."""
LINE_BREAKS = re.compile(r"[\t\n\r]")
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CORE_PROPERTY_MAX = 255
"""The longest author python-docx writes (a longer name fails the direct render)."""
DEFLATE = (zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
"""How :mod:`zipfile` deflates a member (its default level, a raw stream)."""


class Refused(Exception):
    """Why a brand cannot be stamped exactly."""


# --- the zip, as zipfile wrote it ----------------------------------------------------------------


@dataclass
class Member:
    """One zip member of the template: its headers as written, its compressed bytes, and its
    content cut around the slots (None when no brand changes it)."""

    name: str
    local: bytes
    central: bytes
    compressed: bytes
    content: bytes
    chunks: Chunks | None = None


def read_members(data: bytes) -> tuple[list[Member], bytes]:
    """The archive's members in order (from its central directory) and its end record."""
    end = data.rfind(b"PK\x05\x06")
    count, _, offset = struct.unpack("<HLL", data[end + 10 : end + 20])
    members, position = [], offset
    for _ in range(count):
        flags, method, csize = struct.unpack("<HH8xL", data[position + 8 : position + 24])
        lengths = struct.unpack("<HHH", data[position + 28 : position + 34])
        header = struct.unpack("<L", data[position + 42 : position + 46])[0]
        central = data[position : position + 46 + sum(lengths)]
        name = central[46 : 46 + lengths[0]].decode("utf-8" if flags & 0x800 else "cp437")
        if flags & 0x08 or method != 8 or data[header : header + 4] != b"PK\x03\x04":
            raise Refused(f"{name}: not a member as zipfile writes one")
        name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
        start = header + 30 + name_length + extra_length
        compressed = data[start : start + csize]
        content = zlib.decompress(compressed, -15)
        members.append(Member(name, data[header:start], central, compressed, content))
        position += len(central)
    return members, data[end:]


def deflated(content: bytes) -> bytes:
    compressor = zlib.compressobj(*DEFLATE)
    return compressor.compress(content) + compressor.flush()


def write_members(members: list[tuple[Member, bytes | None]], end: bytes) -> bytes:
    """The archive again, each member with new content (None: as it was) deflated in place."""
    out, centrals = bytearray(), []
    for member, content in members:
        offset = len(out)
        local, central = bytearray(member.local), bytearray(member.central)
        if content is None:
            compressed = member.compressed
        else:
            compressed = deflated(content)
            sizes = struct.pack("<LLL", zlib.crc32(content), len(compressed), len(content))
            local[14:26], central[16:28] = sizes, sizes
        central[42:46] = struct.pack("<L", offset)
        out += local
        out += compressed
        centrals.append(bytes(central))
    directory = b"".join(centrals)
    record = bytearray(end)
    record[12:20] = struct.pack("<LL", len(directory), len(out))
    return bytes(out + directory + record)


# --- strings and colours as each place writes them -------------------------------------------


def escaped(text: str, form: str, refs: bool) -> bytes:
    """``text`` as the XML holds it: ``form`` ``text`` or ``attr`` (quotes escaped), ``header``
    (an XLSX print header: ``&`` doubled and openpyxl's codes applied, then as text); with
    ``refs``, non-ASCII characters as character references."""
    if form == "header":
        text = header_codes(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if form == "attr":
        text = text.replace('"', "&quot;")
    if refs:
        return text.encode("ascii", "xmlcharrefreplace")
    return text.encode("utf-8")


def header_codes(text: str) -> str:
    """A brand's string in a print header as openpyxl writes it there (see
    :func:`~generator.renderers.xlsx.style.header_text`)."""
    from openpyxl.worksheet.header_footer import HeaderFooterItem, _HeaderFooterPart

    from generator.renderers.xlsx.style import header_text

    return str(HeaderFooterItem(left=_HeaderFooterPart(header_text(text))))[2:]


def coloured(colour: str, case: str) -> bytes:
    """A ``#RRGGBB`` colour as a place writes it: ``upper`` case, or ``as-is``."""
    hex_colour = colour.lstrip("#")
    return (hex_colour.upper() if case == "upper" else hex_colour).encode("ascii")


def pattern_fill(pattern: str, colours: list[str]) -> bytes:
    """An XLSX fill of ``pattern`` (`` patternType="solid"`` or "") in these two colours
    (``RRGGBB``) as openpyxl writes it: black, its default, is left out."""
    inside = "".join(
        f'<{element} rgb="00{colour}"/>'
        for element, colour in zip(("fgColor", "bgColor"), colours, strict=True)
        if colour != "000000"
    )
    whole = (
        f"<patternFill{pattern}>{inside}</patternFill>" if inside else f"<patternFill{pattern}/>"
    )
    return whole.encode()


def writes_references(member: str, content: bytes) -> bool:
    """Whether the member's writer wrote non-ASCII characters as character references: as
    its other text shows, else as openpyxl writes a sheet that no formula's value was filled
    into (without an XML declaration)."""
    if re.search(rb"[\x80-\xff]", content):
        return False
    if re.search(rb"&#(1[2-9][0-9]|[2-9][0-9]{2}|[0-9]{4,});", content):
        return True
    return member.startswith("xl/worksheets/sheet") and not content.startswith(b"<?xml")


def context(content: bytes, start: int) -> tuple[str, bytes, bytes, bytes]:
    """Where ``start`` is: ``("attr", element, attribute, value so far)`` or ``("text",
    element, b"", text so far)`` (the element the text follows the start tag of)."""
    opening = content.rfind(b"<", 0, start)
    closing = content.rfind(b">", 0, start)
    element = re.match(rb"<([\w:]+)", content[opening:])
    name = element.group(1) if element else b""
    if opening > closing:
        attribute = TEXT_ATTRIBUTE.search(content, opening, start)
        if attribute is None:
            return "tag", name, b"", b""
        return "attr", name, attribute.group(1), attribute.group(2)
    return "text", name, b"", content[closing + 1 : start]


def colour_case(fmt: str, content: bytes, start: int, end: int) -> str | None:
    """How a colour is written at ``start:end``: ``upper`` or ``as-is``; ``fill`` for a fill's
    colour in XLSX styles, which openpyxl leaves out when it is black (its default); None
    where no colour goes (not a whole value, or a place the renderers paint nothing)."""
    where, element, attribute, before = context(content, start)
    whole = content[end : end + 1] == b'"'
    if fmt == "docx" and where == "attr" and whole and not before:
        if element == b"w:color" and attribute == b"w:val":
            return "upper"  # python-docx's RGBColor
        if attribute in (b"w:color", b"w:fill"):
            return "as-is"  # shading() and border() write the colour as given
    if fmt == "xlsx":
        if where == "attr" and whole and attribute == b"rgb" and before in (b"00", b"FF"):
            return "fill" if element in (b"fgColor", b"bgColor") else "upper"
        if where == "attr" and whole and element == b"a:srgbClr" and not before:
            return "upper"
        if where == "text" and element in HEADER_ELEMENTS and before.endswith(b"&amp;K"):
            return "upper"
    return None


def chunks(content: bytes, spans: list[tuple[int, int, Key]]) -> Chunks:
    """``content`` cut into literal bytes and the keys of the slots at ``spans``."""
    cut: Chunks = []
    position = 0
    for start, end, key in sorted(spans):
        if start < position:
            raise Refused(f"two slots overlap at {start}")
        cut += [content[position:start], key]
        position = end
    cut.append(content[position:])
    return cut


# --- the template -----------------------------------------------------------------------------


@dataclass
class Logo:
    """The template's logo: its bytes, the media members holding it and the format they are
    named by, and each number its size decides (by slot key) as the template has it."""

    image: bytes
    media: list[str]
    kind: str
    sizes: dict[Key, int] = field(default_factory=dict)
    bars: list[tuple[list[float], str]] = field(default_factory=list)
    """XLSX: each sheet's title bar, as :func:`~generator.renderers.xlsx.sheet.logo_anchor`
    takes it (its columns' widths, its title)."""


@dataclass
class Contents:
    """A DOCX guide's contents as the renderer estimated their page numbers: the body's
    blocks, the headings and their pages, and the blocks a brand's strings or logo change."""

    measure: Any
    blocks: list[Any]
    height: float
    headings: list[Any]
    pages: list[int]
    changing: list[int]
    logo_ids: frozenset[str]


class OfficeTemplate:
    """A DOCX or XLSX file rendered for a placeholder brand, cut to stamp brands onto."""

    def __init__(self, data: bytes, view: DocumentView, layouts: Layouts) -> None:
        self.data, self.view, self.layouts = data, view, layouts
        self.format = view.job.format
        self.brand = view.brand
        self.placeholders = string_pairs(view.brand)
        self.strings = re.compile("|".join(map(re.escape, self.placeholders)))
        self.members: list[Member] = []
        self.end = b""
        self.broken = ""
        """Why no brand can be stamped on it ("" when brands can)."""
        self.logo: Logo | None = None
        self.logo_broken = ""
        """Why no brand with another logo can be stamped on it."""
        self.text = frozenset[str]()
        """DOCX: every character its text shows (what the font subsets cover besides their
        repertoire)."""
        self.contents: Contents | None = None
        self.contents_broken = ""
        self.counts: dict[str, list[int]] = {}
        """XLSX: how many distinct entries each list of the styles (and shared strings) holds."""

    @classmethod
    def of(cls, data: bytes, view: DocumentView, layouts: Layouts) -> OfficeTemplate:
        """The template of ``data``: the file the renderer made of ``view``, the view of a
        :func:`~generator.renderers.stamp.brandless.placeholder` brand in the sentinel
        colours, for a DOCX or XLSX job (``layouts``: the project's, as rendered with)."""
        template = cls(data, view, layouts)
        try:
            template.cut()
        except Refused as refused:
            template.broken = str(refused)
        return template

    def stamp(self, brand: Brand) -> bytes | None:
        """The file for ``brand`` (a brand of the template's key), as the renderer would make
        it; None when it cannot be made exactly so (render it directly)."""
        try:
            return self.stamped(brand)
        except Refused:
            return None

    def refusal(self, brand: Brand) -> str:
        """Why ``brand`` cannot be stamped on the template, or "" when it can."""
        try:
            self.stamped(brand)
        except Refused as refused:
            return str(refused)
        return ""

    # --- cutting ------------------------------------------------------------------------------

    def cut(self) -> None:
        """Read the template's members and cut those a brand changes."""
        if self.format not in ("docx", "xlsx"):
            raise Refused(f"{self.format} is not an office format")
        self.members, self.end = read_members(self.data)
        self.find_logo()
        strings = re.compile(b"|".join(re.escape(p.encode()) for p in self.placeholders))
        sentinels = [sentinel.lstrip("#").upper() for sentinel in colour_pairs(self.brand)]
        colours = re.compile("|".join(sentinels).encode())
        for member in self.members:
            if not member.name.endswith((".xml", ".rels", ".vml")):
                continue
            content = member.content
            refs = "refs" if writes_references(member.name, content) else ""
            spans: list[tuple[int, int, Key]] = []
            fills = [
                (
                    *found.span(),
                    (
                        "fill",
                        found.group(1).decode(),
                        found.group(2).decode(),
                        found.group(3).decode(),
                    ),
                )
                for found in PATTERN_FILL.finditer(content)
            ]
            for found in strings.finditer(content):
                where, element, _, _ = context(content, found.start())
                if where == "tag":
                    raise Refused(f"{member.name}: a placeholder in a tag")
                form = "attr" if where == "attr" else "text"
                if where == "text" and element in HEADER_ELEMENTS:
                    form = "header"
                spans.append((*found.span(), ("string", found.group().decode(), form, refs)))
            for found in colours.finditer(content):
                start, end = found.span()
                case = colour_case(self.format, content, start, end)
                if case is None:
                    whole = not content[end : end + 1].isalnum() and (
                        not content[start - 1 : start].isalnum()
                        or content[start - 3 : start] in (b'"00', b'"FF')
                    )
                    if whole:
                        raise Refused(f"{member.name}: a sentinel colour where none is stamped")
                    continue
                if case == "fill":  # in a fill written whole: black leaves its colours out
                    fill = next((f for f in fills if f[0] <= start < f[1]), None)
                    if fill is None:
                        raise Refused(f"{member.name}: a fill not as openpyxl writes one")
                    if fill not in spans:
                        spans.append(fill)
                    continue
                spans.append((start, end, ("colour", found.group().decode(), case)))
            spans += self.logo_spans(member)
            if spans:
                member.chunks = chunks(content, spans)
        if self.logo is not None and not self.logo_broken:
            self.check_logo()
        if self.format == "docx":
            texts = (
                html.unescape(text.decode())
                for member in self.members
                if member.name.endswith(".xml")
                for text in re.findall(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", member.content)
            )
            self.text = frozenset("".join(texts))
            self.read_contents()
        else:
            self.counts = {
                name: distinct(member.content)
                for name in ("xl/styles.xml", "xl/sharedStrings.xml")
                if (member := self.member(name)) is not None
            }

    def member(self, name: str) -> Member | None:
        return next((member for member in self.members if member.name == name), None)

    def targets(self, name: str) -> dict[str, str]:
        """The members a part's relationships point to, by relationship id."""
        folder, _, file = name.rpartition("/")
        rels = self.member(f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels")
        found: dict[str, str] = {}
        for relation in re.finditer(rb"<Relationship [^>]*>", rels.content if rels else b""):
            ids = re.search(rb' Id="([^"]+)"', relation.group())
            target = re.search(rb' Target="([^"]+)"', relation.group())
            if ids and target:
                path = target.group(1).decode()
                found[ids.group(1).decode()] = path[1:] if path[0] == "/" else f"{folder}/{path}"
        return found

    def sheets(self) -> list[Member]:
        """An XLSX's sheets in the workbook's order (``sheet1.xml`` …)."""
        found = [m for m in self.members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m.name)]
        return sorted(found, key=lambda member: int(re.sub(r"\D", "", member.name)))

    # --- the logo -----------------------------------------------------------------------------

    def find_logo(self) -> None:
        """The template's logo: its media and their format (its sizes are found as the
        members that show it are cut)."""
        image = logo_png(self.brand)
        if image is None:
            return
        media = [member.name for member in self.members if member.content == image]
        if not media:
            self.logo_broken = "the template's logo is not among its media"
            return
        self.logo = Logo(image, media, media[0].rsplit(".", 1)[-1])
        if self.format == "xlsx":
            try:
                self.logo.bars = [title_bar(sheet) for sheet in self.sheets()]
            except Refused as refused:
                self.logo_broken = str(refused)

    def logo_spans(self, member: Member) -> list[tuple[int, int, Key]]:
        """The numbers of ``member`` that the logo's size decides."""
        logo = self.logo
        if logo is None or self.logo_broken:
            return []
        targets = self.targets(member.name)
        found: list[tuple[int, int, Key]] = []
        if self.format == "docx":
            place = "cover" if member.name == "word/document.xml" else "header"
            pattern, quantities = rb"<w:drawing>.*?</w:drawing>", None
        else:
            sheet = next(
                (
                    i
                    for i, s in enumerate(self.sheets())
                    if member.name in self.targets(s.name).values()
                ),
                -1,
            )
            place = f"sheet{sheet}"
            pattern = LOGO_ANCHOR
            quantities = ("col", "colOff", "rowOff", "cx", "cy")
        for drawing in re.finditer(pattern, member.content, re.S):
            embed = re.search(rb'r:embed="([^"]+)"', drawing.group())
            if embed is None or targets.get(embed.group(1).decode()) not in logo.media:
                continue
            if quantities is None:  # DOCX: the extents of the inline picture and its shape
                numbers = [
                    (drawing.start() + n.start(2), drawing.start() + n.end(2), n.group(1).decode())
                    for n in re.finditer(rb' (cx|cy)="(\d+)"', drawing.group())
                ]
            else:
                numbers = [
                    (drawing.start(g), drawing.end(g), quantity)
                    for g, quantity in enumerate(quantities, start=1)
                ]
            for start, end, quantity in numbers:
                key = ("logo", place, quantity)
                if logo.sizes.setdefault(key, int(member.content[start:end])) != int(
                    member.content[start:end]
                ):
                    self.logo_broken = f"the logo shows at two sizes in {place}"
                found.append((start, end, key))
        return found

    def logo_sizes(self, image: bytes) -> dict[Key, int]:
        """Each number the logo's size decides, for ``image``, as the renderer works it out."""
        if self.format == "docx":
            from generator.renderers.docx import cover_logo_size, header_logo_size

            sizes = {}
            for place, size in (
                ("cover", cover_logo_size(image)),
                ("header", header_logo_size(image)),
            ):
                sizes[("logo", place, "cx")], sizes[("logo", place, "cy")] = map(int, size)
            return sizes
        from PIL import Image

        from generator.renderers.xlsx.sheet import logo_anchor

        assert self.logo is not None
        with Image.open(BytesIO(image)) as opened:
            size = opened.size
        sizes: dict[Key, int] = {}
        for index, (widths, title) in enumerate(self.logo.bars):
            anchor = logo_anchor(size, widths, title)
            if anchor is None:
                sizes[("logo", f"sheet{index}", "none")] = 1
                continue
            where = anchor._from
            for quantity, number in (
                ("col", where.col),
                ("colOff", where.colOff),
                ("rowOff", where.rowOff),
                ("cx", anchor.ext.width),
                ("cy", anchor.ext.height),
            ):
                sizes[("logo", f"sheet{index}", quantity)] = int(number)
        return sizes

    def check_logo(self) -> None:
        """The sizes the template shows its logo at are the renderer's (else another logo
        is not stamped)."""
        assert self.logo is not None
        expected = self.logo_sizes(self.logo.image)
        shown = {key: number for key, number in expected.items() if key in self.logo.sizes}
        drawn = {key[1] for key in self.logo.sizes}
        undrawn = {key[1] for key in expected if key[2] == "none"}
        if shown != self.logo.sizes or drawn & undrawn:
            self.logo_broken = "the template's logo is not where the renderer puts it"
        elif self.format == "docx":
            document = self.member("word/document.xml")
            assert document is not None
            media = {
                key
                for key, target in self.targets(document.name).items()
                if target in self.logo.media
            }
            uses = sum(document.content.count(f'r:embed="{key}"'.encode()) for key in media)
            if uses != (1 if self.view.job.document == "guide" else 0):
                self.logo_broken = "the template's logo is also a picture of the text"
        else:
            sheets = {f"sheet{index}" for index in range(len(self.logo.bars))}
            if drawn | undrawn != sheets:
                self.logo_broken = "a sheet shows no logo though its title leaves room"

    # --- the contents' page numbers -----------------------------------------------------------

    def read_contents(self) -> None:
        """A guide's contents as the renderer estimated their page numbers (checked against
        the numbers the template shows), to tell whether a brand's strings or logo move any."""
        if self.view.job.document != "guide":
            return
        from docx import Document
        from docx.oxml.ns import qn

        from generator.renderers.docx import (
            Measure,
            page_blocks,
            page_height,
            paginate,
            text_fonts,
        )

        document = Document(BytesIO(self.data))
        styles = document.styles
        entry_styles = {styles[f"toc {level}"].style_id for level in (1, 2)}
        heading_styles = {styles[f"Heading {level}"].style_id for level in (1, 2)}
        body = document.element.body
        entries = [p for p in body.iterchildren(qn("w:p")) if p.style in entry_styles]
        if not entries:
            return  # no contents (or none with entries): no page numbers to move
        pages = [int([t.text for t in entry.iter(qn("w:t"))][-1]) for entry in entries]
        contents_end = entries[-1].getnext()
        for entry in entries:  # the body as it was when the renderer estimated the pages
            body.remove(entry)
        prose = [
            t for t in body.iterchildren(qn("w:tbl")) if not t.findall(f".//{qn('w:trHeight')}")
        ]
        fonts = text_fonts(self.brand, self.layouts)
        blocks = page_blocks(document, contents_end, len(entries), prose, fonts)
        height = page_height(document)
        headings = [p for p in body.iterchildren(qn("w:p")) if p.style in heading_styles]
        placed = paginate(blocks, height)
        if [placed.get(heading) for heading in headings] != pages:
            self.contents_broken = "the contents' page numbers are not the estimate's"
            return
        logo_ids = frozenset(
            key
            for key, target in self.targets("word/document.xml").items()
            if self.logo is not None and target in self.logo.media
        )
        changing = [
            index
            for index, block in enumerate(blocks)
            if block.element.tag == qn("w:p")
            and (
                self.strings.search("".join(t.text or "" for t in block.element.iter(qn("w:t"))))
                or any(
                    blip.get(qn("r:embed")) in logo_ids for blip in block.element.iter(qn("a:blip"))
                )
            )
        ]
        measure = Measure.of(document, fonts)
        self.contents = Contents(measure, blocks, height, headings, pages, changing, logo_ids)

    def check_contents(
        self, pairs: dict[str, str], image: bytes | None, sizes: dict[Key, int]
    ) -> None:
        """Refuse a brand whose strings or logo would move a page number of the contents."""
        contents = self.contents
        if contents is None:
            return
        from docx.oxml.ns import qn

        from generator.renderers.docx import paginate

        heights = {}
        for index in contents.changing:
            block = contents.blocks[index]
            part = copy.deepcopy(block.element)
            for text in part.iter(qn("w:t")):
                text.text = self.strings.sub(lambda found: pairs[found.group()], text.text or "")
            if image is not None:
                for inline in part.iter(qn("wp:inline")):
                    if any(
                        b.get(qn("r:embed")) in contents.logo_ids for b in inline.iter(qn("a:blip"))
                    ):
                        extent = inline.find(qn("wp:extent"))
                        extent.set("cx", str(sizes[("logo", "cover", "cx")]))
                        extent.set("cy", str(sizes[("logo", "cover", "cy")]))
            height = contents.measure.height(part, contents.measure.lines(part))
            if height != block.height:
                heights[index] = height
        if not heights:
            return
        if self.contents_broken:
            raise Refused(f"the brand changes the body's length, and {self.contents_broken}")
        blocks = [
            replace(block, height=heights[index]) if index in heights else block
            for index, block in enumerate(contents.blocks)
        ]
        placed = paginate(blocks, contents.height)
        if [placed.get(heading) for heading in contents.headings] != contents.pages:
            raise Refused("the brand's strings or logo move a page number of the contents")

    # --- stamping -----------------------------------------------------------------------------

    def stamped(self, brand: Brand) -> bytes:
        """The brand's file, or :class:`Refused` with the reason it cannot be made exactly."""
        if self.broken:
            raise Refused(self.broken)
        self.check_brand(brand)
        pairs = string_pairs(brand)
        colours = colour_pairs(brand)
        image, sizes = self.new_logo(brand)
        if self.format == "docx":
            self.check_docx(brand, pairs)
            self.check_contents(pairs, image, sizes)
        else:
            self.check_xlsx(pairs)
        values: dict[Key, bytes] = {}
        numbers = sizes or (self.logo.sizes if self.logo is not None else {})

        def value(key: Key) -> bytes:
            if key not in values:
                if key[0] == "fill":
                    own = [
                        coloured(colours.get(f"#{c}", f"#{c}"), "upper").decode() for c in key[2:]
                    ]
                    values[key] = pattern_fill(key[1], own)
                elif key[0] == "string":
                    values[key] = escaped(pairs[key[1]], key[2], key[3] == "refs")
                elif key[0] == "colour":
                    values[key] = coloured(colours[f"#{key[1]}"], key[2])
                else:
                    values[key] = str(numbers[key]).encode()
            return values[key]

        written: list[tuple[Member, bytes | None]] = []
        for member in self.members:
            content = None
            if image is not None and self.logo is not None and member.name in self.logo.media:
                content = image
            elif member.chunks is not None:
                content = b"".join(
                    chunk if isinstance(chunk, bytes) else value(chunk) for chunk in member.chunks
                )
                if content == member.content:
                    content = None
            written.append((member, content))
        if self.format == "docx":
            check_links(written)
        else:
            self.check_styles(written)
            check_print_texts(written)
        return write_members(written, self.end)

    def check_brand(self, brand: Brand) -> None:
        """The brand shares the template's layout facts, and its strings are plain text."""
        if _layout(brand) != _layout(self.brand):
            raise Refused("its fonts, logo, contact details or footer are not the template's")
        for text in string_pairs(brand).values():
            if LINE_BREAKS.search(text):
                raise Refused(f"{text!r} holds a tab or a line break")
            if text != text.strip():  # loading strips them: a writer would mark the space kept
                raise Refused(f"{text!r} starts or ends with a space")
            if NOT_XML.search(text):
                raise Refused(f"{text!r} holds a character XML cannot")

    def new_logo(self, brand: Brand) -> tuple[bytes | None, dict[Key, int]]:
        """The brand's logo and its sizes where it is not the template's (else None)."""
        image = logo_png(brand)
        if self.logo is None or image is None or image == self.logo.image:
            return None, {}
        if self.logo_broken:
            raise Refused(self.logo_broken)
        if self.format == "docx":
            from docx.image.image import Image

            kind = Image.from_blob(image).ext
            if any(m.content == image for m in self.members if m.name.startswith("word/media/")):
                raise Refused("its logo is also a picture of the text")
        else:
            from PIL import Image as Picture

            with Picture.open(BytesIO(image)) as opened:
                kind = (opened.format or "").lower()
        if kind != self.logo.kind:
            raise Refused(f"its logo is a {kind}, the template's a {self.logo.kind}")
        sizes = self.logo_sizes(image)
        drawn = {key[1] for key in sizes if key[2] != "none"}
        if self.format == "docx":
            drawn &= {key[1] for key in self.logo.sizes}
        if drawn != {key[1] for key in self.logo.sizes}:
            raise Refused("its logo is too narrow to show beside a title (or the template's is)")
        return image, sizes

    def check_docx(self, brand: Brand, pairs: dict[str, str]) -> None:
        """Its name is not marked as a loanword, and every character of its strings is in the
        template's font subsets."""
        from generator.renderers.docx.fonts import REPERTOIRE
        from generator.text import split_languages

        if len(brand.name) > CORE_PROPERTY_MAX:
            raise Refused(f"python-docx holds its author to {CORE_PROPERTY_MAX} characters")
        for text in (brand.name, brand.footer):
            if text and split_languages(text, self.view.ui) != [(text, None)]:
                raise Refused(f"{text!r} holds a word of another language")
        extra = set("".join(pairs.values())) - REPERTOIRE - self.text
        if extra:
            raise Refused(f"the template's font subsets lack {''.join(sorted(extra))!r}")

    def check_xlsx(self, pairs: dict[str, str]) -> None:
        """Its contact lines take as many lines on the instructions sheet as the template's."""
        from generator.renderers.xlsx.instructions import CONTACT_COLUMN, paragraph_height

        held_lines = (PLACEHOLDER_NAME, *PLACEHOLDER_CONTACT.model_dump().values())
        for held in held_lines:  # the instructions sheet's contact lines
            if held in pairs and paragraph_height(pairs[held], CONTACT_COLUMN) != paragraph_height(
                held, CONTACT_COLUMN
            ):
                raise Refused(f"{pairs[held]!r} wraps on the instructions sheet")

    def check_styles(self, written: list[tuple[Member, bytes | None]]) -> None:
        """No two styles (or shared strings) the template holds apart are equal for the
        brand (openpyxl would have written them once)."""
        for member, content in written:
            if content is None or member.name not in self.counts:
                continue
            if distinct(content) != self.counts[member.name]:
                raise Refused(f"two of its colours make two entries of {member.name} equal")


def _layout(brand: Brand) -> object:
    """The brand's template key, its logo only had or not (its kind is checked with the logo
    itself, :meth:`OfficeTemplate.new_logo`, which says more)."""
    key = template_key(brand, ())
    return replace(key, logo=bool(key.logo))


def check_links(written: list[tuple[Member, bytes | None]]) -> None:
    """No part links to one address twice (python-docx would have related it once)."""
    for member, content in written:
        if content is not None and member.name.endswith(".rels"):
            targets = re.findall(
                rb'<Relationship [^>]*Target="([^"]*)"[^>]*TargetMode="External"', content
            )
            if len(set(targets)) != len(targets):
                raise Refused(f"{member.name}: it links to one address twice")


def distinct(content: bytes) -> list[int]:
    """How many distinct entries each list of an XLSX styles (or shared strings) part holds."""
    from lxml import etree

    root = etree.fromstring(content)
    return [len({etree.tostring(entry, method="c14n") for entry in part}) for part in root]


def title_bar(sheet: Member) -> tuple[list[float], str]:
    """An XLSX sheet's title bar: its columns' widths (as far as row 1 is merged) and title."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = etree.fromstring(sheet.content)
    merged = [
        cell.get("ref", "")
        for cell in root.iter(f"{main}mergeCell")
        if cell.get("ref", "").startswith("A1:")
    ]
    title = root.find(f".//{main}c[@r='A1']")
    if not merged or title is None or title.get("t") != "inlineStr":
        raise Refused(f"{sheet.name}: no title bar as the renderer writes one")
    widths: dict[int, float] = {}
    for column in root.iter(f"{main}col"):
        for number in range(int(column.get("min", 0)), int(column.get("max", 0)) + 1):
            widths[number] = float(column.get("width", 0))
    last = range_boundaries(merged[0])[2]
    return [widths.get(number, 0.0) for number in range(1, last + 1)], "".join(title.itertext())


PRINT_TEXTS = re.compile(rb"<(odd|even|first)(Header|Footer)>(.*?)</\1\2>", re.S)


def check_print_texts(written: list[tuple[Member, bytes | None]]) -> None:
    """No stamped print header or footer is longer than Excel takes (a direct render would
    have cut the brand's text to fit)."""
    from generator.renderers.xlsx.sheet import PRINT_TEXT_MAX

    for member, content in written:
        if content is None or not member.name.startswith("xl/worksheets/"):
            continue
        for match in PRINT_TEXTS.finditer(content):
            if len(html.unescape(match.group(3).decode("utf-8"))) > PRINT_TEXT_MAX:
                raise Refused(f"its print {match.group(2).decode().lower()} would be cut to fit")
