"""Decode text dumps and clean what extraction tools leave behind."""

from __future__ import annotations

import codecs
import itertools

import regex

from ..errors import BinaryInput
from ..model import Diagnostic, Document, SourceSpan

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Page numbers a PDF tool leaves between lines: "- 3 -", "— 12 —", "第 3 页 共 9 页".
_PAGE_NUMBER = regex.compile(r"(?m)^[ \t]*(?:[-—–][ \t]*\d{1,3}[ \t]*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)[ \t]*\n")
# Word conditional comments leaked into page text.
_WORD_COMMENT = regex.compile(r"<!--\[if [^\]]*\]-->|<!--\[endif\]-->")


_META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,20})""", regex.I)
_HEADER_CHARSET = regex.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]{2,20})", regex.I)
# Chinese sites declare GB2312 or GBK and send characters only GB18030 has; GB18030 reads them all.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
            "cp936": "gb18030", "euc-cn": "gb18030", "utf8": "utf-8", "big5": "big5hkscs"}


def declared_charset(data: bytes, content_type: str = "") -> tuple[str | None, str]:
    """Given bytes and a Content-Type header, return (charset declared, where it was declared)."""
    if m := _HEADER_CHARSET.search(content_type or ""):
        return _canonical(m.group(1)), "http"
    if m := _META_CHARSET.search(data[:4096]):
        return _canonical(m.group(1).decode("ascii")), "meta"
    return None, ""


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, source: str, content_type: str = "") -> tuple[str, str, list[Diagnostic]]:
    """Given bytes, return (text, encoding used, diagnostics); binary data raises BinaryInput.

    Order: a BOM; then valid UTF-8 (GBK bytes are almost never valid UTF-8, while UTF-8 bytes
    often decode as GBK garbage); then the charset the HTTP header or a <meta> declares; then
    GB18030; then charset-normalizer's guess.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, []
    if b"\x00" in data[:4096]:
        raise BinaryInput(f"{source}: binary data (NUL bytes), not a text report")
    declared, where = declared_charset(data, content_type)
    for enc in dict.fromkeys(e for e in ("utf-8", declared, "gb18030") if e):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, enc, _mismatch(declared, where, enc)
    return _guess(data, source, declared, where)


def _mismatch(declared: str | None, where: str, used: str) -> list[Diagnostic]:
    if declared and declared != used and not (declared == "ascii" and used == "utf-8"):
        return [Diagnostic("extract", "info", "charset_mismatch",
                           f"{where} declares {declared}, but the bytes are {used}")]
    return []


def _guess(data: bytes, source: str, declared: str | None, where: str) -> tuple[str, str, list[Diagnostic]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        enc = _canonical(best.encoding) or best.encoding
        text = data.decode(enc, errors="replace")
        return text, enc, [Diagnostic("extract", "warning", "charset_guessed",
                                      f"no charset fits the bytes exactly; read as {enc} (detected)")]
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 20):
        raise BinaryInput(f"{source}: not text in a known encoding ({bad} undecodable bytes)")
    return text, "utf-8", [Diagnostic("extract", "warning", "bad_bytes", f"{bad} undecodable byte sequence(s) replaced")]


def document_from_text(source: str, text: str, media: str, encoding: str, diags: list[Diagnostic], *,
                       spans: tuple[SourceSpan, ...] = (), clean: bool = True) -> tuple[Document, list[Diagnostic]]:
    """Given decoded text, return the Document with line breaks unified and tool debris removed.

    Extractors that recorded ``spans`` pass ``clean=False``: their text is final, offsets included.
    """
    diags = list(diags)
    cleaned = text
    if clean:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        cleaned = _WORD_COMMENT.sub("", text)
        cleaned, pages = _PAGE_NUMBER.subn("", cleaned)
        if pages:
            diags.append(Diagnostic("extract", "info", "page_numbers_removed", f"{pages} page-number line(s) removed"))
        if cleaned != text and not pages:
            diags.append(Diagnostic("extract", "info", "markup_removed", "Word conditional comments removed"))
    starts = (0, *itertools.accumulate(len(line) + 1 for line in cleaned.split("\n")[:-1]))
    return Document(source, cleaned, media, encoding, tuple(starts), spans), diags
