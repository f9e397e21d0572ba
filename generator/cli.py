"""The command line: ``journeykit build | batch | import | list | validate | new``.

It parses options, calls :mod:`generator.api` and prints: content errors one line each and exit
code 2, build failures exit code 1, progress as a bar.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape
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

from generator import api
from generator.api import (
    FORMATS,
    Checklist,
    ContentError,
    ContentErrors,
    Failure,
    Form,
    Job,
    Worksheet,
    worksheet_variants,
)
from generator.quick import Inputs
from generator.quick import remember as record

EXIT_BUILD_FAILED = 1
EXIT_INVALID = 2

app = typer.Typer(
    help=(
        "Turn marketing guides written in Markdown and YAML into printable, brandable PDF, DOCX "
        "and XLSX templates.\n\nContent lives in `<project>/content` (guides, frameworks, "
        "examples, brands, i18n), layouts in `<project>/layouts`; files there override or add "
        "to what journeykit ships. Start with 'journeykit list', then 'journeykit build'."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_show_locals=False,
)
console = Console()
errors_console = Console(stderr=True, soft_wrap=True)
"""Problems, one line each however narrow the terminal (a log gets each on one line)."""

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
    Path | None, typer.Option(metavar="DIR", help="Output folder (default: `<project>/output`).")
]
GuideOption = Annotated[list[str], typer.Option(metavar="ID", help="Only this guide (repeatable).")]
LangOption = Annotated[list[str], typer.Option(metavar="LANG", help="Only this language, e.g. sv.")]
VariantOption = Annotated[
    list[str],
    typer.Option(
        metavar="VARIANT", help="Only worksheets of this variant: blank or an example id."
    ),
]
FormatOption = Annotated[
    list[str],
    typer.Option("--format", metavar="FORMAT", help=f"Only this format: {', '.join(FORMATS)}."),
]
PaperOption = Annotated[
    str | None,
    typer.Option(
        metavar="PAPER",
        help="Paper size: a4 or letter (default: the brand's own, else a4).",
    ),
]
PrintMarksOption = Annotated[
    bool,
    typer.Option("--print-marks", help="3 mm bleed and crop marks on the PDFs, for a print shop."),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Rebuild every file, even those up to date.")
]
BrokerOption = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        help=(
            "Render on the Celery workers listening at this Redis URL (redis://HOST:6379/0; "
            "start them with 'journeykit worker'); the output folder must be at the same path "
            "on every machine."
        ),
    ),
]
StampOption = Annotated[
    bool | None,
    typer.Option(
        "--stamp/--no-stamp",
        help=(
            "Lay each guide out once for the brands that share its fonts, paper and details, "
            "and stamp each brand's name, colours and logo onto it (checked against a direct "
            f"render of the first brand); by default when {api.STAMP_FROM} or more brands "
            "share a layout. --no-stamp renders every brand on its own."
        ),
        show_default=False,
    ),
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: one per core)."
    ),
]


def print_problems(errors: list[ContentError], root: Path | None, label: str) -> None:
    """Each problem on a line of its own, its text never read as markup."""
    for error in errors:
        errors_console.print(
            f"{label} {escape(error.format(root))}", highlight=False, soft_wrap=True
        )


def exit_invalid(
    errors: list[ContentError], root: Path | None = None, summary: str = ""
) -> NoReturn:
    """Print every problem on a line of its own, then exit 2."""
    print_problems(errors, root, "[red]error[/red]")
    if summary:
        errors_console.print(f"[red]{escape(summary)}")
    raise typer.Exit(EXIT_INVALID) from None


@contextmanager
def invalid_exits(root: Path | None, summary: str = "") -> Iterator[None]:
    """Turn the API's :class:`ContentErrors` into their lines and exit code 2, an
    :class:`api.OutputError` into its line and exit code 1, Ctrl-C before the build
    began (while the content loads) into exit code 130."""
    try:
        yield
    except KeyboardInterrupt:
        errors_console.print("[yellow]interrupted[/yellow]: nothing was built", highlight=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except ContentErrors as exc:
        exit_invalid(exc.errors, root, summary.format(count=len(exc.errors)))
    except api.OutputError as exc:
        errors_console.print(
            f"[red]error[/red] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(EXIT_BUILD_FAILED) from None


def options(arguments: dict[str, object], listener: api.Listener) -> api.Options:
    """The options ``build`` and ``batch`` share, taken from a command's arguments by the names
    :class:`api.Options` gives them (the command line's own)."""
    chosen = {name: arguments[name] for name in api.Options.__annotations__ if name in arguments}
    return cast(api.Options, {**chosen, "listener": listener})


NOTHING_BUILT = "{count} problem(s); nothing built."


def usable_jobs(jobs: int, broker: str | None) -> int:
    """The local worker processes to start for ``--jobs``: as many as the machine's cores and
    memory take, said in one line when fewer (Celery's workers are counted where they run)."""
    if broker:
        return jobs
    usable, why = api.workers_for(jobs)
    if why:
        errors_console.print(escape(why), highlight=False, soft_wrap=True)
    return usable


@app.command()
def build(
    project: ProjectOption = Path("."),
    out: OutOption = None,
    guide: GuideOption = [],  # noqa: B006
    lang: LangOption = [],  # noqa: B006
    variant: VariantOption = [],  # noqa: B006
    brand: Annotated[
        str,
        typer.Option(metavar="ID", help="Build for this brand, or 'all' for every brand."),
    ] = "default",
    force: ForceOption = False,
    jobs: JobsOption = api.CORES,
    format: FormatOption = [],  # noqa: B006
    paper: PaperOption = None,
    print_marks: PrintMarksOption = False,
    stamp: StampOption = None,
    broker: BrokerOption = None,
) -> None:
    """Build guides and worksheets into `<out>/<brand>/<language>/`.

    Builds everything by default; the options narrow it down, e.g.
    'journeykit build --guide kundresan --format pdf --variant blank'.
    """
    arguments = {**locals(), "jobs": usable_jobs(jobs, broker)}
    with invalid_exits(project, NOTHING_BUILT), ProgressBar(per_brand=brand == "all") as bar:
        read = Inputs.now(api.open_project(project).readable_roots, [])
        result = api.build(project, brand, **options(arguments, bar))
    report(result, per_brand=brand == "all")
    exit_if_interrupted(result)
    remember(result, read)
    if result.failed:
        raise typer.Exit(EXIT_BUILD_FAILED)


class RateColumn(ProgressColumn):
    """How many items a minute have been finished, on average since the start (steadier than
    rich's recent-samples speed when items finish in bursts, as brands on several workers do)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed
        if not task.completed or not elapsed:
            return Text("–/min", style="progress.data.speed")
        return Text(f"{task.completed / elapsed * 60:,.1f}/min", style="progress.data.speed")


class ProgressBar:
    """A listener drawing the build's progress: files, or brands for a batch (whose total is
    its client list's rows, told before they are read; a row skipped for its problems is not
    counted as done, so the bar of such a batch ends short)."""

    def __init__(self, per_brand: bool) -> None:
        self.per_brand = per_brand
        self.remaining: Counter[str] = Counter()
        self.rows: int | None = None
        self.progress = Progress(
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
        )
        self.task = self.progress.add_task("build", total=None, current="", unit="files")

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress.live.is_started:
            self.progress.stop()

    def expects(self, rows: int) -> None:
        """A batch's client rows, before they are read: the bar's total."""
        self.rows = rows

    def planned(self, jobs: list[Job]) -> None:
        """Jobs to come: all of a build's at once, or a batch's a client at a time."""
        if not self.progress.live.is_started:
            self.progress.start()  # only now: a command refused before planning draws no bar
        self.remaining.update(job.brand for job in jobs)
        if self.per_brand:
            total = self.rows if self.rows is not None else len(self.remaining)
        else:
            total = self.progress.tasks[0].total or 0
            total += len(jobs)
        unit = "brands" if self.per_brand else "files"
        self.progress.update(self.task, total=total, unit=unit)

    def started(self, job: Job) -> None:
        self.progress.update(self.task, current=escape(str(job.relative_path())))

    def finished(self, job: Job) -> None:
        self.remaining[job.brand] -= 1
        if self.remaining[job.brand] <= 0:
            del self.remaining[job.brand]  # a long batch keeps only the brands in flight
            if self.per_brand:
                self.progress.advance(self.task)
        if not self.per_brand:
            self.progress.advance(self.task)


def report(result: api.BuildResult, per_brand: bool) -> None:
    """What was written, what was up to date, what failed: per file, or per brand."""
    print_problems(result.warnings, None, "[yellow]warning[/yellow]")
    out = result.out
    if result.written and not per_brand:
        table = Table(title=f"Files written to {escape(str(out))}", title_justify="left")
        table.add_column("file")
        table.add_column("size", justify="right")
        for written in result.written:
            table.add_row(
                escape(str(written.path.relative_to(out))), f"{written.size / 1024:,.0f} KiB"
            )
        console.print(table)
    console.print(
        f"{len(result.written)} written, {len(result.current)} up to date"
        + (f", [red]{len(result.failed)} failed[/red]" if result.failed else "")
        + (" (use --force to rebuild them)" if result.current and not result.written else "")
    )
    report_stamped(result)
    if per_brand:
        report_brands(result)
    else:
        for failure in result.failed:
            message = f"{failure.job.relative_path()}: {failure.reason}"
            errors_console.print(f"[red]failed[/red] {escape(message)}", highlight=False)


EXIT_INTERRUPTED = 130
"""What a shell reports for a program stopped by Ctrl-C (128 + SIGINT)."""


def exit_if_interrupted(result: api.BuildResult) -> None:
    """After Ctrl-C: say what is kept and how to go on, then exit 130."""
    if result.interrupted:
        errors_console.print(
            f"[yellow]interrupted[/yellow]: the {len(result.written)} file(s) written are "
            "complete and kept; run the same command again to build the rest",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED)


def report_stamped(result: api.BuildResult) -> None:
    """How many brands were stamped onto a layout made once, and why any others that were to
    be were rendered directly (the most common reasons first)."""
    if not result.stamped and not result.unstamped:
        return
    console.print(
        f"{len(result.stamped)} brand(s) stamped onto a shared layout, "
        f"{len(result.unstamped)} rendered directly"
    )
    for reason, count in Counter(result.unstamped.values()).most_common(3):
        console.print(f"  {count} × {escape(reason)}", highlight=False, soft_wrap=True)


def report_brands(result: api.BuildResult) -> None:
    """A batch's summary: brands built in full, and for each failed brand its first problem."""
    failed: dict[str, list[Failure]] = {}
    for failure in result.failed:
        failed.setdefault(failure.job.brand, []).append(failure)
    made = Counter(job.brand for job in (*(w.job for w in result.written), *result.current))
    planned = Counter(job.brand for job in result.jobs)
    complete = sum(made[brand] == files for brand, files in planned.items())
    brands = max(len(planned), result.clients)  # Ctrl-C: some clients were not read
    console.print(f"{complete} of {brands} brand(s) complete")
    for brand_id, failures in failed.items():
        job, reason = failures[0].job, failures[0].reason
        reason = reason.removeprefix(f"{job.relative_path()}: ")
        more = f" (and {len(failures) - 1} more file(s))" if len(failures) > 1 else ""
        errors_console.print(
            f"[red]failed[/red] brand {escape(repr(brand_id))}: "
            f"{escape(job.filename())}: {escape(reason)}{more}",
            highlight=False,
            soft_wrap=True,
        )


