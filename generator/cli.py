"""The command line: ``journeykit build | list | validate``.

Turns content errors into one line each and exit code 2, build failures into exit code 1.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from generator.errors import ContentError, ContentErrors
from generator.layouts import Layouts
from generator.loading import ID_HINT, load_library
from generator.model import Checklist, Form, Job, Library, Worksheet
from generator.output import write_atomic
from generator.plan import FilterError, Filters, plan, worksheet_variants
from generator.quick import Inputs
from generator.quick import remember as record
from generator.renderers import FORMATS

if TYPE_CHECKING:
    from generator.build import BuildResult

EXIT_BUILD_FAILED = 1
EXIT_INVALID = 2

app = typer.Typer(
    help=(
        "Turn marketing guides written in Markdown and YAML into printable, brandable PDF, DOCX "
        "and XLSX templates.\n\nContent lives in <project>/content (guides, frameworks, examples, "
        "brands, i18n), layouts in <project>/layouts; files there override or add to what "
        "journeykit ships. Start with 'journeykit list', then 'journeykit build'."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)
console = Console()
errors_console = Console(stderr=True)

ProjectOption = Annotated[
    Path,
    typer.Option(
        "--project",
        "-p",
        metavar="DIR",
        help="Folder holding content/ and layouts/ (yours override the shipped ones).",
        exists=True,
        file_okay=False,
        resolve_path=True,
    ),
]

OutOption = Annotated[
    Path | None, typer.Option(metavar="DIR", help="Output folder (default: <project>/output).")
]
GuideOption = Annotated[list[str], typer.Option(metavar="ID", help="Only this guide (repeatable).")]
LangOption = Annotated[list[str], typer.Option(metavar="LANG", help="Only this language, e.g. sv.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Rebuild every file, even those up to date.")
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: one per core)."
    ),
]
CORES = os.cpu_count() or 1


def exit_invalid(
    errors: list[ContentError], root: Path | None = None, summary: str = ""
) -> NoReturn:
    """Print every problem on a line of its own, then exit 2."""
    for error in errors:
        message = f"[red]error[/red] {error.format(root)}"
        errors_console.print(message, highlight=False, soft_wrap=True)
    if summary:
        errors_console.print(f"[red]{summary}")
    raise typer.Exit(EXIT_INVALID) from None


def load_or_exit(project: Path) -> Library:
    """Load the library, or print every content problem and exit 2."""
    try:
        return load_library(project)
    except ContentErrors as exc:
        summary = f"{len(exc.errors)} problem(s) in the content; nothing built."
        exit_invalid(exc.errors, project, summary)


def plan_or_exit(library: Library, filters: Filters) -> list[Job]:
    """The jobs the filters select, or the filter's mistake and exit 2.

    Warns about a brand that gets nothing, e.g. one in Norwegian when only Swedish guides are
    selected.
    """
    try:
        planned = plan(library, filters)
    except FilterError as exc:
        errors_console.print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INVALID) from None
    busy = {job.brand for job in planned}
    for brand_id in (b for b in filters.brands if b not in busy):
        language = library.brands[brand_id].language
        errors_console.print(
            f"[yellow]warning[/yellow] brand {brand_id!r}: no selected guide is written in "
            f"{language!r}, its language; nothing to build (choose guides with --guide or "
            "languages with --lang)",
            highlight=False,
            soft_wrap=True,
        )
    return planned


@app.command()
def build(
    project: ProjectOption = Path("."),
    out: OutOption = None,
    guide: GuideOption = [],  # noqa: B006
    lang: LangOption = [],  # noqa: B006
    variant: Annotated[
        list[str],
        typer.Option(
            metavar="VARIANT", help="Only worksheets of this variant: blank or an example id."
        ),
    ] = [],  # noqa: B006
    brand: Annotated[
        str,
        typer.Option(metavar="ID", help="Build for this brand, or 'all' for every brand."),
    ] = "default",
    force: ForceOption = False,
    jobs: JobsOption = CORES,
    format: Annotated[
        list[str],
        typer.Option("--format", metavar="FORMAT", help=f"Only this format: {', '.join(FORMATS)}."),
    ] = [],  # noqa: B006
) -> None:
    """Build guides and worksheets into <out>/<brand>/<language>/.

    Builds everything by default; the options narrow it down, e.g.
    'journeykit build --guide kundresan --format pdf --variant blank'.
    """

    layouts = Layouts.for_project(project)
    inputs = Inputs.now([*layouts.folders, *layouts.content_folders], [])
    library = load_or_exit(project)
    brands = sorted(library.brands) if brand == "all" else [brand]
    filters = Filters(guides=guide, languages=lang, variants=variant, formats=format, brands=brands)
    planned = plan_or_exit(library, filters)
    out = (out or project / "output").resolve()
    build_and_report(library, layouts, planned, out, force, jobs, per_brand=len(brands) > 1)
    remember(out, inputs, planned, len(brands))


class RateColumn(ProgressColumn):
    """How many items a minute have been finished, on average since the start (steadier than
    rich's recent-samples speed when items finish in bursts, as brands on several workers do)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed
        if not task.completed or not elapsed:
            return Text("–/min", style="progress.data.speed")
        return Text(f"{task.completed / elapsed * 60:,.1f}/min", style="progress.data.speed")


def build_and_report(
    library: Library,
    layouts: Layouts,
    planned: list[Job],
    out: Path,
    force: bool,
    workers: int,
    per_brand: bool = False,
) -> None:
    """Build with a progress bar, then report; exit 1 if anything failed.

    ``per_brand`` (batches): the bar counts brands, and the report sums up per brand instead of
    listing every file.
    """
    from generator.build import build as run_build

    remaining = Counter(job.brand for job in planned)
    unit = "brands" if per_brand else "files"
    with Progress(
        TextColumn("[bold]Building {task.fields[unit]}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[current]}"),
        console=console,
        transient=True,
    ) as progress:
        total = len(remaining) if per_brand else len(planned)
        task = progress.add_task("build", total=total, current="", unit=unit)

        def done(job: Job) -> None:
            remaining[job.brand] -= 1
            if not per_brand or not remaining[job.brand]:
                progress.advance(task)

        result = run_build(
            library,
            layouts,
            planned,
            out,
            on_done=done,
            on_start=lambda job: progress.update(task, current=str(job.relative_path())),
            force=force,
            workers=workers,
        )
    if result.written and not per_brand:
        table = Table(title=f"Files written to {out}", title_justify="left")
        table.add_column("file")
        table.add_column("size", justify="right")
        for written in result.written:
            table.add_row(str(written.path.relative_to(out)), f"{written.size / 1024:,.0f} KiB")
        console.print(table)
    console.print(
        f"{len(result.written)} written, {len(result.current)} up to date"
        + (f", [red]{len(result.failed)} failed[/red]" if result.failed else "")
        + (" (use --force to rebuild them)" if result.current and not result.written else "")
    )
    if per_brand:
        report_brands(planned, result)
    else:
        for job, message in result.failed:
            errors_console.print(
                f"[red]failed[/red] {job.relative_path()}: {message}", highlight=False
            )
    if result.failed:
        raise typer.Exit(EXIT_BUILD_FAILED)


def report_brands(planned: list[Job], result: BuildResult) -> None:
    """A batch's summary: brands built in full, and for each failed brand its first problem."""
    failed: dict[str, list[tuple[Job, str]]] = {}
    for job, message in result.failed:
        failed.setdefault(job.brand, []).append((job, message))
    brands = list(dict.fromkeys(job.brand for job in planned))
    console.print(f"{len(brands) - len(failed)} of {len(brands)} brand(s) complete")
    for brand_id, failures in failed.items():
        job, message = failures[0]
        message = message.removeprefix(f"{job.relative_path()}: ")
        more = f" (and {len(failures) - 1} more file(s))" if len(failures) > 1 else ""
        errors_console.print(
            f"[red]failed[/red] brand {brand_id!r}: {job.filename()}: {message}{more}",
            highlight=False,
            soft_wrap=True,
        )


def remember(out: Path, inputs: Inputs, planned: list[Job], brands: int) -> None:
    """Let the quick check answer this command next time if nothing it read or wrote changes."""
    outputs = [out / job.relative_path() for job in planned]
    counts = {"files": len(planned), "brands": brands}
    record(sys.argv[1:], Path.cwd(), out, inputs, outputs, counts)


@app.command()
def batch(
    clients: Annotated[
        Path,
        typer.Argument(
            metavar="CSV",
            exists=True,
            dir_okay=False,
            help="One brand a row: id,name,primary,accent,logo,website,email,phone,language.",
        ),
    ],
    project: ProjectOption = Path("."),
    out: OutOption = None,
    guide: GuideOption = [],  # noqa: B006
    lang: LangOption = [],  # noqa: B006
    force: ForceOption = False,
    jobs: JobsOption = CORES,
) -> None:
    """Build the full set for every client in a CSV, each under <out>/<id>/.

    Every row is checked first (colours, contrast, logo): a bad row is reported with its line
    and skipped, the other clients still build (exit 2). An unchanged client is not rebuilt; a
    client whose files fail is named in the summary (exit 1). Each client gets every guide in
    its language unless --guide/--lang say otherwise.
    """
    from generator.batch import load_brands_csv

    clients = clients.resolve()
    layouts = Layouts.for_project(project)
    inputs = Inputs.now([*layouts.folders, *layouts.content_folders], [clients])
    library = load_or_exit(project)
    try:
        clients_brands, bad_rows = load_brands_csv(
            clients, list(layouts.font_families), sorted(library.ui)
        )
    except ContentErrors as exc:
        exit_invalid(exc.errors)
    if not clients_brands:
        exit_invalid(bad_rows, summary="no client could be read; nothing built.")
    library = library.model_copy(update={"brands": {**library.brands, **clients_brands}})
    logos = [b.folder / b.logo for b in clients_brands.values() if b.folder and b.logo]
    inputs = inputs.adding(logos)
    layouts = replace(layouts, content_folders=[*layouts.content_folders, clients.parent])
    filters = Filters(guides=guide, languages=lang, brands=sorted(clients_brands))
    planned = plan_or_exit(library, filters)
    out = (out or project / "output").resolve()
    console.print(f"{len(clients_brands)} brand(s), {len(planned)} file(s)")
    if bad_rows:
        lines = sorted({error.line for error in bad_rows if error.line})
        console.print(f"[yellow]skipping the rows on line(s) {', '.join(map(str, lines))}[/]")
    try:
        build_and_report(library, layouts, planned, out, force, jobs, per_brand=True)
    except typer.Exit:
        if not bad_rows:
            raise  # a failed brand: exit 1, unless bad rows make it 2 below
    if bad_rows:
        summary = f"{len(bad_rows)} problem(s) in {clients.name}: those clients were skipped."
        exit_invalid(bad_rows, summary=summary)
    remember(out, inputs, planned, len(clients_brands))


@app.command("list")
def list_content(project: ProjectOption = Path(".")) -> None:
    """List the guides, frameworks, examples and languages there are to build."""
    library = load_or_exit(project)
    guides = Table(title="Guides", title_justify="left")
    for column in ("guide", "language", "title", "framework", "worksheet variants"):
        guides.add_column(column, no_wrap=column in ("guide", "framework"), overflow="fold")
    for (guide_id, language), guide in sorted(library.guides.items()):
        variants = ", ".join(
            f"{sheet}: {variant}" if sheet else variant
            for sheet, variant in worksheet_variants(library, guide_id, language)
        )
        guides.add_row(guide_id, language, guide.title, guide.framework, variants)
    frameworks = Table(title="Frameworks (worksheets)", title_justify="left")
    for column in ("framework", "kind", "language", "title", "shape"):
        frameworks.add_column(column, no_wrap=column == "framework")
    for (framework_id, language), framework in sorted(library.frameworks.items()):
        frameworks.add_row(
            framework_id, framework.kind, language, framework.title, describe_shape(framework)
        )
    examples = Table(title="Examples", title_justify="left")
    for column in ("example", "framework", "language", "title"):
        examples.add_column(column, no_wrap=column in ("example", "framework"))
    for (framework_id, language, example_id), example in sorted(library.examples.items()):
        examples.add_row(example_id, framework_id, language, example.title)
    languages = ", ".join(f"{code} ({ui.language_name})" for code, ui in sorted(library.ui.items()))
    for table in (guides, frameworks, examples):
        console.print(table)
    console.print(f"[bold]Languages:[/bold] {languages}")
    console.print(f"[bold]Brands:[/bold] {', '.join(sorted(library.brands))}")
    console.print(f"[bold]Formats:[/bold] {', '.join(FORMATS)}")


def describe_shape(worksheet: Worksheet) -> str:
    """What a worksheet holds, e.g. ``6 stages × 6 rows``."""
    if isinstance(worksheet, Form):
        return f"{len(worksheet.fields)} fields"
    if isinstance(worksheet, Checklist):
        return f"{len(worksheet.items)} items"
    return f"{len(worksheet.stages)} stages × {len(worksheet.rows)} rows"


@app.command()
def validate(
    project: ProjectOption = Path("."),
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings (lint) as errors: exit 2.")
    ] = False,
    worksheet: Annotated[
        list[Path],
        typer.Option(
            "--worksheet",
            metavar="XLSX",
            help="Also check a worksheet a client filled in (an .xlsx from journeykit build).",
            exists=True,
            dir_okay=False,
        ),
    ] = [],  # noqa: B006
) -> None:
    """Load all content and report every problem at once (exit 2 if there is any).

    Also lints the examples, and any worksheet given with --worksheet, against the guides' own
    advice: at most two KPIs per stage, no empty cells. Those are warnings (exit 0) unless
    --strict, e.g. 'journeykit validate --strict --worksheet kundens-kundresa.xlsx'.
    """
    from generator.lint import lint, lint_workbook

    library = load_or_exit(project)
    warnings = lint(library)
    for path in worksheet:
        try:
            warnings += lint_workbook(path, library)
        except ContentError as exc:
            exit_invalid([exc])
    for warning in warnings:
        label = "[red]error[/red]" if strict else "[yellow]warning[/yellow]"
        errors_console.print(f"{label} {warning.format(project)}", highlight=False, soft_wrap=True)
    if strict and warnings:
        errors_console.print(f"[red]{len(warnings)} problem(s) with --strict.")
        raise typer.Exit(EXIT_INVALID)
    console.print(
        f"[green]ok[/green] {len(library.guides)} guide(s), {len(library.frameworks)} "
        f"framework(s), {len(library.examples)} example(s), {len(library.ui)} language(s)"
        + (f", {len(warnings)} warning(s)." if warnings else ".")
    )


