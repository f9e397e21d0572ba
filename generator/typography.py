"""Typographic quotes and apostrophes, in each language's own style.

One Markdown parser per language turns ``"`` and ``'`` into the language's quotation marks
(``quotes`` in ``content/i18n/<lang>.yaml``: Swedish ”…”, Norwegian «…», English “…”) and an
apostrophe into ’; :func:`typeset` does the same to plain text (a grid cell, a title), so prose
and tables read alike. Nothing else is replaced: ``(c)`` in a list stays ``(c)``.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, smartquotes
from markdown_it.token import Token

DEFAULT_QUOTES = "“”‘’"
"""Double open, double close, single open, single close: English, where a language says
nothing else."""
PARSER_NESTING = 100
"""How deep the parser follows blocks inside blocks (a list's items count twice): it drops
everything after a block nested deeper, so loading refuses nesting far short of it
(:data:`generator.markdown.MAX_NESTING`)."""


@lru_cache(maxsize=8)
def markdown_parser(quotes: str = DEFAULT_QUOTES, html: bool = False) -> MarkdownIt:
    """CommonMark with GitHub's pipe tables, typographic quotes (``quotes``) and apostrophes,
    and raw HTML off (``html`` on only to find it: see :mod:`generator.markdown`)."""
    options = {"html": html, "typographer": True, "quotes": quotes, "maxNesting": PARSER_NESTING}
    return MarkdownIt("commonmark", options).enable(["smartquotes", "table"])


def typeset(text: str, quotes: str = DEFAULT_QUOTES) -> str:
    """Plain text with typographic quotes and apostrophes, as Markdown prose gets them."""
    if "'" not in text and '"' not in text:
        return text
    state = StateCore("", markdown_parser(quotes), {})
    inline = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    state.tokens = [inline]
    smartquotes(state)
    return "".join(child.content for child in inline.children or [])
