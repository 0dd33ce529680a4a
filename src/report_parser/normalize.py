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

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
import regex

_T2S = opencc.OpenCC("t2s")

# A CJK character followed by a pinyin gloss in ASCII brackets: 據(jù), 務(wù), 文(wen).
_GLOSS = regex.compile(r"(?<=\p{Han})\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]{1,7}\)")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                              "\u2009\u200a\u200b\u202f\u205f\u3000\ufeff\t\r\x0b\x0c"), " ")
SEPARATORS = frozenset(" \n|")


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    return out if len(out) == 1 else ch


def _nfkc(text: str) -> str:
    if text.isascii():
        return text
    return "".join(_nfkc_char(c) if ord(c) > 0x7F else c for c in text)


def to_simplified(text: str) -> str:
    """Given text in either script, return it in Simplified characters (same length)."""
    out = _T2S.convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c2 := _T2S.convert(c)) != 1 else c2 for c in text)


def fold(text: str) -> str:
    """Given printed text, return the same-length matching text (see module docstring)."""
    text = text.translate(_SPACES)
    text = _GLOSS.sub(lambda m: " " * len(m.group()), text)
    return to_simplified(_nfkc(text))


def is_traditional(text: str) -> bool:
    """Given printed text, tell whether it is mostly in Traditional characters."""
    sample = regex.sub(r"[^\p{Han}]", "", text)[:4000]
    if not sample:
        return False
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample)))
    return changed >= max(3, len(sample) // 50)


@dataclass(frozen=True, slots=True)
class Squeezed:
    """Matching text without separators, and the original offset of each of its characters."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Given a span in the squeezed text, return the span in the original text."""
        return self.offsets[start], self.offsets[end - 1] + 1


def squeeze(folded: str, start: int = 0, end: int | None = None) -> Squeezed:
    """Given folded text, return it without spaces, newlines and pipes, with an offset map."""
    end = len(folded) if end is None else end
    chars: list[str] = []
    offsets: list[int] = []
    for i in range(start, end):
        c = folded[i]
        if c not in SEPARATORS:
            chars.append(c)
            offsets.append(i)
    return Squeezed("".join(chars), tuple(offsets))


def compact(text: str) -> str:
    """Given printed text, return its folded form without separators (for comparing labels)."""
    return "".join(c for c in fold(text) if c not in SEPARATORS)
