"""Read the data cells of one flattened row: lex the text after a row label into tokens.

Tokens keep the printed text (``raw``), the number as printed in ASCII (``value``: signs and
words such as 减3 / 增加5 / +19 become -3 / 5 / 19, units are split off into ``unit``) and their
offsets in the source. ``0``, a printed blank and a placeholder (``/``, ``—``, ``无``) stay
different kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from ..normalize import fold

_SIGN = r"(?P<sign>增加|增|减少|减|\+|-|−|–)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
_UNIT = r"(?P<unit>万元|元|件|条|项|个|次|人次|份|起|家|%)?"
_LEX = re.compile(
    rf"(?P<pipe>\|)|(?P<ws>[ \n]+)"
    rf"|(?P<value>{_SIGN}[ ]?{_NUM}{_UNIT})"
    r"|(?P<ph>——|--|—|―|－|-|/|／|\\|无|不适用|N/?A)"
    r"|(?P<other>.)", re.S
)
# sign, integer digits, the rest (fraction and unit) of a printed value without separators
_PARTS = re.compile(r"(增加|增|减少|减|\+|-|−|–)?(\d+)(\.\d+)?(万元|元|件|条|项|个|次|人次|份|起|家|%)?")
_PLUS = {"增加", "增", "+"}


@dataclass(frozen=True, slots=True)
class Token:
    """One data cell as printed: kind is ``value``, ``blank`` or ``placeholder``."""

    kind: str
    raw: str = ""
    value: str | None = None
    unit: str = ""
    start: int = -1
    end: int = -1

    @property
    def glued(self) -> bool:
        """True when this is a run of digits that may hold several cells."""
        return self.kind == "value" and self.value is not None and self.value.isdigit() \
            and len(self.value) > 1 and self.raw.strip().isdigit()

    @property
    def splittable(self) -> int:
        """How many cells this token could at most hold if neighbours were printed without a break.

        Digit runs (``640020470``), signed or decimal values whose integer digits ran into the
        previous cells (``+67`` = ``+6`` ``7``; ``95.20元`` = ``9`` ``5.20元``) and doubled dashes
        (``——`` = ``—`` ``—``).
        """
        if self.kind == "placeholder":
            return 2 if self.raw in ("——", "--") else 1
        m = _PARTS.fullmatch(fold(self.raw.strip())) if self.kind == "value" else None
        return len(m.group(2)) if m else 1


BLANK = Token("blank")


@dataclass(frozen=True, slots=True)
class Segment:
    """The cells read after one row label."""

    tokens: tuple[Token, ...]
    stop: int          # offset where reading stopped (next label or non-data text)
    truncated: bool    # reading ran into the end of the document
    piped: bool        # the row used pipes between cells
    lines: tuple[Token | int, ...] | None = None  # cells and newline runs, when laid out in lines

    def line_runs(self) -> list[int]:
        """Return the lengths of the newline runs between this row's cells (and at its ends)."""
        return [r for r in self.lines or () if isinstance(r, int) and r]

    def by_lines(self, base: int) -> tuple[Token, ...] | None:
        """Given the table's usual cell separator (``base`` newlines), read longer runs as empty cells."""
        if self.lines is None or base < 1:
            return None
        out: list[Token] = []
        last = len(self.lines) - 1
        for i, item in enumerate(self.lines):
            if isinstance(item, Token):
                out.append(item)
            else:
                gap = item - (base if 0 < i < last else min(item, base))
                out.extend([BLANK] * (gap // base))
        return tuple(out)


def split_token(tok: Token, cuts: tuple[int, ...]) -> tuple[Token, ...]:
    """Given a token and cut positions in its integer digits, return the cells it then holds.

    The sign stays with the first cell, the fraction and unit with the last.
    """
    if tok.kind == "placeholder":
        half = tok.raw[:1]
        return tuple(Token("placeholder", half, None, "", tok.start, tok.end) for _ in range(len(cuts) + 1))
    printed = tok.raw.strip()
    m = _PARTS.fullmatch(fold(printed))  # fold keeps offsets: slice the printed text alike
    assert m is not None
    sign, frac, unit = m.group(1) or "", m.group(3) or "", m.group(4) or ""
    d0 = m.start(2)
    bounds = (d0, *(d0 + c for c in cuts), m.end(2))
    out = []
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        last = i == len(bounds) - 2
        raw = printed[:a] * (i == 0) + printed[a:b] + (printed[b:] if last else "")
        value = m.string[a:b] + (frac if last else "")
        if i == 0 and sign and sign not in _PLUS:
            value = "-" + value
        out.append(Token("value", raw, value, unit if last else "", tok.start, tok.end))
    return tuple(out)


def _value(m: re.Match, text: str) -> Token:
    sign = m.group("sign") or ""
    num = m.group("num").replace(",", "") + (m.group("frac") or "")
    if sign and sign not in _PLUS:
        num = "-" + num
    return Token("value", text[m.start():m.end()], num, m.group("unit") or "", m.start(), m.end())


Lexeme = tuple[str, "Token | None", int, int]  # kind, the token for data, start offset, newlines


def lex(text: str, folded: str, start: int, end: int) -> tuple[list[Lexeme], int]:
    """Given a span after a row label, return its lexemes and where data stopped."""
    out: list[Lexeme] = []
    for m in _LEX.finditer(folded, start, end):
        kind = m.lastgroup
        if kind == "other":
            return out, m.start()
        pos = m.start()
        if kind == "value":
            out.append(("value", _value(m, text), pos, 0))
        elif kind == "ph":
            out.append(("ph", Token("placeholder", text[pos:m.end()], None, "", pos, m.end()), pos, 0))
        elif kind == "ws":
            out.append(("ws", None, pos, m.group().count("\n")))
        else:
            out.append(("pipe", None, pos, 0))
    return out, end


def _merge(tokens: list[Token]) -> list[Token]:
    """Given the tokens of one piped cell, join digit runs split by stray spaces."""
    if len(tokens) > 1 and all(t.kind == "value" and t.raw.strip().isdigit() for t in tokens):
        first, last = tokens[0], tokens[-1]
        digits = "".join(t.value or "" for t in tokens)
        return [Token("value", first.raw + "".join(" " + t.raw for t in tokens[1:]), digits, "", first.start, last.end)]
    return tokens


def _piped_tokens(lexemes: list[Lexeme], folded: str) -> list[Token]:
    """Given lexemes with pipes, return one token per cell (blank cells included, padding dropped)."""
    groups: list[list[Lexeme]] = [[]]
    closers: list[int] = []         # offset of the pipe closing each group
    padding: list[bool] = []        # the group's closing pipe starts a run of pipes (||)
    for i, lexeme in enumerate(lexemes):
        if lexeme[0] == "pipe":
            closers.append(lexeme[2])
            padding.append(i + 1 < len(lexemes) and lexemes[i + 1][0] == "pipe")
            groups.append([])
        else:
            groups[-1].append(lexeme)
    out: list[Token] = []
    for i, group in enumerate(groups):
        content = [lx[1] for lx in group if lx[1] is not None]
        if content:
            out.extend(_merge(content))
        elif group and 0 < i < len(groups) - 1 and not padding[i] and _is_cell(group, closers[i], folded):
            # whitespace between two single pipes: a printed blank cell, located at its last space
            at = closers[i] - 1 if folded[closers[i] - 1] == " " else closers[i]
            out.append(Token("blank", "", None, "", at, at + 1))
    return out


def _is_cell(group: list[Lexeme], closer: int, folded: str) -> bool:
    """Given a whitespace-only group between pipes, tell a blank cell from a row break.

    Within a line (``| 1 |  | 0 |``) it is a blank cell; across a line end it is one when the
    closing pipe is a line of its own (``0 |`` / ``|`` / ``0 |``) or a row opens with an empty
    cell (`` | 0 | 0 |``), not when the pipe opens the next markdown row (``… |`` / ``| 0 |``,
    or ``| `` for a cell broken over lines).
    """
    if not any(lx[3] for lx in group) or folded[closer - 1] == " ":
        return True
    return closer + 1 >= len(folded) or folded[closer + 1] == "\n"


def read_segment(text: str, folded: str, start: int, end: int) -> Segment:
    """Given the span between a row label and the next label, return its data cells."""
    lexemes, stop = lex(text, folded, start, end)
    piped = any(lx[0] == "pipe" for lx in lexemes)
    lines = None
    if piped:
        tokens = _piped_tokens(lexemes, folded)
    else:
        tokens = [lx[1] for lx in lexemes if lx[1] is not None]
        lines = _line_items(lexemes)
    truncated = stop >= len(folded.rstrip())
    return Segment(tuple(tokens), stop, truncated, piped, lines)


def _line_items(lexemes: list[Lexeme]) -> tuple[Token | int, ...] | None:
    """Given lexemes without pipes, return cells and the newline runs around them.

    None when two cells share a line (the row is not laid out one cell per line).
    """
    items: list[Token | int] = [0]
    for kind, tok, _, newlines in lexemes:
        if kind == "ws":
            if newlines:
                if isinstance(items[-1], int):
                    items[-1] += newlines
                else:
                    items.append(newlines)
        elif tok is not None:
            if not isinstance(items[-1], int):
                return None
            items.append(tok)
    if not isinstance(items[-1], int):
        items.append(0)
    if any(isinstance(r, int) and r < 1 for r in items[1:-1]):
        return None
    return tuple(items)
