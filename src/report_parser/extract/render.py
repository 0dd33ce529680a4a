"""Laid-out sources (PDF, Word) -> text in the cell-per-line dialect, with source spans.

A table is printed one cell per line as ``text |`` in reading order (row by row, left to right);
a position covered by a merged cell prints nothing, a printed blank prints ``|``. Every cell's
text gets a ``SourceSpan`` saying where it came from, so the tables stage can put it in
``Cell.loc``. Narrative lines are printed as they are.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from ..model import Document, SourceSpan

# CJK ideographs, CJK and full-width punctuation, and the quotes set in CJK fonts: no space is
# printed between such characters, so a line break or a gap between them is not a space.
_CJK = regex.compile(r"[\p{Han}\u3000-\u303f\uff00-\uffef“”‘’—…·]")


def is_cjk(ch: str) -> bool:
    """Given one character, tell whether it belongs to CJK running text."""
    return _CJK.match(ch) is not None


def join_lines(lines: list[str]) -> str:
    """Given the lines of one cell, return its text: wrapped words and stacked characters joined.

    A break between two Latin letters was a space; any other break (CJK, digits of a wrapped
    number, one character per line) joins without one.
    """
    out = ""
    for line in (s.strip() for s in lines):
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "
        out += line
    return out


@dataclass(frozen=True, slots=True)
class TableCell:
    """One printed cell: its text and where it came from."""

    text: str
    loc: str


class TextBuilder:
    """Accumulates printed lines and the spans of table cells; ``document`` freezes them."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._spans: list[SourceSpan] = []

    def line(self, text: str) -> None:
        """Print one narrative line (empty lines are skipped)."""
        text = text.strip()
        if text:
            self._parts.append(text + "\n")
            self._pos += len(text) + 1

    def cell(self, cell: TableCell) -> None:
        """Print one table cell as ``text |`` (a blank as ``|``) and record the span of its text (or pipe)."""
        text = " ".join(cell.text.split())
        if text:
            self._spans.append(SourceSpan(self._pos, self._pos + len(text), cell.loc))
            self._parts.append(text + " |\n")
            self._pos += len(text) + 3
        else:  # the pipe itself stands for a blank cell
            self._spans.append(SourceSpan(self._pos, self._pos + 1, cell.loc))
            self._parts.append("|\n")
            self._pos += 2

    def table(self, rows: list[list[TableCell | None]]) -> None:
        """Print a table in reading order; ``None`` marks a position covered by a merged cell."""
        for row in rows:
            for cell in row:
                if cell is not None:
                    self.cell(cell)

    def document(self, source: str, media_type: str) -> Document:
        """Return the Document of everything printed so far."""
        text = "".join(self._parts)
        starts = (0, *itertools.accumulate(len(line) + 1 for line in text.split("\n")[:-1]))
        return Document(source, text, media_type, "", tuple(starts), tuple(self._spans))