def remember(result: api.BuildResult, read: Inputs) -> None:
    """Let the quick check answer this command next time if nothing it read (``read``, as it was
    when the command started, and the files the build read besides) or wrote changes."""
    if not result.ok:
        return
    outputs = [result.out / job.relative_path() for job in result.jobs]
    counts = {"files": len(result.jobs), "brands": len(result.brands)}
    with suppress(OSError):  # only a shortcut for next time: a full disk must not fail the build
        inputs = read.adding(result.read)
        record(sys.argv[1:], Path.cwd(), result.out, inputs, outputs, counts)


@app.command()
def batch(
    clients: Annotated[
        Path,
        typer.Argument(
            metavar="CSV",
            exists=True,
            dir_okay=False,
            help=(
                "One brand a row: id,name,primary,accent,logo,website,email,phone,language "
                "(only id and name needed; ',' ';' or tab between values; UTF-8 or Windows-1252)."
            ),
        ),
    ],
    project: ProjectOption = Path("."),
    out: OutOption = None,
    guide: GuideOption = [],  # noqa: B006
    lang: LangOption = [],  # noqa: B006
    variant: VariantOption = [],  # noqa: B006
    format: FormatOption = [],  # noqa: B006
    force: ForceOption = False,
    jobs: JobsOption = api.CORES,
    paper: PaperOption = None,
    print_marks: PrintMarksOption = False,
    stamp: StampOption = None,
    broker: BrokerOption = None,
) -> None:
    """Build the full set for every client in a CSV, each under `<out>/<id>/`.

    Each row is checked as it is read (colours, contrast, logo, lengths): a bad row is reported
    with its line and skipped, the other clients still build (exit 2). An unchanged client is
    not rebuilt; a client whose files fail is named in the summary (exit 1). Each client gets
    every guide in its language unless --guide/--lang say otherwise.
    """
    arguments = {**locals(), "jobs": usable_jobs(jobs, broker)}
    with invalid_exits(project, NOTHING_BUILT), ProgressBar(per_brand=True) as bar:
        read = Inputs.now(api.open_project(project).readable_roots, [clients.resolve()])
        result = api.batch(clients, project, **options(arguments, bar))
    brands = max(len(result.brands), result.clients)  # Ctrl-C: some clients were not read
    console.print(f"{brands} brand(s), {len(result.jobs)} file(s)")
    if result.rejected:
        lines = sorted({error.line for error in result.rejected if error.line})
        console.print(f"[yellow]skipped the rows on line(s) {', '.join(map(str, lines))}[/]")
    report(result, per_brand=True)
    exit_if_interrupted(result)
    if result.rejected:
        summary = f"{len(result.rejected)} problem(s) in {clients.name}: those rows were skipped."
        exit_invalid(result.rejected, summary=summary)
    remember(result, read)
    if result.failed:
        raise typer.Exit(EXIT_BUILD_FAILED)


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            dir_okay=False,
            help="A workbook (.xlsx) or fillable PDF journeykit made, as the client filled it in.",
        ),
    ],
    project: ProjectOption = Path("."),
    brand: Annotated[
        str, typer.Option(metavar="ID", help="The brand the documents carry.")
    ] = "default",
    name: Annotated[
        str, typer.Option(metavar="TEXT", help="The client's name, on the cover and in file names.")
    ] = "",
    format: FormatOption = [],  # noqa: B006
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Output folder (default: `<project>/output/imported`)."),
    ] = None,
    clients: Annotated[
        Path | None,
        typer.Option(
            metavar="CSV",
            dir_okay=False,
            help="A batch's client CSV: --brand may then be a client's id, whose name is the "
            "default --name.",
        ),
    ] = None,
) -> None:
    """Turn a client's filled-in workbook or PDF into their branded documents.

    Reads every entry by its name (a workbook's cell, or, if another program dropped the names,
    by its labels; a PDF's form field), never running a formula; writes the worksheet as PDF,
    DOCX and XLSX and a short guide (cover, the filled worksheet, what to review) as PDF and
    DOCX. E.g. 'journeykit import kundens-kundresa.xlsx --name "Acme AB" --brand acme', or
    for a client of a batch, 'journeykit import filled.xlsx --clients clients.csv --brand
    harbour-cafe'.
    """
    with invalid_exits(project, "{count} problem(s); nothing written."):
        result = api.import_workbook(file, project, brand, name, format, out, clients=clients)
    how = "by their labels (the workbook's names were lost)" if result.by_labels else "by name"
    console.print(
        f"read {len(result.filled)} filled and {len(result.empty)} empty cell(s) {how}",
        highlight=False,
    )
    for what, cells in (("filled", result.filled), ("empty", result.empty)):
        if cells:
            console.print(f"{what}: {escape(', '.join(cells))}", highlight=False, soft_wrap=True)
    print_problems(result.warnings, project, "[yellow]advice[/yellow]")
    report(result.build, per_brand=False)
    exit_if_interrupted(result.build)
    if result.build.failed:
        raise typer.Exit(EXIT_BUILD_FAILED)


