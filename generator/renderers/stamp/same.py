"""Whether a stamped file equals a direct render: what a reader, a screen reader, a form filler
and an office suite would find different, named in a few short lines.

A PDF is compared as it is seen and read, not as it is written: its pages as images (a
difference of :data:`AA_LEVELS` or less in a pixel is antialiasing and rounding, anything more
is a difference), each page's text, the structure tree and the marked content it points to,
form fields, annotations, outlines, named destinations, attachments, fonts by name and the
metadata. Object numbers, stream bytes and their compression, the ``/ID``, font subsets' bytes
(a stamped file may carry a subset with extra glyphs), the producer and the dates are not
compared. DOCX and XLSX are compared part by part: the same zip members, each XML part equal
after canonicalisation (C14N), every other part byte for byte.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pikepdf
import pypdfium2 as pdfium
from lxml import etree
from PIL import Image, ImageChops

DPI = 96
"""The resolution pages are compared at: a screen's at 100 % (a CSS pixel is 0.75 pt). A glyph
moved by 0.5 pt is two thirds of a pixel away and changes its edges by 115–141 levels (of 255;
measured on the guide's glyphs at eight sub-pixel offsets), and a 10-page guide renders in
well under a tenth of a second."""
AA_LEVELS = 2
"""The largest difference (of 255, in any of red, green and blue) in a pixel that is taken for
antialiasing or a colour written with other digits; a pixel that differs more is a difference.
Two renders of one drawing are identical, and a colour one level off stays within it. This is
strict on purpose: pdfium places glyphs on a grid of a fraction of a pixel, so a glyph moved
by as little as 0.01 pt sometimes crosses a step of it (about 60 levels at its edges) and is
caught, which only sends a stamp that does not write the direct render's numbers back to the
direct render."""
TOLERANCE = 0.01
"""Numbers (a rectangle's corners in points, a colour's components) closer than this are equal."""
MOST = 5
"""At most this many lines per kind of difference; the rest are counted."""

FORMATS = ("pdf", "docx", "xlsx")
Plain = Any
"""A PDF object made plain (str, int, float, bool, None, list, dict) for comparison."""


def differences(format: str, a: bytes, b: bytes) -> list[str]:
    """What differs between two files of one format (``pdf``, ``docx``, ``xlsx``), one short
    line each; an empty list when they are equal."""
    if format not in FORMATS:
        raise ValueError(f"cannot compare {format!r} files: {', '.join(FORMATS)} can be")
    if a == b:
        return []
    return pdf_differences(a, b) if format == "pdf" else office_differences(a, b)


# ---------------------------------------------------------------------------------------------
# Office files


XML_SUFFIXES = (".xml", ".rels", ".vml")
EXCERPT = 40
"""Characters shown on either side of the first difference in a part."""


def office_differences(a: bytes, b: bytes) -> list[str]:
    """The differing members of two DOCX or XLSX files (zip archives of XML parts)."""
    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            return list(_members_differences(za, zb))
    except zipfile.BadZipFile as error:
        return [f"not a zip archive: {error}"]


def _members_differences(za: zipfile.ZipFile, zb: zipfile.ZipFile) -> Iterator[str]:
    names_a, names_b = za.namelist(), zb.namelist()
    only_a = [name for name in names_a if name not in set(names_b)]
    only_b = [name for name in names_b if name not in set(names_a)]
    common = [name for name in names_a if name not in only_a]
    if only_a or only_b:
        yield f"zip members differ: only in a {only_a}, only in b {only_b}"
    lines = [
        line
        for name in common
        for line in [_member_difference(name, za.read(name), zb.read(name))]
        if line
    ]
    yield from _capped(lines, "zip members")


def _member_difference(name: str, a: bytes, b: bytes) -> str | None:
    """One line saying how one member differs, or None."""
    if a == b:
        return None
    if name.endswith(XML_SUFFIXES):
        ca, cb = _canonical(a), _canonical(b)
        if ca == cb:
            return None
        text_a, text_b = ca.decode("utf-8", "replace"), cb.decode("utf-8", "replace")
        return f"{name} differs: {_excerpts(text_a, text_b)}"
    return f"{name} differs: {_bytes_differ(a, b)}"


def _bytes_differ(a: bytes, b: bytes) -> str:
    """Where two byte strings first differ, and their lengths."""
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"from byte {at} ({len(a)} bytes vs {len(b)})"


def _parser() -> etree.XMLParser:
    """A parser for one document (lxml's parsers are not for several threads at once)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _canonical(data: bytes) -> bytes:
    """An XML part in canonical form (C14N 1.0 without comments), or its bytes if it is not
    well-formed."""
    try:
        return etree.tostring(etree.fromstring(data, _parser()), method="c14n", with_comments=False)
    except etree.XMLSyntaxError:
        return data


def _excerpts(a: str, b: str) -> str:
    """The two texts around where they first differ: ``…<t>Acme</t>… vs …<t>Acne</t>…``."""
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    if start is None:
        start = min(len(a), len(b))
    tag = a.rfind("<", max(0, start - EXCERPT), start)  # a and b are alike up to start
    if tag < 0:
        tag = max(0, start - EXCERPT // 2)
    return f"{_around(a, tag)} vs {_around(b, tag)}"


def _around(text: str, start: int) -> str:
    """Up to ``2 * EXCERPT`` characters of ``text`` from ``start``, on one line."""
    piece = text[start : start + 2 * EXCERPT].replace("\n", "⏎")
    return ("…" if start else "") + piece + ("…" if start + 2 * EXCERPT < len(text) else "")


# ---------------------------------------------------------------------------------------------
# PDF


def pdf_differences(a: bytes, b: bytes) -> list[str]:
    """What differs between two PDFs, as seen (pages), read (text, tags) and filled in."""
    lines: list[str] = []
    with ExitStack() as opened:
        pdfs = []
        for which, data in (("a", a), ("b", b)):
            try:
                pdfs.append(opened.enter_context(pikepdf.open(io.BytesIO(data))))
            except pikepdf.PdfError as error:
                return [f"{which} is not a PDF: {str(error).rsplit(': ', 1)[-1]}"]
        da, db = _Described(pdfs[0]), _Described(pdfs[1])
        for label, describe in _PARTS:
            lines += _capped(list(_diff(describe(da), describe(db), f"{label}:")), label)
    lines += _seen_differences(a, b)
    return lines


def _capped(lines: list[str], label: str, more: str = "differences") -> list[str]:
    """At most :data:`MOST` of ``lines``, and how many ``more`` there are."""
    left = len(lines) - MOST
    return lines[:MOST] + ([f"{label}: {left} more {more}"] if left > 0 else [])


class _Described:
    """A PDF opened with pikepdf, with what its descriptions share: where its pages and its
    structure elements are."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        self.elements: dict[tuple[int, int], str] = {}
        """Each indirect structure element's path (``/Document/Sect[2]/P[0]``)."""
        self.tree = _structure(self)

    def plain(self, obj: Any, skip: frozenset[str] = frozenset()) -> Plain:
        """A PDF object as plain values: a page as ``page N``, a structure element as its path,
        a stream as its dictionary (its bytes are not compared), ``skip``'s keys left out."""
        return self._plain(obj, skip, ())

    def keys(self, obj: Any, skip: frozenset[str] = frozenset()) -> dict[str, Plain]:
        """A dictionary's entries as plain values (even if it is a page or an element)."""
        seen = (obj.objgen,) if obj.is_indirect else ()
        return self._entries(obj, skip, seen)

    def _entries(self, obj: Any, skip: frozenset[str], seen: tuple[Any, ...]) -> dict[str, Plain]:
        return {
            key: self._plain(obj[key], skip, seen)
            for key in sorted(obj.keys())
            if key not in skip and key not in ALWAYS_SKIPPED
        }

    def _plain(self, obj: Any, skip: frozenset[str], seen: tuple[tuple[int, int], ...]) -> Plain:
        if isinstance(obj, bool) or obj is None:
            return obj
        if isinstance(obj, int | float | Decimal):
            return float(obj)
        if isinstance(obj, pikepdf.Name):
            return str(obj)
        if isinstance(obj, pikepdf.String):
            return _text(obj)
        if isinstance(obj, pikepdf.Array):
            return [self._plain(item, skip, seen) for item in obj]
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if obj.is_indirect:
                if obj.objgen in self.pages:
                    return f"page {self.pages[obj.objgen]}"
                if obj.objgen in self.elements:
                    return f"element {self.elements[obj.objgen]}"
                if obj.objgen in seen:
                    return "(cycle)"
                seen = (*seen, obj.objgen)
            if isinstance(obj, pikepdf.Stream):
                return self._entries(obj.stream_dict, skip | STREAM_KEYS, seen)
            return self._entries(obj, skip, seen)
        return repr(obj)


ALWAYS_SKIPPED = frozenset({"/Parent", "/P"})
"""Keys leading back up a tree (what they point to is compared from above)."""
STREAM_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})


def _text(string: pikepdf.String) -> str:
    """A PDF string as text (binary strings as hexadecimal)."""
    try:
        return str(string)
    except UnicodeDecodeError:
        return bytes(string).hex()


def _rect(value: Plain) -> Plain:
    """A rectangle with its corners ordered (``[x0 y0 x1 y1]`` with x0 ≤ x1, y0 ≤ y1)."""
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, float) for v in value):
        x0, y0, x1, y1 = value
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    return value


