"""Read the data cells of one flattened row: lex the text after a row label into tokens.

Tokens keep the printed text (``raw``), the number as printed in ASCII (``value``: signs and
words such as 减3 / 增加5 / +19 become -3 / 5 / 19, units are split off into ``unit``) and their
offsets in the source. ``0``, a printed blank and a placeholder (``/``, ``—``, ``无``) stay
different kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from ..normalize import fold_chars

_SIGN = r"(?P<sign>增加|增|减少|减|\+|-|−|–)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
_UNIT = r"(?P<unit>万元|元|件|条|项|个|次|人次|份|起|家|%)?"
_LEX = re.compile(
    rf"(?P<pipe>\|)|(?P<ws>[ \n]+)"
    rf"|(?P<value>{_SIGN}[ ]?{_NUM}{_UNIT})"
    r"|(?P<ph>——|--|—|―|－|-|/|／|\\|无|不适用|N/?A)"
    r"|(?P<other>.)", re.S
)
_VALUE_NG = (r"(?:增加|增|减少|减|\+|-|−|–)?[ ]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
             r"(?:万元|元|件|条|项|个|次|人次|份|起|家|%)?")
_PH = r"——|--|—|―|－|-|/|／|\\|无|不适用|N/?A"
# The longest run of data lexemes from a position: where a row's cells end (one C-level match).
_DATA_RUN = re.compile(rf"(?:[ \n|]+|{_VALUE_NG}|(?:{_PH}))*")
_TOKEN = re.compile(rf"(?P<value>{_SIGN}[ ]?{_NUM}{_UNIT})|(?P<ph>{_PH})")
# sign, integer digits, the rest (fraction and unit) of a printed value without separators
_PARTS = re.compile(r"(增加|增|减少|减|\+|-|−|–)?(\d+)(\.\d+)?(万元|元|件|条|项|个|次|人次|份|起|家|%)?")
_SIGN_CHARS = str.maketrans("減増萬條項個", "减增万条项个")  # Traditional forms of sign and unit words
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
        m = _PARTS.fullmatch(_fold_value(self.raw.strip())) if self.kind == "value" else None
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


def _fold_value(printed: str) -> str:
    """Given a printed cell, return it with full-width digits and Traditional sign words folded."""
    return fold_chars(printed).translate(_SIGN_CHARS)


def split_token(tok: Token, cuts: tuple[int, ...]) -> tuple[Token, ...]:
    """Given a token and cut positions in its integer digits, return the cells it then holds.

    The sign stays with the first cell, the fraction and unit with the last.
    """
    if tok.kind == "placeholder":
        half = tok.raw[:1]
        return tuple(Token("placeholder", half, None, "", tok.start, tok.end) for _ in range(len(cuts) + 1))
    printed = tok.raw.strip()
    m = _PARTS.fullmatch(_fold_value(printed))  # same length: slice the printed text alike
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
    sign, num, frac, unit = m.group("sign", "num", "frac", "unit")
    if "," in num:
        num = num.replace(",", "")
    if frac:
        num += frac
    if sign and sign not in _PLUS:
        num = "-" + num
    start, end = m.span()
    return Token("value", text[start:end], num, unit or "", start, end)


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


def read_segment(text: str, folded: str, start: int, end: int) -> Segment:
    """Given the span between a row label and the next label, return its data cells."""
    stop = _DATA_RUN.match(folded, start, end).end()  # type: ignore[union-attr]
    truncated = stop >= len(folded.rstrip())
    if "|" in folded[start:stop]:
        return Segment(tuple(_piped_cells(text, folded, start, stop)), stop, truncated, True)
    lexemes, _ = lex(text, folded, start, stop)
    tokens = [lx[1] for lx in lexemes if lx[1] is not None]
    return Segment(tuple(tokens), stop, truncated, False, _line_items(lexemes))


def _piped_cells(text: str, folded: str, start: int, stop: int) -> list[Token]:
    """Given a run of data with pipes, return one token per cell (blank cells included, padding dropped).

    The run is cut at the pipes; the piece before the first pipe is the rest of the label's cell
    and the piece after the last one leads into the next label. A piece holding only whitespace
    is a printed blank cell unless it borders a run of pipes (``||``, padding) or is a row break.
    """
    pieces = folded[start:stop].split("|")
    last = len(pieces) - 1
    out: list[Token] = []
    pos = start
    for i, piece in enumerate(pieces):
        a, pos = pos, pos + len(piece) + 1
        if piece.strip(" \n"):
            out.extend(_merge([_token(m, text) for m in _TOKEN.finditer(folded, a, a + len(piece))]))
        elif piece and 0 < i < last and not (i + 1 < last and not pieces[i + 1]):
            closer = a + len(piece)
            if "\n" not in piece or folded[closer - 1] == " " or closer + 1 >= len(folded) \
                    or folded[closer + 1] == "\n":
                at = closer - 1 if folded[closer - 1] == " " else closer
                out.append(Token("blank", "", None, "", at, at + 1))
    return out


def _token(m: re.Match, text: str) -> Token:
    if m.lastgroup == "ph":
        return Token("placeholder", text[m.start():m.end()], None, "", m.start(), m.end())
    return _value(m, text)


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
