"""Find a flattened table's labels in the text, in template order.

Labels are matched on the squeezed matching text (no spaces, newlines or pipes), so wrapped and
split labels match; every match is mapped back to the printed text. Of all label occurrences in
a table's region, the longest chain in template order is kept (a label quoted in the narrative,
or a header word that repeats a row label, falls out of the chain).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from ..normalize import Squeezed
from ..templates import RowSpec

_DOTS = ".、,"


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A row, group or section label found in the printed text."""

    spec: RowSpec
    index: int      # position of the spec in its layout
    start: int      # offsets in the printed text
    end: int
    followed_by_data: bool


@cache
def _compiled(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


def _trim_prefix(sq: Squeezed, s: int, e: int) -> int:
    """Given a squeezed match that starts with an item number, drop the number when it is data.

    ``2.其他…`` or ``…00000002其他…`` (glued) keep the number; ``| 2 |`` + newline + ``其他…``
    means the 2 was the previous row's last cell.
    """
    if not sq.text[s].isdigit() or e - s < 2:
        return s
    nxt = sq.text[s + 1]
    if nxt in _DOTS:
        return s
    return s if sq.orig(s + 1) - sq.orig(s) == 1 else s + 1


def find_labels(layout: tuple[RowSpec, ...], sq: Squeezed, lo: int, hi: int,
                data_after) -> list[LabelHit]:
    """Given a layout and a squeezed span [lo, hi), return the best chain of label hits."""
    hits: list[LabelHit] = []
    for index, spec in enumerate(layout):
        for m in _compiled(spec.pattern).finditer(sq.text, lo, hi):
            if m.end() == m.start():
                continue
            s = _trim_prefix(sq, m.start(), m.end())
            start, end = sq.span(s, m.end())
            hits.append(LabelHit(spec, index, start, end, data_after(end)))
    hits.sort(key=lambda h: (h.start, -h.end))
    return _best_chain(hits)


def _best_chain(hits: list[LabelHit]) -> list[LabelHit]:
    """Given hits sorted by position, return the heaviest chain in layout order without overlaps."""
    n = len(hits)
    if not n:
        return []
    weight = [1 + (1 if h.followed_by_data and h.spec.kind == "row" else 0) for h in hits]
    best = weight[:]
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            if hits[i].index < hits[j].index and hits[i].end <= hits[j].start and best[i] + weight[j] > best[j]:
                best[j] = best[i] + weight[j]
                prev[j] = i
    j = max(range(n), key=lambda k: (best[k], -k))
    chain = []
    while j >= 0:
        chain.append(hits[j])
        j = prev[j]
    return chain[::-1]
