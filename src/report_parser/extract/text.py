"""Decode text dumps and clean what extraction tools leave behind."""

from __future__ import annotations

import codecs
import itertools

import regex

from ..errors import BinaryInput
from ..model import Diagnostic, Document

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Page numbers a PDF tool leaves between lines: "- 3 -", "— 12 —", "第 3 页 共 9 页".
_PAGE_NUMBER = regex.compile(r"(?m)^[ \t]*(?:[-—–][ \t]*\d{1,3}[ \t]*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)[ \t]*\n")
# Word conditional comments leaked into page text.
_WORD_COMMENT = regex.compile(r"<!--\[if [^\]]*\]-->|<!--\[endif\]-->")


def decode(data: bytes, source: str) -> tuple[str, str, list[Diagnostic]]:
    """Given bytes, return (text, encoding used, diagnostics); binary data raises BinaryInput."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, []
    if b"\x00" in data[:4096]:
        raise BinaryInput(f"{source}: binary data (NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030", []
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad > max(16, len(text) // 20):
            raise BinaryInput(f"{source}: not text in UTF-8 or GB18030 ({bad} undecodable bytes)") from None
        return text, "utf-8", [Diagnostic("extract", "warning", "bad_bytes",
                                          f"{bad} undecodable byte sequence(s) replaced")]


def document_from_text(source: str, text: str, media: str, encoding: str,
                       diags: list[Diagnostic]) -> tuple[Document, list[Diagnostic]]:
    """Given decoded text, return the Document with line breaks unified and tool debris removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _WORD_COMMENT.sub("", text)
    cleaned, pages = _PAGE_NUMBER.subn("", cleaned)
    diags = list(diags)
    if pages:
        diags.append(Diagnostic("extract", "info", "page_numbers_removed", f"{pages} page-number line(s) removed"))
    if cleaned != text and not pages:
        diags.append(Diagnostic("extract", "info", "markup_removed", "Word conditional comments removed"))
    starts = (0, *itertools.accumulate(len(line) + 1 for line in cleaned.split("\n")[:-1]))
    return Document(source, cleaned, media, encoding, tuple(starts)), diags
