"""Text helpers shared by every renderer: Markdown parsing and marking words of other languages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from markdown_it.token import Token
from markupsafe import Markup, escape

from generator.markdown import alt_text, lone_image
from generator.model import UiStrings
from generator.typography import DEFAULT_QUOTES, markdown_parser


def parse_markdown(source: str, quotes: str = DEFAULT_QUOTES) -> list[Token]:
    """Markdown → block tokens with the language's ``quotes``, read as their author meant
    (see :func:`numbers_as_text`)."""
    return numbers_as_text(markdown_parser(quotes).parse(source))


NUMBER_AS_TEXT = (
    "list_item_open",
    "ordered_list_open",
    "list_item_open",
    "paragraph_open",
    "inline",
    "paragraph_close",
    "list_item_close",
    "ordered_list_close",
    "list_item_close",
)
"""A bullet holding nothing but a one-item numbered list: ``- 2. og eventuelt 3. linje``."""


def numbers_as_text(tokens: list[Token]) -> list[Token]:
    """A bullet whose text begins with a number (``- 1. linje``, ``- 2. og 3. linje``) keeps
    the number as its text: CommonMark reads it as a numbered list of one item inside the
    bullet, which no author writing it means. Any other list keeps its structure and start."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        window = tokens[index : index + len(NUMBER_AS_TEXT)]
        if tuple(token.type for token in window) == NUMBER_AS_TEXT and window[0].markup in "-*+":
            ordered, inline = window[1], window[4]
            number = f"{ordered.attrs.get('start', 1)}{ordered.markup} "
            inline.content = number + inline.content
            inline.children = [_text(number), *(inline.children or [])]
            result += [window[0], window[3], inline, window[5], window[8]]
            index += len(NUMBER_AS_TEXT)
        else:
            result.append(tokens[index])
            index += 1
    return result


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


@lru_cache(maxsize=32)
def _loanword_pattern(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    words = sorted((word for word, _ in pairs), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def _loanwords(ui: UiStrings) -> tuple[tuple[str, str], ...]:
    return tuple((word, lang) for lang, words in ui.loanwords.items() for word in words)


def split_languages(text: str, ui: UiStrings) -> list[tuple[str, str | None]]:
    """Split text into runs, each with the language of its loanword or None for the main one."""
    pairs = _loanwords(ui)
    pattern = _loanword_pattern(pairs)
    if pattern is None:
        return [(text, None)] if text else []
    language_of = dict(pairs)
    runs: list[tuple[str, str | None]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], None))
        runs.append((match.group(0), language_of[match.group(0)]))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], None))
    return runs


def mark_languages(text: str, ui: UiStrings, breakable: bool = False) -> Markup:
    """Escaped HTML of ``text`` with each loanword in a ``<span lang=…>``; ``breakable`` text
    (running text and cell entries, which hyphenate) gets the language's hyphenation
    exceptions as soft hyphens, so typesetting breaks those words only there. Headings and
    labels never hyphenate a word, and a bookmark shows its heading as written. A word too
    long for any line (a URL) is a ``<span class="long-word">`` with break opportunities."""
    words = tuple(ui.hyphenation) if breakable else ()
    return Markup("").join(
        Markup('<span lang="{}">{}</span>').format(lang, part)
        if lang
        else _long_words_marked(part, words)
        for part, lang in split_languages(text, ui)
    )


LONG_WORD = 40
"""Characters without a space beyond which a run is no word of any language (a URL, an
e-mail address, a code): it gets :data:`WORD_BREAK` every :data:`BREAK_EVERY` characters."""
BREAK_EVERY = 12
WORD_BREAK = "\u200b"
"""A zero-width space: where a line may break in a long word. It is the PDF's alone (the
layouts wrap such a word anywhere besides; WeasyPrint, left to find a break in a word of
thousands of letters, takes time growing with its square). Word, LibreOffice and Excel break
a word too long for its line or cell themselves, so the DOCX and XLSX keep the text as
written, and text copied from them is the client's own."""
_LONG_RUN = re.compile(rf"[^\s\u00ad\u200b]{{{LONG_WORD + 1},}}")


def _broken(word: str) -> str:
    """A long word with :data:`WORD_BREAK` every :data:`BREAK_EVERY` characters."""
    return WORD_BREAK.join(word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))