@app.command()
def serve(
    project: ProjectOption = Path("."),
    host: Annotated[
        str, typer.Option(help="The address to listen on; 0.0.0.0 to be reached from others.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port to listen on.")] = 8000,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Serve only the client's and the prospect's pages: no previews, listings or "
            "paths (for a server others reach).",
        ),
    ] = False,
    broker: BrokerOption = None,
    shared: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="With --broker: a folder at the same path here and on every worker, where "
            "downloads wait to be read (default: this machine's temporary folder, for workers "
            "on this machine).",
        ),
    ] = None,
) -> None:
    """Serve the documents on the web: previews for the author, forms for clients, downloads
    for prospects.

    http://HOST:PORT/ lists every guide × language × brand with its files and problems, each
    guide's pages updating as you save; /fill/BRAND/LANG/WORKSHEET is a worksheet as a form a
    client fills in (or uploads, filled offline) and gets back as PDF, DOCX and XLSX;
    /get/BRAND/LANG/GUIDE is a guide's download page, its cover prepared for the reader. E.g.
    'journeykit serve --project my-guides', then open http://127.0.0.1:8000/.
    """
    from generator.web import LOOPBACK, Settings, run

    wildcard = host in ("0.0.0.0", "::", "")
    hosts = () if wildcard else (*LOOPBACK, host.strip("[]"))
    with invalid_exits(project, "{count} problem(s); not served."):
        root = api.open_project(project).root
        shared = shared or (Path(tempfile.gettempdir()) / "journeykit-serve" if broker else None)
        settings = Settings(root, public=public, hosts=hosts, broker=broker, shared=shared)
    console.print(f"serving {escape(as_typed(project))} at http://{host}:{port}/", highlight=False)
    if not public and not _loopback(host):
        console.print(
            f"[yellow]warning[/yellow]: the author's view (previews, file listings, paths) is "
            f"open to anyone who reaches {escape(host)}; add --public to serve only the "
            "client's and the prospect's pages",
            highlight=False,
        )
    run(settings, host, port)