def _boxes(d: _Described) -> Plain:
    """Each page's boxes, rotation and tab order."""
    return {
        f"page {n}": {
            "/MediaBox": _rect(d.plain(page.mediabox)),
            "/CropBox": _rect(d.plain(page.cropbox)),
            "/BleedBox": _rect(d.plain(page.bleedbox)),
            "/TrimBox": _rect(d.plain(page.trimbox)),
            "/ArtBox": _rect(d.plain(page.artbox)),
            "/Rotate": d.plain(page.obj.get("/Rotate", 0)),
            "/UserUnit": d.plain(page.obj.get("/UserUnit", 1)),
            "/Tabs": d.plain(page.obj.get("/Tabs")),
            "/Group": d.plain(page.obj.get("/Group")),
        }
        for n, page in enumerate(d.pdf.pages, start=1)
    }


def _pages_counted(d: _Described) -> Plain:
    return {"pages": len(d.pdf.pages), "version": d.pdf.pdf_version}


def _document(d: _Described) -> Plain:
    """The catalog's document-wide settings: language, tagging, viewer, labels, roles."""
    root = d.pdf.Root
    keys = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/PageMode", "/PageLayout")
    tree = root.get("/StructTreeRoot")
    return {
        **{key: d.plain(root.get(key)) for key in keys},
        "/PageLabels": d.plain(root.get("/PageLabels")),
        "/OpenAction": d.plain(root.get("/OpenAction")),
        "/RoleMap": d.plain(tree.get("/RoleMap")) if tree is not None else None,
        "/ClassMap": d.plain(tree.get("/ClassMap")) if tree is not None else None,
    }


