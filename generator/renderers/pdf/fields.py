"""Fillable PDF fields over a laid-out document's entry cells.

The layouts mark each entry cell of a blank worksheet with ``data-field`` (its name, e.g.
``kundresan.konvertering.kpi``), ``data-tip`` (its question) and ``data-kind`` (``text``,
``line`` or ``check``). After WeasyPrint has written the PDF, each marked box gets a form
field of the same size: a multi-line text field whose type shrinks to fit what is typed, a
one-line text field (``line``: the sign-off), or a check box. Names are hierarchical as PDF
wants them (``kundresan`` › ``konvertering`` › ``kpi``), so a reader shows the full name.
Text is set in the viewer's Helvetica, which no PDF embeds: a filled-in worksheet stays
small, and an empty field prints nothing, so the page prints exactly as without fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pikepdf import Array, Dictionary, Name, String

from generator.renderers.pdf.weasy import page_box

PX_TO_PT = 0.75
"""WeasyPrint lays out in CSS pixels; PDF user space is in points."""
TEXT_SIZE = 9
"""The type size of a one-line field (the sign-off's)."""
AUTO_SIZE = 0
"""A multi-line field's type size: chosen by the viewer to fit what was typed (PDF readers
and pypdf's appearances shrink it down to about 4 pt), so a long answer is never cut off."""
INSET = 2.0
"""Points between a cell's border and its field."""
MULTILINE = 1 << 12
PRINT = 4
CHECK_MARK = "4"
"""The check mark in ZapfDingbats."""


@dataclass(frozen=True)
class FieldBox:
    """One marked cell on one page: where, its name and question, and its kind (``text``,
    ``line`` or ``check``)."""

    page: int
    rect: tuple[float, float, float, float]
    name: str
    tip: str
    kind: str


def marked_boxes(pages: list[Any]) -> list[FieldBox]:
    """The marked cells of WeasyPrint's laid-out pages, in PDF coordinates."""
    found = []
    for number, page in enumerate(pages):
        height = page.height
        for box in _descendants(page_box(page)):
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) is None:
                continue
            name = element.get("data-field")
            if not name or box.element_tag not in ("td", "span"):
                continue
            x, y = box.border_box_x(), box.border_box_y()
            width, high = box.border_width(), box.border_height()
            left, top = x * PX_TO_PT, (height - y) * PX_TO_PT
            right, bottom = (x + width) * PX_TO_PT, (height - y - high) * PX_TO_PT
            found.append(
                FieldBox(
                    number,
                    (left + INSET, bottom + INSET, right - INSET, top - INSET),
                    name,
                    element.get("data-tip", ""),
                    element.get("data-kind", "text"),
                )
            )
    return _first_of_each(found)


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _descendants(child)


def _first_of_each(boxes: list[FieldBox]) -> list[FieldBox]:
    """One field per name (a box split over two pages keeps its first part)."""
    seen: set[str] = set()
    unique = []
    for box in boxes:
        if box.name not in seen:
            seen.add(box.name)
            unique.append(box)
    return unique


def add_fields(document: Any, boxes: list[FieldBox]) -> None:
    """A fillable field over each box of an open pikepdf document, each tagged as a Form in the
    structure tree (PDF/UA: a widget is part of the content a screen reader reaches)."""
    if not boxes:
        return
    helvetica = document.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )
    dingbats = document.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats)
    )
    fonts = Dictionary(Helv=helvetica, ZaDb=dingbats)
    form = Dictionary(
        Fields=Array(),
        NeedAppearances=True,
        DA=String(f"/Helv {TEXT_SIZE} Tf 0 g"),
        DR=Dictionary(Font=fonts),
    )
    parents: dict[str, Any] = {}
    tagger = _Tagger(document)
    for box in boxes:
        page = document.pages[box.page]
        widget = document.make_indirect(_widget(box, page.obj, fonts, document))
        *path, last = box.name.split(".")
        widget.T = String(last)
        parent = _parent(document, form, parents, path)
        if parent is None:
            form.Fields.append(widget)
        else:
            widget.Parent = parent
            parent.Kids.append(widget)
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(widget)
        tagger.tag(widget, page.obj)
    document.Root.AcroForm = document.make_indirect(form)


class _Tagger:
    """Puts widgets into the structure tree: a Form element each, under the document."""

    def __init__(self, document: Any) -> None:
        root = document.Root.get("/StructTreeRoot")
        self.document = document
        self.root = root
        if root is not None:
            keys = [int(key) for key in root.ParentTree.Nums[::2]]
            self.next_key = max(keys, default=-1) + 1

    def tag(self, widget: Any, page: Any) -> None:
        if self.root is None:
            return
        top = self.root.K[0] if isinstance(self.root.K, Array) else self.root.K
        reference = Dictionary(Type=Name.OBJR, Obj=widget, Pg=page)
        element = self.document.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Form, P=top, Pg=page, K=reference)
        )
        top.K.append(element)
        widget.StructParent = self.next_key
        self.root.ParentTree.Nums.append(self.next_key)
        self.root.ParentTree.Nums.append(element)
        self.next_key += 1
        self.root.ParentTreeNextKey = self.next_key


def _parent(document: Any, form: Any, parents: dict[str, Any], path: list[str]) -> Any:
    """The non-terminal field for ``path`` (``kundresan`` › ``konvertering``), made once."""
    parent = None
    for depth in range(1, len(path) + 1):
        key = ".".join(path[:depth])
        if key not in parents:
            node = document.make_indirect(Dictionary(T=String(path[depth - 1]), Kids=Array()))
            if parent is None:
                form.Fields.append(node)
            else:
                node.Parent = parent
                parent.Kids.append(node)
            parents[key] = node
        parent = parents[key]
    return parent


def _widget(box: FieldBox, page: Any, fonts: Any, document: Any) -> Any:
    """A field and its widget in one dictionary: a multi-line text field or a check box."""
    widget = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Widget,
        Rect=Array(list(box.rect)),
        F=PRINT,
        P=page,
        TU=String(box.tip),
        MK=Dictionary(),
    )
    if box.kind == "check":
        widget.FT = Name.Btn
        widget.V = widget.AS = Name.Off
        widget.MK = Dictionary(CA=String(CHECK_MARK))
        widget.DA = String("/ZaDb 0 Tf 0 g")
        width = box.rect[2] - box.rect[0]
        height = box.rect[3] - box.rect[1]
        size = min(width, height) * 0.8
        mark = f"{width * 0.12:.1f} {height * 0.18:.1f} Td ({CHECK_MARK}) Tj"
        on = document.make_stream(f"q BT /ZaDb {size:.1f} Tf 0 g {mark} ET Q".encode())
        on.Type, on.Subtype = Name.XObject, Name.Form
        on.BBox = Array([0, 0, width, height])
        on.Resources = Dictionary(Font=Dictionary(ZaDb=fonts.ZaDb))
        off = document.make_stream(b"")
        off.Type, off.Subtype = Name.XObject, Name.Form
        off.BBox = Array([0, 0, width, height])
        widget.AP = Dictionary(N=Dictionary(Yes=on, Off=off))
    else:
        widget.FT = Name.Tx
        one_line = box.kind == "line"
        widget.Ff = 0 if one_line else MULTILINE
        widget.DA = String(f"/Helv {TEXT_SIZE if one_line else AUTO_SIZE} Tf 0 g")
        widget.V = String("")
    return widget