def _loopback(host: str) -> bool:
    """Whether ``host`` is only reached from this machine (``localhost``, ``127.x``, ``::1``)."""
    import ipaddress

    name = host.strip("[]")
    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@app.command()
def worker(
    broker: Annotated[
        str, typer.Option(metavar="URL", help="The Redis to take sets from: redis://HOST:6379/0.")
    ],
    concurrency: Annotated[
        int, typer.Option(min=1, metavar="N", help="Processes rendering at once (one per core).")
    ] = api.CORES,
    visibility_timeout: Annotated[
        int,
        typer.Option(
            min=5,
            metavar="SECONDS",
            help="After how long a message a vanished worker had taken goes to another.",
        ),
    ] = api.VISIBILITY_TIMEOUT,
) -> None:
    """Render sets for 'build --broker' and 'batch --broker' on this machine, until stopped.

    Needs no copy of the project: each build's content comes through Redis (and is kept in
    ~/.cache/journeykit); the files go into the build's output folder, which must be at the
    same path here as on the machine that started the build. E.g.
    'journeykit worker --broker redis://queue.example:6379/0 --concurrency 2'.
    """
    console.print(f"worker of {escape(broker)}, {concurrency} process(es)", highlight=False)
    api.serve_worker(broker, concurrency, visibility_timeout)