def _long_words_marked(text: str, words: tuple[str, ...]) -> Markup:
    """Escaped ``text``, hyphenation exceptions marked in its words and each long word in a
    ``<span class="long-word">`` (not hyphenated: a hyphen in a URL would be read as part of
    it) with break opportunities."""
    parts: list[Markup] = []
    position = 0
    for match in _LONG_RUN.finditer(text):
        parts.append(escape(hyphenate(text[position : match.start()], words)))
        parts.append(Markup('<span class="long-word">{}</span>').format(_broken(match.group(0))))
        position = match.end()
    parts.append(escape(hyphenate(text[position:], words)))
    return Markup("").join(parts)


SOFT_HYPHEN = "\u00ad"


@lru_cache(maxsize=16)
def _exceptions(words: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, list[int]]]:
    """A pattern finding the exceptions' words, and each one's break positions."""
    breaks: dict[str, list[int]] = {}
    for word in words:
        parts = word.lower().split("-")
        positions = [sum(len(part) for part in parts[: n + 1]) for n in range(len(parts) - 1)]
        breaks["".join(parts)] = positions
    if not breaks:
        return None, breaks
    alternatives = sorted(map(re.escape, breaks), key=len, reverse=True)
    return re.compile("(?i)(" + "|".join(alternatives) + ")"), breaks


def hyphenate(text: str, words: tuple[str, ...]) -> str:
    """``text`` with soft hyphens at the break points the exceptions ``words`` give, in every
    form that begins with one (``blogg-in-lägg`` covers ``Blogginläggen``)."""
    pattern, breaks = _exceptions(words)
    if pattern is None:
        return text

    def marked(match: re.Match[str]) -> str:
        found = match.group(0)
        cuts = breaks[found.lower()]
        pieces = [found[a:b] for a, b in zip([0, *cuts], [*cuts, len(found)], strict=True)]
        return SOFT_HYPHEN.join(pieces)

    return pattern.sub(marked, text)


LISTS = ("bullet_list_open", "ordered_list_open")


def markdown_to_html(
    source: str, ui: UiStrings, heading_offset: int = 1, images: Mapping[str, Path] | None = None
) -> Markup:
    """Markdown → HTML (raw HTML off), loanwords marked, ``##`` shifted down by the offset; an
    image alone in its paragraph becomes a figure showing its file from ``images`` (by the
    path written), captioned with its alt text."""
    parser = markdown_parser(ui.quotes)
    tokens = _figures(parse_markdown(source, ui.quotes), ui, images or {})
    for index, token in enumerate(tokens[3:], start=3):
        opening, inline, closing = tokens[index - 3 : index]
        leads = inline.type == "inline" and inline.content.rstrip().endswith(":")
        if token.type in LISTS and closing.type == "paragraph_close" and leads:
            opening.attrSet("class", "leads-list")  # kept with the list it introduces
    heading = False
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
            heading = token.type == "heading_open"
        for child in token.children or []:
            if child.type == "text":
                child.type = "html_inline"  # emit our own escaped markup verbatim
                child.content = str(mark_languages(child.content, ui, breakable=not heading))
            elif child.type == "code_inline":  # a long one breaks as a word of the text does
                child.type = "html_inline"
                code = _long_words_marked(child.content, ())
                child.content = str(Markup("<code>{}</code>").format(code))
    return Markup(parser.renderer.render(tokens, parser.options, {}))


def _figures(tokens: list[Token], ui: UiStrings, images: Mapping[str, Path]) -> list[Token]:
    """The tokens with each paragraph that is one image replaced by a ``<figure>``."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        image = lone_image(tokens[index + 1]) if tokens[index].type == "paragraph_open" else None
        if image is None:
            result.append(tokens[index])
            index += 1
            continue
        src = str(image.attrs.get("src", ""))
        path = images.get(src)
        alt = alt_text(image)
        caption = (
            Markup("<figcaption>{}</figcaption>").format(mark_languages(alt, ui)) if alt else ""
        )
        figure = Markup('<figure class="image"><img src="{}" alt="{}">{}</figure>\n').format(
            path.as_uri() if path is not None else src, alt, caption
        )
        result.append(Token("html_block", "", 0, content=str(figure)))
        index += 3  # the paragraph's open, its image and its close
    return result


def css_string(text: str) -> Markup:
    """A quoted CSS string literal, safe inside a ``<style>`` element (no entity escaping there)."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&\n' or ord(char) < 32 else char for char in text
    )
    return Markup(f'"{escaped}"')


def long_date(day: date, locale: str) -> str:
    """A date as a locale writes it in prose, e.g. ``22 november 2026`` in ``sv_SE``."""
    return format_date(day, format="long", locale=locale)
