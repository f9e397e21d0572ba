"""A client's workbook or PDF made to hurt (issue 21, classes 1, 2 and 10): small on disk and
huge inside, names that point nowhere, odd values. Each is read in bounded time and memory and
gives either the right entries or one line naming the file, exit 2; never a traceback.

The hostile files are made here, from the project's own blank workbook (its zip entries
rewritten as XML strings) or as raw PDF objects."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.formula import ArrayFormula

from generator import api
from generator.entries import Key, defined_name
from generator.model import Framework, Library
from generator.untrusted import MAX_FIELDS, MAX_PART_BYTES
from tests.conftest import CLI_ENV, ROOT, RenderJob, named

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = ("worksheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
VILL = defined_name("kundresan", "malgrupp", "vill")
"""The name of the first cell of the Swedish customer journey: Målgrupp × vill."""

ADDRESS_SPACE = 2 * 1024**3
"""The command's address space: a reader that grows with the sheet fails on it."""
PEAK_MIB = 600
"""The most resident memory a command may reach reading one hostile file (it needs ~150 MiB)."""
SECONDS = 60
"""The most a command may take (it needs a few seconds): generous, never flaky."""


# --- the files --------------------------------------------------------------------------------


def sheet_entries(number: int, title: str, kind: tuple[str, str] = SHEET) -> dict[str, str]:
    """What declares a sheet ``title``: its ``<sheet>`` in the workbook, its relationship, its
    content type; the part is ``xl/<kind>s/pad<number>.xml``."""
    return {
        "sheet": f'<sheet xmlns:r="{RELATIONSHIPS}" name="{title}" sheetId="{100 + number}" '
        f'r:id="rIdPad{number}"/>',
        "rel": f'<Relationship Type="{RELATIONSHIPS}/{kind[0]}" '
        f'Target="/xl/{kind[0]}s/pad{number}.xml" Id="rIdPad{number}"/>',
        "type": f'<Override PartName="/xl/{kind[0]}s/pad{number}.xml" ContentType="{kind[1]}"/>',
        "part": f"xl/{kind[0]}s/pad{number}.xml",
    }


def hostile_workbook(
    source: bytes,
    path: Path,
    *,
    names: dict[str, str] | None = None,
    sheets: Iterable[tuple[str, Callable[[], Iterable[bytes]]]] = (),
) -> Path:
    """A copy of a workbook with some names pointing elsewhere (``'#REF!'`` as Excel writes a
    deleted cell's), and sheets put before its own (their XML written as it is made, so a
    sheet may be far larger than memory would like)."""
    original = zipfile.ZipFile(BytesIO(source))
    added = [sheet_entries(n, title) for n, (title, _) in enumerate(sheets, start=1)]
    before = [entry["sheet"] for entry in added]

    def shifted(match: re.Match[str]) -> str:  # the sheets before move a local name's sheet
        return f'localSheetId="{int(match[1]) + len(before)}"'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info).decode("utf-8")
            if info.filename == "xl/workbook.xml":
                for name, target in (names or {}).items():
                    data = re.sub(
                        rf'(<definedName name="{re.escape(name)}">)[^<]*', rf"\g<1>{target}", data
                    )
                data = data.replace("<sheets>", "<sheets>" + "".join(before))
                data = re.sub(r'localSheetId="(\d+)"', shifted, data)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    "</Relationships>", "".join(e["rel"] for e in added) + "</Relationships>"
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", "".join(e["type"] for e in added) + "</Types>")
            archive.writestr(info.filename, data)
        for entry, (_, chunks) in zip(added, sheets, strict=False):
            with archive.open(entry["part"], "w") as part:
                for chunk in chunks():
                    part.write(chunk)
    return path


