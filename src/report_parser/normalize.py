"""Normalisation for matching only; the printed text is always kept.

``fold`` turns printed text into a *matching* text of the same length, so that an offset found
in one is valid in the other:

* NFKC per character where it yields one character (full-width digits and brackets, ideographic
  space);
* Traditional -> Simplified with OpenCC (``t2s``), character by character when a phrase rule would
  change the length;
* pinyin glosses injected by spam mirrors (``據(jù)``, ``文(wen)``) become spaces;
* every kind of space (NBSP, U+3000, zero-width) becomes an ASCII space.

``squeeze`` removes separators (whitespace and ``|``) and keeps a map back to the original offsets,
so labels wrapped over lines or split by spaces (``商业 企业``, ``本年新`` / ``制作数量``) match.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass

import opencc
import regex

_T2S = opencc.OpenCC("t2s")

# A CJK character followed by a pinyin gloss in ASCII brackets: 據(jù), 務(wù), 文(wen).
_GLOSS = regex.compile(r"(?<=\p{Han})\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]{1,7}\)")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                              "\u2009\u200a\u200b\u202f\u205f\u3000\ufeff\t\r\x0b\x0c"), " ")
SEPARATORS = frozenset(" \n|")
_NOT_HAN = regex.compile(r"[^\p{Han}]+")


def _nfkc_table() -> dict[int, str]:
    """Return a translate table: NFKC for the compatibility blocks where it yields one character."""
    table: dict[int, str] = {}
    for lo, hi in ((0x2000, 0x206F), (0x2100, 0x214F), (0x3000, 0x303F), (0xF900, 0xFAFF),
                   (0xFE30, 0xFE6F), (0xFF00, 0xFFEF)):
        for cp in range(lo, hi + 1):
            out = unicodedata.normalize("NFKC", chr(cp))
            if len(out) == 1 and out != chr(cp):
                table[cp] = out
    return table


_NFKC = _nfkc_table()
_FOLD_TABLE = {**_NFKC, **{k: " " for k in _SPACES}}
_FOLD_CHARS = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]")


def _nfkc(text: str) -> str:
    return text.translate(_NFKC)


def fold_chars(text: str) -> str:
    """Given text, return it with spaces unified and NFKC applied (only where a character needs it)."""
    return _FOLD_CHARS.sub(lambda m: _FOLD_TABLE[ord(m.group())], text)


def to_simplified(text: str) -> str:
    """Given text in either script, return it in Simplified characters (same length)."""
    out = _T2S.convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c2 := _T2S.convert(c)) != 1 else c2 for c in text)


def fold(text: str) -> str:
    """Given printed text, return the same-length matching text (see module docstring)."""
    text = fold_chars(text)
    if "(" in text:
        text = _GLOSS.sub(lambda m: " " * len(m.group()), text)
    return to_simplified(text)


def is_traditional(text: str, folded: str | None = None) -> bool:
    """Given printed text (and its folded twin), tell whether it is mostly in Traditional characters."""
    sample = _NOT_HAN.sub("", text[:20000])[:4000]
    if not sample:
        return False
    simple = _NOT_HAN.sub("", folded[:20000])[:4000] if folded is not None else to_simplified(sample)
    changed = sum(map(operator.ne, sample, simple))
    return changed >= max(3, len(sample) // 50)


@dataclass(frozen=True, slots=True)
class Squeezed:
    """Matching text without separators, mapped back to the original offsets run by run."""

    text: str
    runs: tuple[int, ...]        # squeezed offset where each unbroken run starts
    origins: tuple[int, ...]     # original offset of the same run

    def orig(self, i: int) -> int:
        """Given an offset in the squeezed text, return the offset in the original text."""
        k = bisect.bisect_right(self.runs, i) - 1
        return self.origins[k] + (i - self.runs[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Given a span in the squeezed text, return the span in the original text."""
        return self.orig(start), self.orig(end - 1) + 1


_RUN = re.compile(r"[^ \n|]+")


def squeeze(folded: str) -> Squeezed:
    """Given folded text, return it without spaces, newlines and pipes, with an offset map."""
    spans = [m.span() for m in _RUN.finditer(folded)]
    if not spans:
        return Squeezed("", (0,), (0,))
    pieces = [folded[a:b] for a, b in spans]
    runs = (0, *itertools.accumulate(len(p) for p in pieces[:-1]))
    return Squeezed("".join(pieces), runs, tuple(a for a, _ in spans))


def compact(text: str) -> str:
    """Given printed text, return its folded form without separators (for comparing labels)."""
    return "".join(c for c in fold(text) if c not in SEPARATORS)
