"""Choose among candidate readings of flattened rows with the template's identities.

A flattened row can be read in several ways when digits of neighbouring cells are glued
(``640020470``) or blank cells vanished (``3 | 3 |`` for seven cells). ``row_candidates`` lists the
readings that give the row its template width and satisfy the row's own identity (row total, T4
block totals); ``solve_columns`` then keeps the combinations of rows that satisfy the T3 column
identities (一+二 = （七）+四, （七） = sum of result rows). A cell on which the surviving readings
disagree is unreadable — never a guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation

from .values import BLANK, Token, split_token

Reading = tuple[Token, ...]
RowCheck = Callable[[Sequence[Decimal | None]], bool]

MAX_CANDIDATES = 20_000
MAX_PART_DIGITS = 7


def number(tok: Token) -> Decimal | None:
    """Given a token, return its number (blank and placeholder count as 0 in identities)."""
    if tok.kind != "value" or tok.value is None:
        return Decimal(0)
    try:
        return Decimal(tok.value)
    except InvalidOperation:
        return None


def _splits(digits: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Given a digit run, yield every way to cut it into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if (len(digits) == 1 or digits[0] != "0") and len(digits) <= MAX_PART_DIGITS:
            yield (digits,)
        return
    for cut in range(1, min(len(digits) - parts + 1, MAX_PART_DIGITS) + 1):
        head = digits[:cut]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _splits(digits[cut:], parts - 1):
            yield (head, *rest)


def _split_token(tok: Token, parts: int) -> Iterator[tuple[Token, ...]]:
    """Given a token and a number of cells, yield every way it holds that many cells."""
    if tok.kind == "placeholder":
        if parts == 2:
            yield split_token(tok, (1,))
        return
    digits = (tok.value or "").lstrip("-").split(".")[0]
    for pieces in _splits(digits, parts):
        cuts = tuple(itertools.accumulate(len(p) for p in pieces[:-1]))
        yield split_token(tok, cuts)


def _unglue(tokens: Sequence[Token], extra: int) -> Iterator[Reading]:
    """Given tokens and a number of missing cells, yield readings that split run-together cells."""
    if not any(t.splittable > 1 for t in tokens):
        return
    yield from _unglue_from(tuple(tokens), 0, extra)


def _unglue_from(tokens: tuple[Token, ...], i: int, extra: int) -> Iterator[Reading]:
    """Lazily yield readings of tokens[i:] with ``extra`` more cells made by splitting."""
    if i == len(tokens):
        if extra == 0:
            yield ()
        return
    tok = tokens[i]
    most = min(extra, tok.splittable - 1)
    for k in range(most + 1):
        pieces = _split_token(tok, k + 1) if k else iter([(tok,)])
        for head in pieces:
            for rest in _unglue_from(tokens, i + 1, extra - k):
                yield head + rest


def _with_blanks(tokens: Sequence[Token], width: int) -> Iterator[Reading]:
    """Given fewer tokens than cells, yield readings with the missing cells blank (order kept)."""
    for places in itertools.combinations(range(width), len(tokens)):
        row = [BLANK] * width
        for place, tok in zip(places, tokens):
            row[place] = tok
        yield tuple(row)


def _summed(digits: str, groups: Sequence[int], pos: int = 0) -> Iterator[tuple[str, ...]]:
    """Given a digit run and groups of addends each followed by their total, yield every split.

    The total of a group is not searched for: it must be the decimal sum of the addends, so it is
    read off the digits that follow (``640020470`` with groups (6,) -> 64,0,0,2,0,4,70).
    """
    if not groups:
        if pos == len(digits):
            yield ()
        return
    yield from _addends(digits, groups, pos, groups[0], 0)


def _addends(digits: str, groups: Sequence[int], pos: int, left: int, acc: int) -> Iterator[tuple[str, ...]]:
    if left == 0:
        total = str(acc)
        if digits.startswith(total, pos):
            for rest in _summed(digits, groups[1:], pos + len(total)):
                yield (total, *rest)
        return
    room = len(digits) - pos - left  # keep at least one digit for each later addend and the total
    for cut in range(1, min(room, MAX_PART_DIGITS) + 1):
        piece = digits[pos:pos + cut]
        if cut > 1 and piece[0] == "0":
            break
        for rest in _addends(digits, groups, pos + cut, left - 1, acc + int(piece)):
            yield (piece, *rest)


def fits_kinds(reading: Reading, kinds: Sequence[str] | None) -> bool:
    """Given a reading and its columns' kinds, tell whether every cell could stand in its column.

    A count holds a whole number without sign; only the change column is signed; only money
    columns hold decimals. Blanks and placeholders fit anywhere.
    """
    if not kinds:
        return True
    for tok, kind in zip(reading, kinds):
        if tok.kind != "value" or kind == "money":
            continue
        value = tok.value or ""
        if "." in value or (kind == "count" and (value.startswith("-") or not tok.raw.strip()[:1].isdigit())):
            return False
    return True


def row_candidates(tokens: Sequence[Token], width: int, check: RowCheck | None,
                   *, blanks_vanish: bool, sums: Sequence[int] | None = None,
                   kinds: Sequence[str] | None = None) -> tuple[list[Reading], str]:
    """Given a row's tokens and its width, return the readings that fit and how they were found.

    ``sums`` describes a row made of groups of addends each followed by their total (T3: (6,),
    T4: (4, 4, 4)); a single glued digit run is then split directly by the totals.
    """
    if len(tokens) == width:
        return [tuple(tokens)], "exact"
    if len(tokens) > width:
        # Filler cells of a mismatched grid print as blanks beside the data: when dropping the
        # blanks leaves exactly the row's width, those are the cells; else padding trails.
        filled = [t for t in tokens if t.kind != "blank"]
        return [tuple(filled if len(filled) == width else tokens[:width])], "extra"
    if sums and len(tokens) == 1 and tokens[0].glued and sum(sums) + len(sums) == width:
        tok = tokens[0]
        found = [tuple(Token("value", p, p, "", tok.start, tok.end) for p in pieces)
                 for pieces in itertools.islice(_summed(tok.value or "", sums), MAX_CANDIDATES)]
        return (found, "glued") if found else ([], "short")
    extra = width - len(tokens)
    for how, gen in (("glued", _unglue(tokens, extra)),
                     ("vanished", _with_blanks(tokens, width) if blanks_vanish else iter(()))):
        found = [r for r in _filtered(gen, check) if fits_kinds(r, kinds)]
        if found:
            return found, how
    return [], "short"


def _filtered(gen: Iterator[Reading], check: RowCheck | None) -> list[Reading]:
    out: list[Reading] = []
    for reading in itertools.islice(gen, MAX_CANDIDATES):
        if check is None or check([number(t) for t in reading]):
            out.append(reading)
    return out


def row_total_check(values: Sequence[Decimal | None]) -> bool:
    """T3 row: the last cell (总计) is the sum of the six applicant columns."""
    if any(v is None for v in values):
        return False
    return sum(values[:-1], Decimal(0)) == values[-1]  # type: ignore[arg-type]


def block_total_check(blocks: Sequence[tuple[int, int]]) -> RowCheck:
    """T4 row: each block's total is the sum of its four results."""
    def check(values: Sequence[Decimal | None]) -> bool:
        for first, total in blocks:
            part = values[first:total + 1]
            if any(v is None for v in part):
                return False
            if sum(part[:-1], Decimal(0)) != part[-1]:  # type: ignore[arg-type]
                return False
        return True
    return check


