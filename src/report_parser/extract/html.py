"""HTML pages -> text in the cell-per-line dialect, so the text stages read them.

A first, simple extractor: block elements become lines, every table cell becomes a ``text |``
line and every row ends with a newline. Spanned positions print nothing, so the table reads
like the flattened dumps the text reconstructor already handles.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

_BLOCK = frozenset("p div br li h1 h2 h3 h4 h5 h6 tr table section article ul ol title".split())
_SKIP = frozenset(("script", "style", "head", "noscript", "iframe", "select", "button", "object"))


def html_to_text(html: str) -> str:
    """Given an HTML page, return its visible text with tables flattened one cell per line."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"))
    except (etree.ParserError, ValueError):
        return ""
    out: list[str] = []
    _walk(root, out)
    text = "".join(out)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(el, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP or not tag and not isinstance(el, etree._Entity):
        if el.tail:
            out.append(el.tail)
        return
    if tag in ("td", "th"):
        cell = " ".join("".join(el.itertext()).split())
        out.append(f"\n{cell} |\n")
    else:
        if tag in _BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            _walk(child, out)
        if tag in _BLOCK:
            out.append("\n")
    if el.tail:
        out.append(el.tail)