# The structure tree ----------------------------------------------------------------------------

ELEMENT_KEYS_SKIPPED = frozenset({"/K", "/Pg", "/Type"})


def _structure(d: _Described) -> list[Plain]:
    """The structure tree in document order, one entry per element: its path, its keys (/S,
    /Alt, /ActualText, /Lang, /T, /A, …) and its kids: elements by tag, marked content by
    page and id, annotations by page and position."""
    tree = d.pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return []
    annotations = {
        annot.objgen: f"annotation {n}.{i}"
        for n, page in enumerate(d.pdf.pages, start=1)
        for i, annot in enumerate(page.obj.get("/Annots", []))
        if annot.is_indirect
    }
    order: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [("", tree)]
    while stack:  # depth first, in document order; every element named before any is described
        path, element = stack.pop()
        if element is not tree:
            order.append((path, element))
        counts: dict[str, int] = {}
        named = []
        for kid in _kids(element):
            if not _is_element(kid):
                continue
            tag = str(kid.get("/S"))
            kid_path = f"{path}{tag}[{counts.get(tag, 0)}]"
            counts[tag] = counts.get(tag, 0) + 1
            if kid.is_indirect:
                if kid.objgen in d.elements:
                    continue  # an element twice in the tree (or a cycle): described once
                d.elements[kid.objgen] = kid_path
            named.append((kid_path, kid))
        stack.extend(reversed(named))
    entries = []
    for path, element in order:
        page = element.get("/Pg")
        entry = {"path": path, **d.keys(element, ELEMENT_KEYS_SKIPPED)}
        entry["kids"] = [_kid(d, kid, page, annotations) for kid in _kids(element)]
        entries.append(entry)
    return _labelled(entries)


