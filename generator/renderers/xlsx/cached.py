"""Formulas with their values: a viewer that does not calculate (a phone's preview, a mail
client's) shows the number a spreadsheet program would.

openpyxl writes a formula without a value. Every formula of ours goes through
:meth:`Formulas.put` with the value it has in the workbook as written; :meth:`Formulas.fill_in`
then writes those values into the saved sheets. The formulas are ours and simple (sums,
shares, counts), so their values are worked out here; a test has LibreOffice recalculate them
and compares.
"""

from __future__ import annotations

from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from lxml import etree
from openpyxl.cell import Cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

Value = str | int | float


class Formulas:
    """The values of the formulas written so far, by sheet and cell."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], Value] = {}

    def put(self, cell: Cell, formula: str, value: Value) -> Cell:
        """Write ``=formula`` into ``cell``, remembering ``value`` as its result."""
        cell.value = f"={formula}"
        self.values[(cell.parent.title, cell.coordinate)] = value
        return cell

    def fill_in(self, xlsx: bytes, sheet_titles: list[str]) -> bytes:
        """The saved workbook with each formula's value in its cell (openpyxl names the sheet
        files ``sheet1.xml`` … in the workbook's order)."""
        by_sheet: dict[str, dict[str, Value]] = {}
        for (title, coordinate), value in self.values.items():
            part = f"xl/worksheets/sheet{sheet_titles.index(title) + 1}.xml"
            by_sheet.setdefault(part, {})[coordinate] = value
        source = ZipFile(BytesIO(xlsx))
        written = BytesIO()
        with ZipFile(written, "w", ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename in by_sheet:
                    data = _with_values(data, by_sheet[info.filename])
                target.writestr(info, data, compress_type=ZIP_DEFLATED)
        return written.getvalue()


def _with_values(xml: bytes, values: dict[str, Value]) -> bytes:
    """A sheet's XML with the given formula cells' cached values."""
    root = etree.fromstring(xml)
    for cell in root.iter(f"{{{MAIN}}}c"):
        coordinate = cell.get("r")
        if coordinate not in values:
            continue
        value = values[coordinate]
        cached = cell.find(f"{{{MAIN}}}v")
        if cached is None:
            cached = etree.SubElement(cell, f"{{{MAIN}}}v")
        if isinstance(value, str):
            cell.set("t", "str")
            cached.text = value
        else:
            cell.attrib.pop("t", None)
            cached.text = repr(value) if isinstance(value, float) else str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
