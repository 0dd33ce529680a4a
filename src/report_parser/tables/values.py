"""Read the data cells of one flattened row: lex the text after a row label into tokens.

Tokens keep the printed text (``raw``), the number as printed in ASCII (``value``: signs and
words such as 减3 / 增加5 / +19 become -3 / 5 / 19, units are split off into ``unit``) and their
offsets in the source. ``0``, a printed blank and a placeholder (``/``, ``—``, ``无``) stay
different kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

_SIGN = r"(?P<sign>增加|增|减少|减|\+|-|−|–)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
_UNIT = r"(?P<unit>万元|元|件|条|项|个|次|人次|份|起|家|%)?"
_LEX = re.compile(
    rf"(?P<pipe>\|)|(?P<ws>[ \n]+)"
    rf"|(?P<value>{_SIGN}[ ]?{_NUM}{_UNIT})"
    r"|(?P<ph>——|--|—|―|－|-|/|／|\\|无|不适用|N/?A)"
    r"|(?P<other>.)", re.S
)
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


BLANK = Token("blank")


@dataclass(frozen=True, slots=True)
class Segment:
    """The cells read after one row label."""

    tokens: tuple[Token, ...]
    stop: int          # offset where reading stopped (next label or non-data text)
    truncated: bool    # reading ran into the end of the document
    piped: bool        # the row used pipes between cells
    by_lines: tuple[Token, ...] | None = None  # tokens with empty lines read as empty cells


def _value(m: regex.Match, text: str) -> Token:
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
    padding_after: list[bool] = []  # the group's closing pipe starts a run of pipes (||)
    for i, lexeme in enumerate(lexemes):
        if lexeme[0] == "pipe":
            closers.append(lexeme[2])
            padding_after.append(i + 1 < len(lexemes) and lexemes[i + 1][0] == "pipe")
            groups.append([])
        else:
            groups[-1].append(lexeme)
    out: list[Token] = []
    for i, group in enumerate(groups):
        content = [lx[1] for lx in group if lx[1] is not None]
        if content:
            out.extend(_merge(content))
        elif group and 0 < i < len(groups) - 1 and not padding_after[i]:
            # whitespace between two single pipes: a printed blank cell, located at its last space
            at = closers[i] - 1 if folded[closers[i] - 1] == " " else closers[i]
            out.append(Token("blank", "", None, "", at, at + 1))
    return out


def read_segment(text: str, folded: str, start: int, end: int) -> Segment:
    """Given the span between a row label and the next label, return its data cells."""
    lexemes, stop = lex(text, folded, start, end)
    piped = any(lx[0] == "pipe" for lx in lexemes)
    by_lines = None
    if piped:
        tokens = _piped_tokens(lexemes, folded)
    else:
        tokens = [lx[1] for lx in lexemes if lx[1] is not None]
        by_lines = _line_tokens(lexemes)
    truncated = stop >= len(folded.rstrip())
    return Segment(tuple(tokens), stop, truncated, piped, by_lines)


def _line_tokens(lexemes: list[Lexeme]) -> tuple[Token, ...] | None:
    """Given lexemes without pipes, read extra empty lines between cells as empty cells.

    Cells one per line (or separated by one blank line): a run of newlines longer than the
    usual separator holds empty cells. Returns None when the row is not laid out in lines.
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
                return None  # two cells on one line: not a line layout
            items.append(tok)
    if not isinstance(items[-1], int):
        items.append(0)
    runs = [r for r in items if isinstance(r, int)]
    if any(r < 1 for r in runs[1:-1]) or not any(runs):
        return None
    base = min(r for r in runs if r)
    out: list[Token] = []
    for i, item in enumerate(items):
        if isinstance(item, Token):
            out.append(item)
        else:
            gap = item - (base if 0 < i < len(items) - 1 else min(item, base))
            out.extend([BLANK] * (gap // base))
    return tuple(out)
