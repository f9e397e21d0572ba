"""Loading, first step: a YAML syntax error in plain words, at its line and column.

ruamel.yaml says what its parser expected (``expected <block end>, but found '?'``); a person
editing a brand file needs to hear what is wrong with the line they wrote and how to write it.
:func:`explain` maps the parser's common error kinds to such sentences; anything else keeps the
parser's own words. :func:`unquoted_colours` finds the commonest slip of all, a colour written
``primary: #1a4d8f``, which YAML reads as an empty value and a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

UNQUOTED_COLOUR = re.compile(r"""(?:^|[\s{\[,])([\w-]+):[ \t]+(#[0-9A-Fa-f]{3,8})\b""")
"""``key: #abc123`` (or inside ``{…}``), the ``#`` after a space: YAML's comment, not a colour."""


SIGNS = [
    ("anchor", "&", "anchor"),
    ("alias", "*", "alias"),
    ("tag", "!", "tag"),
    ("directive", "%", "directive"),
]
"""Signs YAML gives a meaning at the start of a value, by the word its parser's context uses."""
INDENT = "indent it with spaces exactly as far as the keys it sits with"


@dataclass(frozen=True)
class Plain:
    """A syntax problem said plainly: where (1-based line and column), what, how to write it."""

    line: int | None
    column: int | None
    message: str
    hint: str


def unquoted_colours(text: str, line_offset: int = 0) -> list[Plain]:
    """Each ``key: #RRGGBB`` written without quotes (a comment to YAML, so the key is empty)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue  # a whole-line comment is one
        for match in UNQUOTED_COLOUR.finditer(line):
            key, colour = match.groups()
            found.append(
                Plain(
                    number + line_offset,
                    match.start(2) + 1,
                    f"{key}: the colour {colour} is not in quotes, so YAML reads it as a comment "
                    "and the value as empty",
                    f'write {key}: "{colour}"',
                )
            )
    return found


def explain(exc: MarkedYAMLError, text: str, line_offset: int = 0) -> Plain:
    """The parser's error ``exc`` in ``text`` as a plain sentence, with its line and column."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    line = mark.line if mark else None
    column = mark.column if mark else None
    lines = text.splitlines()
    here = lines[line] if line is not None and line < len(lines) else ""

    def at(message: str, hint: str, where: object = mark) -> Plain:
        row = getattr(where, "line", None)
        col = getattr(where, "column", None)
        return Plain(
            None if row is None else row + 1 + line_offset,
            None if col is None else col + 1,
            message,
            hint,
        )

    if "mapping values are not allowed" in problem:
        before = here[: column or 0].strip().removeprefix("- ")
        if ": " in before:
            return at(
                "a value holds ': ', which YAML reads as the start of another key",
                'put the value in quotes, e.g. title: "Step 1: listen"',
            )
        return _indented_more(here, None if line is None else line + 1 + line_offset)
    if "expected <block end>" in problem:
        found = problem.rpartition("found ")[2]
        if found in ("'-'", "'<block sequence start>'"):
            return at(
                "a list item ('- ') where a key was expected",
                "indent the list under its key, or line it up with the other items",
            )
        if found == "'<scalar>'":
            return at(
                "more text after a value that is already complete (after a closing quote?)",
                "put the whole value inside the quotes",
            )
        if line is not None and _deeper(lines, line):
            return _indented_more(here, line + 1 + line_offset)
        return at(
            "a key is indented less than the one above it, but not as little as the keys "
            "it belongs with",
            INDENT,
        )
    if "cannot start any token" in problem:
        char = problem.partition("character ")[2].partition(" that")[0]
        if "\\t" in char:
            return at("a tab where YAML allows only spaces", "indent and separate with spaces")
        return at(
            f"a value cannot start with {char}",
            f'put the value in quotes, e.g. "{here[column or 0 :].strip() or char}"',
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return at(
            "a quote opened here is never closed",
            "end the value with the same quote mark it starts with",
            opened or mark,
        )
    if "escape" in problem and "quoted scalar" in context:
        return at(
            f"a backslash starts an escape YAML does not know ({problem.rpartition(' ')[2]})",
            "write \\\\ for a backslash, or use single quotes",
        )
    for word, sign, what in SIGNS:
        if word in context:
            return at(
                f"{sign} starts a YAML {what} here",
                f"a value that starts with {sign} belongs in quotes",
            )
    if "flow mapping" in context or "flow sequence" in context:
        closing = "}" if "mapping" in context else "]"
        opening = "{" if closing == "}" else "["
        return at(
            f"a {opening} … {closing} opened here is not closed, or a comma is missing "
            "between two of its entries",
            f"end it with {closing} on the same line, entries separated by commas; quote a "
            "value holding , # or :",
            opened or mark,
        )
    if "duplicate key" in problem:
        key = problem.partition('key "')[2].partition('"')[0]
        first = f" (first on line {opened.line + 1 + line_offset})" if opened else ""
        return at(f"the key {key!r} appears twice{first}", "keep one of them")
    if "expected the node content" in problem or "expected '<document start>'" in problem:
        found = problem.rpartition("found ")[2].strip("()")
        if "<stream end>" in found:
            return at(
                "the file ends where a value was expected", "finish the value, or remove its key"
            )
        if "expected '<document start>'" in problem:
            return at(
                "text after the end of the content, or less indented than the first key",
                "indent it as far as the keys it sits with, or remove it",
            )
        return at(f"a value cannot start with {found}", "put the value in quotes")
    if "could not find expected ':'" in problem:
        return at(
            "a line that is neither key: value nor a list item (a ':' missing?)",
            "write key: value; text that goes on belongs in quotes",
            opened or mark,
        )
    if "sequence entries are not allowed" in problem:
        return at(
            "a list item ('- ') on the line of a key's value",
            "put the items on the lines below the key, one '- ' each",
        )
    if "block scalar" in context:
        return at(
            "after | or > only a digit, + or - may follow on the same line",
            "start the text on the next line, indented",
        )
    if "another document" in problem:
        return at("a second YAML document begins here (---)", "remove the --- line")
    if "mapping keys are not allowed" in problem:
        return at("a value cannot start with '?'", "put the value in quotes")
    if "found undefined alias" in problem:
        return at("a value cannot start with *", 'put the value in quotes, e.g. "*new*"')
    return at(
        f"invalid YAML: {problem or context or 'cannot be read'}", "check indentation and quotes"
    )


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _deeper(lines: list[str], index: int) -> bool:
    """Whether line ``index`` is indented more than the nearest line above it with text."""
    above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), None)
    return above is not None and index < len(lines) and _indent(lines[index]) > _indent(above)


def _indented_more(here: str, line: int | None) -> Plain:
    return Plain(line, _indent(here) + 1, "a key is indented more than the one above it", INDENT)


BRACKETED_KEY = re.compile(r"(?:^|[\s{\[,])[{\[][^#]*?[}\]]\s*:(?:\s|$)|^\s*\?(?:\s|$)")


def bracketed_key(text: str, line_offset: int = 0) -> Plain:
    """A key written as ``{…}`` or ``[…]`` (which YAML cannot hold as a key), at its line."""
    for number, line in enumerate(text.splitlines(), 1):
        if found := BRACKETED_KEY.search(line):
            at = found.start() + (1 if line[found.start()] in " \t{[," else 0) + 1
            return Plain(number + line_offset, at, BRACKETED, BRACKETED_HINT)
    return Plain(None, None, BRACKETED, BRACKETED_HINT)


BRACKETED = "a key written in { } or [ ], or after ?"
BRACKETED_HINT = "a key is a plain word; put text with brackets in quotes"
