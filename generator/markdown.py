"""Loading: the Markdown of a guide's sections, checked against what every format renders.

A section's body may use what both the PDF and the DOCX render (:data:`SUPPORTED`); anything
else (a ``#`` or ``####`` heading, raw HTML, a code block, a link to a file) is refused when the
content is loaded, so ``validate`` names it with its file and line instead of a document
printing it as raw text or dropping it. An image is a file of the project's content, found
beside the section or in its guide's folder, and is opened here once: a build never meets an
image that validation did not.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from generator import paths
from generator.assets import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MiB, raster_problem
from generator.typography import markdown_parser

SUPPORTED = (
    "paragraphs, **bold**, *italic*, `code`, links to web, e-mail or phone, ## and ### "
    "headings, bullet and numbered lists, > tip boxes, --- rules, | tables | and images "
    "![caption](images/picture.png)"
)
"""What a section's Markdown may use: named in every refusal's hint and in the README."""
SUBHEADINGS = (2, 3)
"""The heading levels a section's body may use: its title is the level above them."""
LINK_PREFIXES = ("http://", "https://", "mailto:", "tel:")
REFUSED_TARGET = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|file|data):", re.IGNORECASE)
"""A link or image the parser refuses to read as one (and would print as written)."""
IMAGE_HEIGHT_MM = 140
"""The tallest an image is shown (PDF and DOCX): it is as wide as the text unless that would
make it taller than this."""
MAX_NESTING = 9
"""Lists and > tip boxes inside each other, at most: Word's deepest list level (the parser
follows far deeper, :data:`generator.typography.PARSER_NESTING`, so nothing is lost before
this refuses it)."""
IMAGE_HINT = "save a PNG or JPEG in the guide's folder (e.g. images/) and write its path from there"


@dataclass(frozen=True)
class MarkdownProblem:
    """Something a section's Markdown uses that not every format can show."""

    line: int
    """1-based, within the body."""
    message: str
    hint: str


@dataclass(frozen=True)
class SectionImage:
    """An image a section shows: its file and that file's hash (an input of the documents)."""

    path: Path
    digest: str


@dataclass
class Checked:
    """What checking a body found: its problems and its images by the ``src`` written."""

    problems: list[MarkdownProblem]
    images: dict[str, SectionImage]


def check_section(body: str, path: Path, content_folders: list[Path]) -> Checked:
    """Every construct of ``body`` (the section file ``path``'s Markdown) that is not
    :data:`SUPPORTED`, and each of its images checked and found."""
    checked = Checked([], {})
    inside: list[str] = []
    heading_levels: list[int] = []
    line = 0
    for token in markdown_parser(html=True).parse(body):
        if token.map:
            line = token.map[0]
        if token.nesting == 1 and token.type in CONTAINERS:
            inside.append(CONTAINERS[token.type])
            depth = sum(1 for name in inside if name in NESTING)
            if inside[-1] in NESTING and depth == MAX_NESTING + 1:  # once, the outermost
                checked.problems.append(MarkdownProblem(line + 1, *_nesting_problem(inside)))
        elif token.nesting == -1 and token.type in CLOSES:
            inside.pop()
        problem = _block_problem(token, inside, heading_levels)
        if problem:
            checked.problems.append(MarkdownProblem(line + 1, *problem))
        if token.type == "inline":
            _check_inline(token, line, inside, path, content_folders, checked)
    return checked


CONTAINERS = {
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "> tip box",
    "table_open": "table",
    "heading_open": "heading",
}
"""The blocks whose insides are checked for what they may hold, each by its name."""
CLOSES = tuple(name.replace("_open", "_close") for name in CONTAINERS)
NESTING = ("list", "> tip box")
"""The blocks :data:`MAX_NESTING` counts."""


def _nesting_problem(inside: list[str]) -> tuple[str, str]:
    """A list or tip box inside too many others, as (message, hint)."""
    return (
        f"a {inside[-1]} nested {MAX_NESTING + 1} levels deep is not supported",
        f"at most {MAX_NESTING} levels of lists and > tip boxes inside each other: indent it "
        "less, by two spaces a level",
    )


def _block_problem(
    token: Token, inside: list[str], heading_levels: list[int]
) -> tuple[str, str] | None:
    """Why a block token cannot be shown, as (message, hint), or None."""
    if token.type == "heading_open":
        level = int(token.tag[1])
        shown = "#" * level
        if level not in SUBHEADINGS:
            reason = "is the section's title" if level < SUBHEADINGS[0] else "goes too deep"
            return (
                f"a {shown} heading {reason}",
                "the title is in the front matter; use ## and ### inside a section",
            )
        if level > 2 and not heading_levels:
            return f"a {shown} heading before any ##", "a heading level cannot be skipped: use ##"
        heading_levels.append(level)
    elif token.type in ("code_block", "fence"):
        indented = " (a line indented by four spaces is one)" if token.type == "code_block" else ""
        return (
            f"a code block{indented} is not supported",
            f"remove the indentation or the ``` fence; supported: {SUPPORTED}",
        )
    elif token.type == "html_block":
        return _html_problem(token.content)
    elif token.type == "table_open" and len(inside) > 1:
        return (
            f"a table inside a {inside[-2]} is not supported",
            "start the table on a line of its own, outside lists and > tip boxes",
        )
    return None


def _html_problem(content: str) -> tuple[str, str]:
    tag = " ".join(content.split())[:40]
    return (
        f"raw HTML ({tag}) is not supported",
        f"write Markdown instead, or \\< to show a <; supported: {SUPPORTED}",
    )