@app.command("list")
def list_content(project: ProjectOption = Path(".")) -> None:
    """List the guides, frameworks, examples and languages there are to build."""
    with invalid_exits(project, "{count} problem(s) in the content."):
        library = api.load(project)
    guides = Table(title="Guides", title_justify="left")
    guides.add_column("guide", no_wrap=True)
    guides.add_column("language", no_wrap=True)
    guides.add_column("title", ratio=2)
    guides.add_column("worksheets: variants (for --variant)", ratio=3)
    for (guide_id, language), guide in sorted(library.guides.items()):
        by_sheet: dict[str, list[str]] = {}
        for sheet, variant in worksheet_variants(library, guide_id, language):
            by_sheet.setdefault(sheet or guide.framework, []).append(variant)
        variants = "\n".join(f"{sheet}: {', '.join(names)}" for sheet, names in by_sheet.items())
        guides.add_row(guide_id, language, guide.title, variants)
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
        bool,
        typer.Option(
            "--strict",
            help="Treat warnings as errors (exit 2), and lay out the project's own guides to "
            "find pages left nearly empty and worksheets that run over their page.",
        ),
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
    with invalid_exits(project, "{count} problem(s)" + (" with --strict." if strict else ".")):
        result = api.validate(project, strict, worksheet)
    print_problems(result.warnings, project, "[yellow]warning[/yellow]")
    library, warnings = result.library, result.warnings
    console.print(
        f"[green]ok[/green] {len(library.guides)} guide(s), {len(library.frameworks)} "
        f"framework(s), {len(library.examples)} example(s), {len(library.ui)} language(s)"
        + (f", {len(warnings)} warning(s)." if warnings else ".")
    )