def solve_columns(rows: dict[str, list[Reading]], identities: Sequence[tuple[Sequence[str], Sequence[str]]],
                  width: int) -> dict[str, list[Reading]]:
    """Given candidate readings per row, keep the combinations that satisfy column identities.

    Each identity (left rows, right rows) says: for every column, sum(left) == sum(right).
    Identities naming a row that is not present are ignored. When nothing fits, or there are
    too many combinations, the candidates are returned unchanged.
    """
    usable = [(lft, rgt) for lft, rgt in identities if all(r in rows for r in (*lft, *rgt))]
    rows = _propagate(dict(rows), usable, width)
    open_rows = [r for r in rows if len(rows[r]) > 1 and any(r in (*lft, *rgt) for lft, rgt in usable)]
    if not open_rows:
        return rows
    total = 1
    for r in open_rows:
        total *= len(rows[r])
    if total > MAX_CANDIDATES:
        return rows
    kept: dict[str, set[int]] = {r: set() for r in open_rows}
    for choice in itertools.product(*(range(len(rows[r])) for r in open_rows)):
        pick = dict(zip(open_rows, choice))
        if all(_holds(rows, pick, lft, rgt, width) for lft, rgt in usable):
            for r, i in pick.items():
                kept[r].add(i)
    if not any(kept.values()):
        return rows
    return {r: ([c for i, c in enumerate(cands) if i in kept[r]] if r in kept else cands)
            for r, cands in rows.items()}


def _propagate(rows: dict[str, list[Reading]], usable, width: int) -> dict[str, list[Reading]]:
    """Filter a row's readings by every identity in which it is the only undecided row."""
    changed = True
    while changed:
        changed = False
        for lft, rgt in usable:
            undecided = [r for r in (*lft, *rgt) if len(rows[r]) > 1]
            if len(undecided) != 1:
                continue
            name = undecided[0]
            fits = [c for i, c in enumerate(rows[name]) if _holds(rows, {name: i}, lft, rgt, width)]
            if fits and len(fits) < len(rows[name]):
                rows[name] = fits
                changed = True
    return rows


def _holds(rows, pick, lft, rgt, width) -> bool:
    for col in range(width):
        sides = []
        for names in (lft, rgt):
            s = Decimal(0)
            for name in names:
                v = number(rows[name][pick.get(name, 0)][col])
                if v is None:
                    return True
                s += v
            sides.append(s)
        if sides[0] != sides[1]:
            return False
    return True