def _check_inline(
    token: Token,
    line: int,
    inside: list[str],
    path: Path,
    content_folders: list[Path],
    checked: Checked,
) -> None:
    """Raw HTML, links and images of an inline token (``line``: its first line in the body)."""
    image = lone_image(token)
    html = False
    for child, offset in _children_with_lines(token):
        where = line + offset + 1
        if child.type == "html_inline":
            if not html:  # the first tag of a paragraph, not its closing one too
                checked.problems.append(MarkdownProblem(where, *_html_problem(child.content)))
            html = True
        elif child.type == "text" and (refused := REFUSED_TARGET.search(child.content)):
            # the parser leaves such a link or image as its text
            checked.problems.append(
                MarkdownProblem(
                    where,
                    f"a link or image to {refused[1]}: is not allowed",
                    f"link to a web address, mailto:… or tel:…; {IMAGE_HINT}",
                )
            )
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if not href.lower().startswith(LINK_PREFIXES):
                checked.problems.append(
                    MarkdownProblem(
                        where,
                        f"a link to {href!r} cannot be followed from a PDF or Word file",
                        "link to a web address (https://…), mailto:… or tel:…",
                    )
                )
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            if child is not image or inside:
                what = f"inside a {inside[-1]}" if inside else "within text"
                checked.problems.append(
                    MarkdownProblem(
                        where,
                        f"an image {what} is not supported",
                        "put the image in a paragraph of its own, with empty lines around it",
                    )
                )
            elif not alt_text(child):
                checked.problems.append(
                    MarkdownProblem(
                        where,
                        f"the image {src!r} has no caption",
                        "write what it shows between the brackets, ![like this](file.png): "
                        "it is the caption and what a screen reader says",
                    )
                )
            elif src not in checked.images:
                found = find_image(src, path, content_folders)
                if isinstance(found, SectionImage):
                    checked.images[src] = found
                else:
                    checked.problems.append(MarkdownProblem(where, *found))


def _children_with_lines(token: Token) -> Iterator[tuple[Token, int]]:
    """An inline token's children, each with the lines that come before it in the token."""
    offset = 0
    for child in token.children or []:
        yield child, offset
        if child.type in ("softbreak", "hardbreak"):
            offset += 1


def lone_image(token: Token) -> Token | None:
    """The image an inline token consists of (a paragraph holding one image and nothing
    else), or None: such a paragraph is shown as a figure, captioned with its alt text."""
    children = [
        child
        for child in token.children or []
        if not (child.type == "text" and not child.content.strip())
    ]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


def alt_text(image: Token) -> str:
    """An image's alternative text (its caption), typographic quotes included."""
    return "".join(child.content for child in image.children or []).strip()


def find_image(
    src: str, section: Path, content_folders: list[Path]
) -> SectionImage | tuple[str, str]:
    """The image ``src`` of the section file ``section``: beside it, or else in its guide's
    folder; or why it cannot be shown, as (message, hint)."""
    written = unquote(src)
    if not written:
        return "an image without a file", IMAGE_HINT
    if ":" in written.split("/")[0] or written.startswith(("/", "\\")) or "\\" in written:
        return f"an image must be a file of the project, not {src!r}", IMAGE_HINT
    home = next((folder for folder in content_folders if section.is_relative_to(folder)), None)
    if home is None:
        return f"{src!r}: the section is outside the content folders", IMAGE_HINT
    bases = (section.parent, section.parent.parent)
    candidates = [Path(os.path.normpath(base / written)) for base in bases]
    if not any(candidate.is_relative_to(home) for candidate in candidates):
        return f"the image {src!r} is outside the project's content folder", IMAGE_HINT
    inside = [candidate for candidate in candidates if candidate.is_relative_to(home)]
    existing = [candidate for candidate in inside if _is_file(candidate)]
    if not existing:
        looked = " and ".join(str(Path(home.name) / c.relative_to(home)) for c in inside)
        return (
            f"no image {src!r} beside the section or in the guide's folder",
            f"looked for {looked}; {IMAGE_HINT}",
        )
    try:
        target = existing[0].resolve(strict=True)
        stat = target.stat()
    except (OSError, RuntimeError) as exc:  # a loop of links, a file gone meanwhile
        return f"the image {src!r} cannot be read: {exc}", IMAGE_HINT
    if not paths.inside(target, content_folders):
        return (
            f"the image {src!r} links to a file outside the content folders",
            "copy the image into the project instead of linking to it",
        )
    return _opened(target, stat.st_mtime_ns, stat.st_size, src)


def _is_file(path: Path) -> bool:
    """Whether a file is there (a name too long for the file system is not)."""
    try:
        return path.is_file()
    except OSError:
        return False


@lru_cache(maxsize=256)
def _opened(path: Path, _mtime: int, size: int, src: str) -> SectionImage | tuple[str, str]:
    """The image checked once per version of its file: its size, format and pixels, decoded."""
    if size > MAX_IMAGE_BYTES:
        limit = MAX_IMAGE_BYTES // MiB
        return f"the image {src!r} is {size / MiB:.1f} MB", f"at most {limit} MB"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"the image {src!r} cannot be read: {exc.strerror}", IMAGE_HINT
    problem = raster_problem(data, MAX_IMAGE_PIXELS)
    if problem:
        return f"the image {src!r} {problem}", IMAGE_HINT
    return SectionImage(path, hashlib.sha256(data).hexdigest())