brand_app = typer.Typer(help="Make and manage brands (`content/brands/<id>/brand.yaml`).")
app.add_typer(brand_app, name="brand")

NewProjectOption = Annotated[
    Path,
    typer.Option(
        "--project",
        "-p",
        metavar="DIR",
        help="Your project folder (made if it does not exist yet).",
        file_okay=False,
        resolve_path=True,
    ),
]


def as_typed(path: Path) -> str:
    """A path as a user would type it in a next command: relative to the current folder when
    inside it, quoted for the shell when need be."""
    with suppress(ValueError):
        path = path.relative_to(Path.cwd())
    return shlex.quote(str(path))


def interactive() -> bool:
    """Whether a person is at the terminal to answer questions."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@brand_app.command("new")
def brand_new(
    brand_id: Annotated[str, typer.Argument(metavar="ID", help="Lowercase id, e.g. acme.")],
    project: NewProjectOption = Path("."),
    name: Annotated[str, typer.Option(help="The company name shown on the documents.")] = "",
    lang: Annotated[
        str,
        typer.Option(
            metavar="LANG",
            help="The language its documents are built in (default: your guides', else en).",
        ),
    ] = "",
    primary: Annotated[
        str, typer.Option(metavar="#RRGGBB", help="The main colour (default: dark blue).")
    ] = "",
) -> None:
    """Create `content/brands/<ID>/brand.yaml` to edit, with every field explained.

    At a terminal it asks for what the options do not give (name, language, main colour);
    otherwise it takes the defaults. E.g. 'journeykit new brand acme --name "Acme Consulting"
    --project my-guides'.
    """
    asking = interactive()
    if asking and not name:
        name = typer.prompt("Company name", default=brand_id.replace("-", " ").title())
    if asking and not lang:
        languages = api.open_project(project).languages if project.is_dir() else []
        lang = typer.prompt(f"Language ({', '.join(languages) or 'en'})", default="en")
    if asking and not primary:
        primary = typer.prompt("Main colour, #RRGGBB", default=api.Colors().primary)
    with invalid_exits(None):
        path = api.new_brand(brand_id, project, name, lang or None, primary or None)
    print_next(
        [path],
        "put logo.svg, logo.png or logo.jpg beside it and fill in the colours, fonts and contact",
        [
            f"validate --project {as_typed(project)}",
            f"build --project {as_typed(project)} --brand {brand_id}",
        ],
    )


def print_next(created: list[Path], what: str, commands: list[str]) -> None:
    """What was created, what to do next, and the commands that check and build it."""
    for path in created:
        console.print(f"[green]created[/green] {escape(as_typed(path))}", highlight=False)
    steps = "".join(f"\n  journeykit {command}" for command in commands)
    console.print(f"Next: {what}; then check and build it:{steps}", highlight=False, soft_wrap=True)


new_app = typer.Typer(help="Start a new guide or brand from a small, valid example to edit.")
app.add_typer(new_app, name="new")


@new_app.command("guide")
def new_guide(
    guide_id: Annotated[
        str, typer.Argument(metavar="ID", help="Lowercase id, e.g. onboarding-journey.")
    ],
    lang: Annotated[str, typer.Option(metavar="LANG", help="The guide's language.")] = "en",
    project: NewProjectOption = Path("."),
) -> None:
    """Create a small guide that builds at once, to edit.

    A worksheet (3 stages × 3 questions), a filled example and two sections, each file saying
    what to change; docs/content.md describes every key. E.g. 'journeykit new guide
    onboarding-journey --lang en --project my-guides'.
    """
    with invalid_exits(None):
        paths = api.new_guide(guide_id, project, lang)
    at = as_typed(project)
    print_next(
        paths,
        "rename the stages and questions in the framework file, fill in the example to match, "
        "write the sections",
        [f"validate --strict --project {at}", f"build --project {at} --guide {guide_id}"],
    )


new_app.command("brand")(brand_new)  # the same command as 'journeykit brand new'


def main() -> None:
    """Run the command line."""
    app()