brand_app = typer.Typer(help="Make and manage brands (content/brands/<id>/brand.yaml).")
app.add_typer(brand_app, name="brand")

BRAND_TEMPLATE = """\
# The brand {id}: one file restyles every PDF, DOCX and XLSX built with --brand {id}.
name: "{name}"                  # on covers, headers, document properties
logo: ""                        # logo.svg or logo.png in this folder; "" for none
colors: {{primary: "#1F4E79", accent: "#E8A317", text: "#222222", background: "#FFFFFF"}}
fonts: {{heading: Inter, body: Inter}}    # bundled: {fonts}; or <Family>-Regular.ttf here
contact: {{website: "", email: "", phone: ""}}
language: sv                    # default for --lang: sv, nb or en; leave out for all
footer: ""                      # a line on every page, e.g. "© {name}"
attribution: true               # keep the source credit
"""


@brand_app.command("new")
def brand_new(
    brand_id: Annotated[str, typer.Argument(metavar="ID", help="Lowercase id, e.g. acme.")],
    project: ProjectOption = Path("."),
    name: Annotated[str, typer.Option(help="The company name shown on the documents.")] = "",
) -> None:
    """Create content/brands/<ID>/brand.yaml to edit, with every field explained."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", brand_id):
        errors_console.print(f"[red]error[/red] {brand_id!r} is not a valid id ({ID_HINT})")
        raise typer.Exit(EXIT_INVALID)
    folder = project / "content" / "brands" / brand_id
    if (folder / "brand.yaml").exists():
        errors_console.print(f"[red]error[/red] {folder / 'brand.yaml'} exists already")
        raise typer.Exit(EXIT_INVALID)
    fonts = ", ".join(Layouts.for_project(project).font_families)
    text = BRAND_TEMPLATE.format(id=brand_id, name=name or brand_id.title(), fonts=fonts)
    write_atomic(folder / "brand.yaml", text.encode("utf-8"))
    console.print(f"[green]created[/green] {folder / 'brand.yaml'}")
    console.print(f"Edit it, then: journeykit build --brand {brand_id}")


def main() -> None:
    """Run the command line."""
    app()