def _labelled(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The elements with their ``/ID`` (a table cell's, which WeasyPrint makes of an object
    number) and the ``/Headers`` naming them as labels in document order: two files number
    their objects differently and name the same cells."""
    labels: dict[Any, str] = {}
    for entry in entries:
        if "/ID" in entry:
            entry["/ID"] = labels.setdefault(entry["/ID"], f"id {len(labels)}")
    for entry in entries:
        attributes = entry.get("/A")
        for owned in attributes if isinstance(attributes, list) else [attributes]:
            if isinstance(owned, dict) and isinstance(owned.get("/Headers"), list):
                owned["/Headers"] = [labels.get(header, header) for header in owned["/Headers"]]
    return entries


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: Any) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _kid(d: _Described, kid: Any, page: Any, annotations: dict[tuple[int, int], str]) -> str:
    """A structure element's kid in words: ``P[2]``, ``mcid 3 on page 1``, ``annotation 1.0``."""
    if _is_element(kid):
        return d.elements.get(kid.objgen, str(kid.get("/S"))).rsplit("/", 1)[-1]
    if isinstance(kid, int):
        return f"mcid {kid} on {d.plain(page)}"
    if isinstance(kid, pikepdf.Dictionary):
        if "/Obj" in kid:
            return annotations.get(
                kid.Obj.objgen, f"object {d.plain(kid.Obj, ELEMENT_KEYS_SKIPPED)}"
            )
        if "/MCID" in kid:
            where = kid.get("/Stm")
            within = " in an XObject" if where is not None else ""
            return f"mcid {kid.MCID} on {d.plain(kid.get('/Pg', page))}{within}"
    return repr(d.plain(kid))


def _tree(d: _Described) -> Plain:
    return d.tree


def _parent_tree(d: _Described) -> Plain:
    """Which element each page's marked content and each annotation belongs to (the parent
    tree, read from the pages: its keys are numbers a writer chooses)."""
    tree = d.pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return None
    parents = pikepdf.NumberTree(tree.ParentTree)
    found: dict[str, Plain] = {}
    for n, page in enumerate(d.pdf.pages, start=1):
        key = page.obj.get("/StructParents")
        if key is not None:
            found[f"page {n}"] = d.plain(parents.get(int(key)))
        for i, annot in enumerate(page.obj.get("/Annots", [])):
            key = annot.get("/StructParent")
            if key is not None:
                found[f"annotation {n}.{i}"] = d.plain(parents.get(int(key)))
    return found


def _marked_content(d: _Described) -> Plain:
    """Each page's marked-content sequences in order (tag and properties: an element's id, an
    artifact's kind) and whether each shows text; text shown outside any is counted."""
    pages = {}
    for n, page in enumerate(d.pdf.pages, start=1):
        properties = page.obj.get("/Resources", {}).get("/Properties", {})
        sequences: list[Plain] = []
        open_: list[int] = []
        untagged = 0
        for instruction in pikepdf.parse_content_stream(page, "BDC BMC EMC Tj TJ ' \""):
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                tag, *rest = instruction.operands
                props = rest[0] if rest else None
                if isinstance(props, pikepdf.Name):
                    props = properties.get(props)
                open_.append(len(sequences))
                sequences.append({"tag": str(tag), **(d.plain(props) or {}), "text": False})
            elif operator == "EMC":
                if open_:
                    open_.pop()
            elif open_:
                sequences[open_[-1]]["text"] = True
            else:
                untagged += 1
        pages[f"page {n}"] = {"sequences": sequences, "untagged text": untagged}
    return pages


# Fields, annotations, outlines, attachments, fonts, metadata ----------------------------------

FIELD_KEYS = frozenset(
    {"/T", "/FT", "/Ff", "/V", "/DV", "/TU", "/TM", "/MaxLen", "/Q", "/DA", "/Opt", "/TI", "/I"}
)
INHERITED = ("/FT", "/Ff", "/V", "/DV", "/DA", "/Q")
ANNOTATION_KEYS_SKIPPED = FIELD_KEYS | {"/AP", "/StructParent", "/Kids", "/DR", "/M", "/NM"}


def _fields(d: _Described) -> Plain:
    """Each form field by its full name: type, value, flags, tooltip, … and its widgets'
    pages, rectangles, flags, states and looks (border and fill colours)."""
    form = d.pdf.Root.get("/AcroForm")
    if form is None:
        return None
    fields: dict[str, Plain] = {
        "(form)": d.keys(form, frozenset({"/Fields", "/DR"})),
    }
    stack = [(field, "", {}) for field in reversed(list(form.get("/Fields", [])))]
    while stack:
        field, prefix, inherited = stack.pop()
        name = prefix + _text(field.T) if "/T" in field else prefix.rstrip(".")
        values = {**inherited, **{key: field[key] for key in INHERITED if key in field}}
        kids = list(field.get("/Kids", []))
        fields_below = [kid for kid in kids if "/T" in kid]
        if fields_below:
            stack.extend((kid, name + ".", values) for kid in reversed(fields_below))
            continue
        widgets = kids or [field]
        entry = {key: d.plain(field[key]) for key in FIELD_KEYS - {"/T"} if key in field}
        entry.update({key: d.plain(value) for key, value in values.items()})
        entry["widgets"] = [_widget(d, widget) for widget in widgets]
        fields[name] = entry
    return fields


def _widget(d: _Described, widget: Any) -> Plain:
    return {
        "page": d.plain(widget.get("/P")),
        "/Rect": _rect(d.plain(widget.get("/Rect"))),
        **{
            key: d.plain(widget[key])
            for key in ("/F", "/AS", "/MK", "/BS", "/Border", "/H")
            if key in widget
        },
    }


def _annotations(d: _Described) -> Plain:
    """Each page's annotations in order: kind, rectangle, link target, contents, flags, …
    (a widget's field is compared with the fields)."""
    pages = {}
    for n, page in enumerate(d.pdf.pages, start=1):
        found = []
        for annot in page.obj.get("/Annots", []):
            entry = d.keys(annot, ANNOTATION_KEYS_SKIPPED)
            if "/Rect" in entry:
                entry["/Rect"] = _rect(entry["/Rect"])
            found.append(entry)
        pages[f"page {n}"] = found
    return pages


def _outlines(d: _Described) -> Plain:
    """The bookmarks: title, depth, where each goes, open or closed."""
    outlines = d.pdf.Root.get("/Outlines")
    found: list[Plain] = []
    stack = [(outlines.get("/First"), 0)] if outlines is not None else []
    seen: set[tuple[int, int]] = set()
    while stack:
        item, depth = stack.pop()
        if item is None or item.objgen in seen:
            continue
        seen.add(item.objgen)
        entry = d.keys(item, frozenset({"/First", "/Last", "/Next", "/Prev", "/Count"}))
        entry["depth"] = depth
        entry["open"] = int(item.get("/Count", 0)) > 0
        found.append(entry)
        stack.append((item.get("/Next"), depth))
        stack.append((item.get("/First"), depth + 1))
    return found


def _destinations(d: _Described) -> Plain:
    """The named destinations (internal links' targets)."""
    names = d.pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return d.plain(d.pdf.Root.get("/Dests"))
    return {str(key): d.plain(value) for key, value in pikepdf.NameTree(names.Dests).items()}


def _attachments(d: _Described) -> Plain:
    """The embedded files: name, description, relationship, type and bytes; which the
    catalog lists as associated files."""
    found: dict[str, Plain] = {}
    for name, spec in d.pdf.attachments.items():
        file = spec.get_file()
        found[name] = {
            "filename": spec.filename,
            "description": spec.description,
            "relationship": str(spec.relationship),
            "mime type": file.mime_type,
            "content": _Attached(file.read_bytes(), file.mime_type),
        }
    associated = [d.plain(spec.get("/UF", spec.get("/F"))) for spec in d.pdf.Root.get("/AF", [])]
    return {**found, "/AF": associated}


class _Attached(bytes):
    """An attached file's bytes, compared as its format is (a workbook part by part)."""

    mime_type: str

    def __new__(cls, data: bytes, mime_type: str) -> _Attached:
        made = super().__new__(cls, data)
        made.mime_type = mime_type
        return made


OFFICE_TYPES = ("application/vnd.openxmlformats-officedocument.",)


def _fonts(d: _Described) -> Plain:
    """The fonts the pages use, by name without a subset's tag, and whether each is embedded."""
    found = set()
    for page in d.pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            name = re.sub(r"^/([A-Z]{6}\+)?", "", str(font.get("/BaseFont", "")))
            descendants = font.get("/DescendantFonts", [font])
            descriptor = descendants[0].get("/FontDescriptor", {}) if descendants else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add(f"{name} {font.get('/Subtype')}{'' if embedded else ' not embedded'}")
    return sorted(found)


INFO_SKIPPED = frozenset({"/Producer", "/CreationDate", "/ModDate"})
XMP_SKIPPED = frozenset(
    {
        "pdf:Producer",
        "xmp:CreateDate",
        "xmp:ModifyDate",
        "xmp:MetadataDate",
        "xmpMM:DocumentID",
        "xmpMM:InstanceID",
    }
)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _metadata(d: _Described) -> Plain:
    """The document information dictionary and the XMP properties, without the producer, the
    dates and the XMP ids."""
    info = d.pdf.trailer.get("/Info")
    info = d.keys(info, INFO_SKIPPED) if info is not None else {}
    return {"info": info, "XMP": _xmp(d.pdf)}


def _xmp(pdf: pikepdf.Pdf) -> Plain:
    """The XMP packet's properties by prefixed name (``dc:title``, ``pdfuaid:part``)."""
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return None
    try:
        root = etree.fromstring(stream.read_bytes(), _parser())
    except etree.XMLSyntaxError as error:
        return f"not well-formed: {error}"
    found: dict[str, Plain] = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        for key, value in description.attrib.items():
            if not key.startswith(f"{{{RDF}}}"):
                found[_prefixed(description, key)] = value
        for prop in description:
            if isinstance(prop.tag, str):
                found[_prefixed(prop, prop.tag)] = _xmp_value(prop)
    return {key: value for key, value in sorted(found.items()) if key not in XMP_SKIPPED}


def _prefixed(element: Any, name: str) -> str:
    """``{uri}local`` as ``prefix:local``, with the prefix the packet gives the namespace."""
    uri, _, local = name[1:].partition("}")
    prefix = {u: p for p, u in element.nsmap.items()}.get(uri, uri)
    return f"{prefix}:{local}"


def _xmp_value(prop: Any) -> Plain:
    """A property's value: its text, or its list's items (with their languages)."""
    items = prop.findall(f"*/{{{RDF}}}li")
    if items:
        return [(item.get(XML_LANG), (item.text or "").strip()) for item in items]
    return (prop.text or "").strip()


_PARTS: list[tuple[str, Callable[[_Described], Plain]]] = [
    ("pages", _pages_counted),
    ("page boxes", _boxes),
    ("document", _document),
    ("structure tree", _tree),
    ("parent tree", _parent_tree),
    ("marked content", _marked_content),
    ("form fields", _fields),
    ("annotations", _annotations),
    ("outlines", _outlines),
    ("destinations", _destinations),
    ("attachments", _attachments),
    ("fonts", _fonts),
    ("metadata", _metadata),
]
"""What is compared, in the order differences are reported, each under its label."""


def _diff(a: Plain, b: Plain, path: str) -> Iterator[str]:
    """Where two plain values differ, as ``path a vs b`` lines (numbers within
    :data:`TOLERANCE` are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if "path" in a and "path" in b and a["path"] != b["path"]:
            yield f"{path} {a['path']} vs {b['path']}".strip()
            return
        where = f"{path} {a['path']}".strip() if "path" in a else path
        for key in [*a, *(key for key in b if key not in a)]:
            if key == "path":
                continue
            if key not in a or key not in b:
                yield f"{where} {key} {_short(a.get(key))} vs {_short(b.get(key))}".strip()
            else:
                yield from _diff(a[key], b[key], f"{where} {key}".strip())
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            inner = path if isinstance(x, dict) and "path" in x else f"{path} [{i}]".strip()
            yield from _diff(x, y, inner)
        if len(a) != len(b):
            yield f"{path} {len(a)} items vs {len(b)}".strip()
    elif isinstance(a, _Attached) and isinstance(b, _Attached):
        if a != b:
            if a.mime_type.startswith(OFFICE_TYPES) and b.mime_type.startswith(OFFICE_TYPES):
                for line in office_differences(a, b):
                    yield f"{path}: {line}"
            else:
                yield f"{path} differs {_bytes_differ(a, b)}"
    elif isinstance(a, float) and isinstance(b, float):
        if not math.isclose(a, b, abs_tol=TOLERANCE):
            yield f"{path} {_short(a)} vs {_short(b)}".strip()
    elif a != b:
        yield f"{path} {_short(a)} vs {_short(b)}".strip()


def _short(value: Plain) -> str:
    """A value in at most 60 characters (numbers to two decimals)."""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, list) and all(isinstance(v, float) for v in value):
        text = "[" + " ".join(_short(v) for v in value) + "]"
    elif isinstance(value, bytes):
        text = f"{len(value)} bytes"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# Pages seen and read (pdfium) -----------------------------------------------------------------


def _seen_differences(a: bytes, b: bytes) -> list[str]:
    """Each page's text and pixels, rendered at :data:`DPI` with pdfium (with annotations)."""
    texts: list[str] = []
    pixels: list[str] = []
    try:
        doc_a, doc_b = pdfium.PdfDocument(a), pdfium.PdfDocument(b)
    except pdfium.PdfiumError as error:
        return [f"pages cannot be rendered: {error}"]
    try:
        for n in range(1, min(len(doc_a), len(doc_b)) + 1):
            page_a, page_b = doc_a[n - 1], doc_b[n - 1]
            try:
                text_a, text_b = _page_text(page_a), _page_text(page_b)
                if text_a != text_b:
                    texts.append(f"page {n} text differs: {_excerpts(text_a, text_b)}")
                seen = _page_pixels(page_a, page_b)
                if seen:
                    pixels.append(f"page {n}: {seen}")
            finally:
                page_a.close()
                page_b.close()
    finally:
        doc_a.close()
        doc_b.close()
    return _capped(texts, "page text", "pages differ") + _capped(pixels, "pixels", "pages differ")


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range().replace("\r\n", "\n")
    finally:
        textpage.close()


def _page_pixels(a: pdfium.PdfPage, b: pdfium.PdfPage) -> str | None:
    """How two pages differ as images at :data:`DPI` (with their annotations), or None."""
    bitmap_a = a.render(scale=DPI / 72, draw_annots=True, rev_byteorder=True)
    bitmap_b = b.render(scale=DPI / 72, draw_annots=True, rev_byteorder=True)
    try:
        image_a, image_b = bitmap_a.to_pil(), bitmap_b.to_pil()  # views of the bitmaps
        if image_a.size != image_b.size:
            return f"{image_a.size} pixels vs {image_b.size} at {DPI} dpi"
        return _pixel_difference(_rgb(image_a), _rgb(image_b))
    finally:
        bitmap_a.close()
        bitmap_b.close()


def _rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def _pixel_difference(a: Image.Image, b: Image.Image) -> str | None:
    """How many pixels differ by more than :data:`AA_LEVELS`, by how much at most, and where
    (in points from the page's top left), or None."""
    difference = ImageChops.difference(a, b)
    if difference.getbbox() is None:
        return None
    red, green, blue = difference.split()
    worst = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    histogram = worst.histogram()
    count = sum(histogram[AA_LEVELS + 1 :])
    if not count:
        return None
    most = max(level for level, pixels in enumerate(histogram) if pixels)
    box = worst.point(lambda level: 255 if level > AA_LEVELS else 0).getbbox()
    assert box is not None
    x0, y0, x1, y1 = (round(v * 72 / DPI) for v in box)
    return (
        f"{count} pixels differ (max {most}/255) at {DPI} dpi, "
        f"within x {x0}–{x1} pt, y {y0}–{y1} pt from the top left"
    )