def to_the_last_cell() -> Iterable[bytes]:
    """A padding sheet whose used range is the whole sheet, A1:XFD1048576: what it says its
    size is, and a cell in its last row and column (a few hundred bytes)."""
    yield (
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Målgrupp</t></is></c>'
        '<c r="XFD1" t="inlineStr"><is><t>Kundnöjdhet</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def many_rows(megabytes: int) -> Callable[[], Iterable[bytes]]:
    """A sheet of ``megabytes`` of XML: rows of numbers that do not repeat, so that it packs
    to about a tenth (no zip-bomb ratio to give it away)."""

    def chunks() -> Iterable[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        written, number = 0, 1
        while written < megabytes * 1024 * 1024:
            cells = "".join(
                f'<c r="{column}{number}"><v>{(number * 7919 + n * 104729) % 999983}</v></c>'
                for n, column in enumerate("ABCDEFGH")
            )
            row = f'<row r="{number}">{cells}</row>'.encode()
            yield row
            written += len(row)
            number += 1
        yield b"</sheetData></worksheet>"

    return chunks


def lie_about_size(path: Path, part: str, size: int) -> None:
    """Say in the zip's central directory that ``part`` unpacks to ``size`` bytes (whatever it
    does): the size a reader goes by."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == part.encode():
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{part} is not in {path}")


def filled_blank(render_job: RenderJob, library: Library) -> tuple[bytes, dict[Key, str]]:
    """The project's blank Swedish customer journey with a few cells filled in by their names;
    the workbook's bytes and what each named cell holds."""
    workbook = load_workbook(BytesIO(render_job("xlsx", "worksheet", "blank")))
    framework = library.frameworks[("kundresan", "sv")]
    assert isinstance(framework, Framework)
    typed = {}
    for stage in framework.stages[:3]:
        typed[(stage.id, "vill")] = f"{stage.name} vill boka"
        named(
            workbook, defined_name("kundresan", stage.id, "vill")
        ).value = f"{stage.name} vill boka"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue(), typed


def with_chart_sheet(source: bytes, title: str) -> bytes:
    """A workbook with a chart sheet ``title`` added (a bar chart of two cells)."""
    workbook = load_workbook(BytesIO(source))
    chart = BarChart()
    chart.add_data(Reference(workbook["Kundresan"], min_col=2, min_row=3, max_row=4))
    workbook.create_chartsheet(title).add_chart(chart)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the command, measured --------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float
    """The command's peak resident memory (its own ``ru_maxrss``)."""

    def one_line_about(self, path: Path) -> str:
        """The one error line, after checking it is the only one and names ``path``."""
        assert "Traceback" not in self.stderr, self.stderr[-3000:]
        errors = [line for line in self.stderr.splitlines() if line.startswith("error ")]
        assert len(errors) == 1 and self.returncode == 2, self.stderr[-3000:]
        assert errors[0].startswith(f"error {path}: "), errors[0]
        assert len(self.stderr.splitlines()) <= 2, self.stderr  # and the count
        return errors[0]


OWN_PEAK = """
import atexit, runpy, sys

def own_peak(path=sys.argv.pop(1)):
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(path, "w") as said:
        said.write(peak)

atexit.register(own_peak)
sys.argv[0] = "journeykit"
runpy.run_module("generator", run_name="__main__", alter_sys=True)
"""
"""``journeykit`` that writes its own peak resident memory (KiB) to the file named first on
exit: the kernel's ``ru_maxrss`` of a child also counts the copy of this test process it was
forked from before it started the command (some 600 MiB late in a run)."""


def measured(*args: str, folder: Path) -> Run:
    """The real command with at most :data:`ADDRESS_SPACE` of memory, killed after twice
    :data:`SECONDS`; its time and peak memory as the kernel counted them."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    folder.mkdir(exist_ok=True)
    out, err, peak = folder / "stdout", folder / "stderr", folder / "peak"
    command = [sys.executable, "-c", OWN_PEAK, str(peak), *args]
    with out.open("w") as stdout, err.open("w") as stderr:
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=ROOT, env=CLI_ENV, stdout=stdout, stderr=stderr, preexec_fn=limit
        )
        timer = threading.Timer(2 * SECONDS, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
    own = int(peak.read_text()) if peak.exists() else usage.ru_maxrss  # killed: the kernel's
    return Run(process.returncode, out.read_text(), err.read_text(), seconds, own / 1024)


def bounded(run: Run) -> None:
    assert run.seconds < SECONDS and run.peak_mib < PEAK_MIB, (run.seconds, run.peak_mib)


# --- 1. small on disk, huge inside ------------------------------------------------------------


def test_sheets_that_claim_every_cell_are_read_no_further_than_the_labels(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A name deleted (Excel's ``#REF!``), so the cells are found by their labels, behind three
    sheets whose used range is A1:XFD1048576: a 20 KB file that once took 1.5 GB. The labels
    are found, the entries come back, in seconds and little memory."""
    source, typed = filled_blank(render_job, library)
    path = hostile_workbook(
        source,
        tmp_path / "kund.xlsx",
        names={defined_name("kundresan", "konvertering", "kpi"): "#REF!"},
        sheets=[(f"Fyllnad {n}", to_the_last_cell) for n in range(1, 4)],
    )
    assert path.stat().st_size < 30_000
    out = tmp_path / "out"
    imported = measured(
        "import", str(path), "--format", "xlsx", "--out", str(out), folder=tmp_path / "i"
    )
    bounded(imported)
    assert imported.returncode == 0, imported.stderr[-3000:]
    [made] = out.rglob("*.xlsx")
    again = load_workbook(made)
    for key, text in typed.items():
        assert named(again, defined_name("kundresan", *key)).value == text
    checked = measured("validate", "--worksheet", str(path), folder=tmp_path / "v")
    bounded(checked)
    assert checked.returncode == 0 and "Traceback" not in checked.stderr, checked.stderr[-3000:]
    assert f"{path}: kundresan.konvertering.kpi" not in checked.stderr  # read by labels:
    assert f"{path}: Kundresan!E8: empty cell" in checked.stderr  # where each cell was found


def test_a_sheet_that_unpacks_past_the_part_limit_is_refused_before_it_is_read(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A sheet of 20 MB of numbers packed to 4 MB (passing every zip-bomb check): refused
    by its part's size, in a second, naming the part."""
    source, _ = filled_blank(render_job, library)
    path = hostile_workbook(source, tmp_path / "stor.xlsx", sheets=[("Data", many_rows(20))])
    assert path.stat().st_size < 12 * 1024 * 1024
    run = measured("import", str(path), "--out", str(tmp_path / "out"), folder=tmp_path / "i")
    bounded(run)
    line = run.one_line_about(path)
    limit = MAX_PART_BYTES // 1024 // 1024
    assert "xl/worksheets/pad1.xml unpacks to 20 MB" in line
    assert f"(a part of a workbook may unpack to at most {limit} MB" in line
    assert not (tmp_path / "out").exists()


def before_the_cells(sheet: int) -> Callable[[], Iterable[bytes]]:
    """A sheet of just under :data:`MAX_PART_BYTES` of elements nobody reads, before its
    cells (each a tree node to a parser), varied enough to pack to a third."""

    def chunks() -> Iterable[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetPr>'.encode()
        written, number = 0, sheet * 10**6
        while written < MAX_PART_BYTES - 100_000:
            chunk = "".join(f"<x{(n * 7919) % 999983}/>" for n in range(number, number + 5000))
            yield chunk.encode()
            written += len(chunk)
            number += 5000
        yield b'</sheetPr><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        yield b"</worksheet>"

    return chunks


@pytest.mark.slow
def test_the_most_a_workbook_may_hold_is_looked_through_in_bounded_time(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """Names gone and seven sheets of the largest part allowed before the worksheet: all that
    the workbook may unpack to, read through for labels (the worst: ~13 s, ~300 MiB here)."""
    source, _ = filled_blank(render_job, library)
    path = hostile_workbook(
        source,
        tmp_path / "kund.xlsx",
        names={defined_name("kundresan", "konvertering", "kpi"): "#REF!"},
        sheets=[(f"Fyllnad {n}", before_the_cells(n)) for n in range(1, 8)],
    )
    run = measured("validate", "--worksheet", str(path), folder=tmp_path / "v")
    bounded(run)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert f"{path}: Kundresan!E8: empty cell" in run.stderr  # found by its labels


@pytest.mark.parametrize("labels", [False, True], ids=["by names", "by labels"])
def test_a_sheet_lying_about_its_size_is_read_no_further_than_it_says(
    render_job: RenderJob, library: Library, tmp_path: Path, labels: bool
) -> None:
    """The same sheet saying it unpacks to 1 MB: by the names it is never read (the entries come
    back); looked through for labels, no further than its first rows, and never past 1 MB."""
    source, typed = filled_blank(render_job, library)
    names = {defined_name("kundresan", "konvertering", "kpi"): "'Kundresan'!#REF!"}
    path = hostile_workbook(
        source,
        tmp_path / "kund.xlsx",
        names=names if labels else None,
        sheets=[("Data", many_rows(20))],
    )
    lie_about_size(path, "xl/worksheets/pad1.xml", 1024 * 1024)
    run = measured("validate", "--worksheet", str(path), folder=tmp_path / "v")
    bounded(run)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    filled = api.read_filled(path, ROOT)
    assert filled.by_labels is labels
    for key, text in typed.items():
        assert filled.lines(*key) == [text]


# --- 2. names that point nowhere --------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "target", "what"),
    [
        ("no sheet", "$B$3", "$B$3, which names no sheet"),
        ("row 0", "'Kundresan'!$B$0", "row 0, and rows run from 1 to 1048576"),
        ("past XFD", "'Kundresan'!$XFE$3", "past column XFD, the last"),
        ("far down", "'Kundresan'!$B$1048576", "past the first 1000 rows and 100 columns read"),
        ("no such sheet", "'Borta'!$B$3", "a sheet the workbook does not have"),
        ("a range", "'Kundresan'!$B$3:$C$4", "which is not one cell of a sheet"),
        ("chart sheet", "'Diagram'!$A$1", "'Diagram'!$A$1, a chart sheet"),
    ],
)
def test_a_name_pointing_at_no_cell_is_one_line_naming_it(
    render_job: RenderJob, library: Library, tmp_path: Path, case: str, target: str, what: str
) -> None:
    """``import`` and ``validate --worksheet`` both: the file, the name, where it points and
    what a name may point at; exit 2, nothing written."""
    source, _ = filled_blank(render_job, library)
    if case == "chart sheet":
        source = with_chart_sheet(source, "Diagram")
    path = hostile_workbook(source, tmp_path / "kund.xlsx", names={VILL: target})
    out = tmp_path / "out"
    for args in (("import", str(path), "--out", str(out)), ("validate", "--worksheet", str(path))):
        run = measured(*args, folder=tmp_path / args[0])
        line = run.one_line_about(path)
        assert f"the cell name {VILL} points at " in line and what in line, line
        assert "a name journeykit reads points at one cell of a worksheet, A1 to CV1000" in line
    assert not out.exists()


# --- 10. odd values ---------------------------------------------------------------------------


def test_an_array_formula_comes_back_as_its_text(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """``{=SUM(B4:B5)}`` typed into a cell: read as its text, like any formula (never run), and
    written into the client's workbook as text."""
    source, _ = filled_blank(render_job, library)
    workbook = load_workbook(BytesIO(source))
    cell = named(workbook, VILL)
    cell.value = ArrayFormula(cell.coordinate, "=SUM(B4:B5)")
    path = tmp_path / "matris.xlsx"
    workbook.save(path)
    assert '<f t="array"' in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").decode()
    filled = api.read_filled(path, ROOT)
    assert filled.lines("malgrupp", "vill") == ["=SUM(B4:B5)"]
    result = api.import_workbook(path, ROOT, format=["xlsx"], out=tmp_path / "out")
    [made] = [written.path for written in result.build.written]
    again = named(load_workbook(made), VILL)
    assert (again.value, again.data_type) == ("=SUM(B4:B5)", "s")


def test_labels_and_entries_saved_decomposed_are_read_as_composed(
    render_job: RenderJob, library: Library, tmp_path: Path
) -> None:
    """A workbook saved with its text in NFD (``a`` + combining ring for ``å``, as some Mac
    programs write it) and its names gone: the labels (``Målgrupp``, ``Innehåll``) are found,
    and the entries come back composed (NFC)."""
    source, typed = filled_blank(render_job, library)
    workbook = load_workbook(BytesIO(source))
    addresses = {key: named(workbook, defined_name("kundresan", *key)).coordinate for key in typed}
    for name in list(workbook.defined_names):
        del workbook.defined_names[name]
    sheet = workbook["Kundresan"]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = unicodedata.normalize("NFD", cell.value)
    sheet["C7"] = unicodedata.normalize("NFD", "Sök på nätet")
    path = tmp_path / "nfd.xlsx"
    workbook.save(path)
    assert load_workbook(path)["Kundresan"]["B2"].value.startswith("Ma\u030algrupp")
    filled = api.read_filled(path, ROOT)
    assert filled.by_labels
    for key, text in typed.items():
        assert filled.lines(*key) == [text]
        assert filled.where[key] == f"Kundresan!{addresses[key]}"
    [line] = filled.lines("intressenter", "kanaler")
    assert line == "Sök på nätet" and unicodedata.is_normalized("NFC", line)


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalogue), with its
    cross-reference table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    size = len(objects) + 1
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        xref,
    )
    return out


PAGES = [b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R >>"]


def test_an_aes_encrypted_pdf_is_named_encrypted(tmp_path: Path) -> None:
    """AES (which pypdf can only decrypt with a further package): one line, "encrypted"."""
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -3904 /StmF /StdCF /StrF /StdCF"
        b" /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >>"
        b" /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> >>"
        % (b"00" * 48, b"00" * 48, b"00" * 32, b"00" * 32, b"00" * 16)
    )
    path = tmp_path / "lasad.pdf"
    path.write_bytes(
        raw_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES, encrypt],
            trailer=b"/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00>] ",
        )
    )
    for args in (
        ("import", str(path), "--out", str(tmp_path / "out")),
        ("validate", "--worksheet", str(path)),
    ):
        line = measured(*args, folder=tmp_path / args[0]).one_line_about(path)
        assert line == f"error {path}: is an encrypted PDF (save it without a password)"


FORM = b"<< /Type /Catalog /Pages 2 0 R /Lang (sv-SE) /AcroForm << /Fields [4 0 R] >> >>"


def test_a_field_tree_with_a_cycle_is_read_once(tmp_path: Path) -> None:
    """``/Kids`` that lead back to the top (and a terminal field that claims the top as its
    kid): each field is read once, and what was filled in comes back; nothing printed."""
    path = tmp_path / "cykel.pdf"
    path.write_bytes(
        raw_pdf(
            [
                FORM,
                *PAGES,
                b"<< /T (kundresan) /Kids [5 0 R] >>",
                b"<< /T (malgrupp) /Parent 4 0 R /Kids [6 0 R 4 0 R 5 0 R] >>",
                b"<< /T (vill) /Parent 5 0 R /FT /Tx /V (Hitta en fris\\366r) /Kids [4 0 R] >>",
            ]
        )
    )
    filled = api.read_filled(path, ROOT)
    assert filled.lines("malgrupp", "vill") == ["Hitta en frisör"]
    assert sum(1 for lines in filled.entries.values() if lines) == 1
    run = measured("validate", "--worksheet", str(path), folder=tmp_path / "v")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "already parsed" not in run.stdout + run.stderr


def test_a_field_tree_too_deep_or_too_wide_is_bounded(tmp_path: Path) -> None:
    """A chain of 5000 nested fields is followed 16 deep (no recursion runs out); more fields
    than :data:`MAX_FIELDS` is one line."""
    deep = tmp_path / "djup.pdf"
    chain = [b"<< /T (kundresan) /Kids [5 0 R] >>"]
    chain += [b"<< /T (f%d) /Kids [%d 0 R] /FT /Tx /V (x) >>" % (n, n + 6) for n in range(5000)]
    chain.append(b"<< /T (slut) /FT /Tx /V (y) >>")
    deep.write_bytes(raw_pdf([FORM, *PAGES, *chain]))
    filled = api.read_filled(deep, ROOT)  # of the worksheet's fields, none is in it
    assert filled.worksheet.id == "kundresan" and not any(filled.entries.values())
    wide = tmp_path / "bred.pdf"
    kids = b" ".join(b"%d 0 R" % (n + 5) for n in range(MAX_FIELDS + 1))
    fields = [b"<< /T (f%d) /FT /Tx >>" % n for n in range(MAX_FIELDS + 1)]
    wide.write_bytes(raw_pdf([FORM, *PAGES, b"<< /T (kundresan) /Kids [%s] >>" % kids, *fields]))
    line = measured("import", str(wide), folder=tmp_path / "i").one_line_about(wide)
    assert f"holds more than {MAX_FIELDS} form fields" in line


def test_a_field_name_repeated_in_its_children_is_bounded(tmp_path: Path) -> None:
    """A parent field named with 2 MB, copied into each of its 300 children's full names,
    took 645 MB: one line now, in little memory."""
    path = tmp_path / "lang.pdf"
    kids = b" ".join(b"%d 0 R" % (n + 5) for n in range(300))
    fields = [b"<< /T (k%d) /FT /Tx /V (x) >>" % n for n in range(300)]
    parent = b"<< /T (%s) /Kids [%s] >>" % (b"a" * 2_000_000, kids)
    path.write_bytes(raw_pdf([FORM, *PAGES, parent, *fields]))
    run = measured("import", str(path), folder=tmp_path / "i")
    line = run.one_line_about(path)
    assert "names a form field with 2,000,000 characters" in line
    assert run.peak_mib < 300, run.peak_mib
